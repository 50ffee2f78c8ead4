import { z } from 'zod';
import { CAMPAIGN_ID, type Campaign } from '../../campaigns/campaign.ts';
import type { NewCampaign } from '../../campaigns/campaigns.ts';
import { LANGUAGES } from '../../campaigns/invitee-csv.ts';
import m49 from '../../engine/m49.json' with { type: 'json' };

const REGIONS = new Set([...Object.keys(m49), ...Object.values(m49 as Record<string, string[]>).flat()]);

/** A form field sent once is a string, sent several times (checkboxes) an array. */
const many = z
  .union([z.string(), z.array(z.string())])
  .optional()
  .transform((v) => (v === undefined ? [] : [v].flat()));
const text = z.string().optional().default('');
const day = z
  .string()
  .optional()
  .default('')
  .refine((v) => v === '' || /^\d{4}-\d{2}-\d{2}$/.test(v))
  .transform((v) => (v ? new Date(`${v}T00:00:00.000Z`) : undefined))
  .refine((d) => d === undefined || !Number.isNaN(d.getTime()));
const days = z.coerce.number().int().min(0).max(365);

/** The campaign form as the browser sends it (every value a string); field names are the form's. */
const formSchema = z
  .object({
    id: text,
    name: z.string().trim().min(1).max(200),
    flowId: z.string().min(1).max(100),
    coordinators: many,
    regions: text.transform((v) =>
      v
        .split(/[\s,]+/)
        .filter(Boolean)
        .map((c) => c.toUpperCase()),
    ),
    languages: many,
    opensAt: day,
    closesAt: day,
    consentOrganisation: z.string().trim().min(1).max(200),
    firstAfterDays: days,
    minGapDays: days,
    maxCount: z.coerce.number().int().min(0).max(10),
  })
  .superRefine((form, ctx) => {
    if (form.regions.length > 300 || !form.regions.every((r) => REGIONS.has(r)))
      ctx.addIssue({ code: 'custom', path: ['regions'], message: 'regions' });
    if (
      form.languages.length === 0 ||
      !form.languages.every((l) => (LANGUAGES as readonly string[]).includes(l))
    )
      ctx.addIssue({ code: 'custom', path: ['languages'], message: 'languages' });
    if (form.opensAt && form.closesAt && form.closesAt <= form.opensAt)
      ctx.addIssue({ code: 'custom', path: ['closesAt'], message: 'closesAt' });
  });

/** The fields the form shows an error beside (a problem on `reminders.*` belongs to its field). */
export const FORM_FIELDS = [
  'id',
  'name',
  'flowId',
  'coordinators',
  'regions',
  'languages',
  'opensAt',
  'closesAt',
  'consentOrganisation',
  'firstAfterDays',
  'minGapDays',
  'maxCount',
] as const;
export type FormField = (typeof FORM_FIELDS)[number];

/** What the form shows: the values as typed, so a refused form comes back as it was. */
export type FormValues = Record<Exclude<FormField, 'coordinators' | 'languages'>, string> & {
  coordinators: string[];
  languages: string[];
};

export function formValuesOf(campaign: Campaign | null): FormValues {
  const day = (d: Date | undefined) => (d ? d.toISOString().slice(0, 10) : '');
  return {
    id: campaign?.id ?? '',
    name: campaign?.name ?? '',
    flowId: campaign?.flowId ?? '',
    coordinators: campaign?.coordinators ?? [],
    regions: campaign?.regions.join(', ') ?? '',
    languages: campaign?.languages ?? [],
    opensAt: day(campaign?.opensAt),
    closesAt: day(campaign?.closesAt),
    consentOrganisation: campaign?.consentOrganisation ?? '',
    firstAfterDays: String(campaign?.reminders.firstAfterDays ?? 3),
    minGapDays: String(campaign?.reminders.minGapDays ?? 4),
    maxCount: String(campaign?.reminders.maxCount ?? 2),
  };
}

/** The values a refused form is shown again with. */
export function formValuesFrom(body: Record<string, unknown>): FormValues {
  const one = (k: string) => (typeof body[k] === 'string' ? (body[k] as string).slice(0, 2000) : '');
  const list = (k: string) => [body[k]].flat().filter((v): v is string => typeof v === 'string');
  return {
    id: one('id'),
    name: one('name'),
    flowId: one('flowId'),
    coordinators: list('coordinators'),
    regions: one('regions'),
    languages: list('languages'),
    opensAt: one('opensAt'),
    closesAt: one('closesAt'),
    consentOrganisation: one('consentOrganisation'),
    firstAfterDays: one('firstAfterDays'),
    minGapDays: one('minGapDays'),
    maxCount: one('maxCount'),
  };
}

/**
 * Reads the campaign form into what the Campaigns service takes, or the fields in error. The id
 * is checked only when creating (it never changes); the service validates again with the
 * campaign's own schema, and its problems map back to fields with `fieldsOf`.
 */
export function readCampaignForm(
  body: Record<string, unknown>,
  creating: boolean,
): { ok: true; value: NewCampaign } | { ok: false; fields: FormField[] } {
  const parsed = formSchema.safeParse(body);
  const fields = new Set<FormField>(
    parsed.success ? [] : fieldsOf(parsed.error.issues.map((i) => i.path.join('.'))),
  );
  if (creating && !(typeof body.id === 'string' && CAMPAIGN_ID.test(body.id))) fields.add('id');
  if (!parsed.success || fields.size) return { ok: false, fields: [...fields] };
  const f = parsed.data;
  return {
    ok: true,
    value: {
      id: f.id,
      name: f.name,
      flowId: f.flowId,
      coordinators: [...new Set(f.coordinators)],
      regions: [...new Set(f.regions)],
      languages: [...new Set(f.languages)] as Campaign['languages'],
      ...(f.opensAt ? { opensAt: f.opensAt } : {}),
      ...(f.closesAt ? { closesAt: f.closesAt } : {}),
      consentOrganisation: f.consentOrganisation,
      reminders: { firstAfterDays: f.firstAfterDays, minGapDays: f.minGapDays, maxCount: f.maxCount },
    },
  };
}

/** Problem paths (`name`, `reminders.maxCount`, `languages.0`) as the form's fields. */
export function fieldsOf(paths: string[]): FormField[] {
  const fields = new Set<FormField>();
  for (const path of paths) {
    const parts = path.split('.');
    const field = (parts[0] === 'reminders' ? parts[1] : parts[0]) as FormField;
    if ((FORM_FIELDS as readonly string[]).includes(field)) fields.add(field);
  }
  return [...fields];
}
