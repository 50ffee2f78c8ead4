import { stringify } from 'csv-stringify/sync';
import type { Flow } from '../engine/flow.ts';
import { regionOf } from '../engine/regions.ts';
import { neutralizeBidi, spreadsheetSafe } from '../safe-text.ts';
import type { InvitationStore } from '../store/invitation-store.ts';
import type { InviteeStore } from '../store/invitee-store.ts';
import type { ResponseRecord, ResponseStore } from '../store/response-store.ts';
import type { SendLog } from '../store/send-log.ts';
import type { Campaign } from './campaign.ts';
import { invitationKey } from './invitation-send.ts';

export const SPLITS = ['all', 'coordinator', 'region', 'country', 'language', 'channel'] as const;
export type Split = (typeof SPLITS)[number];
export const STAGES = ['invited', 'delivered', 'started', 'consented', 'completed', 'followUp'] as const;
type Stage = (typeof STAGES)[number];

export type FunnelRow = { split: Split; group: string; medianSeconds: number | null } & Record<Stage, number>;

export interface Funnel {
  campaign: string;
  /** Per split, one row per group (`''`: not known for that split), groups in code order. */
  rows: FunnelRow[];
  /** Unfinished surveys by the last question answered before they stopped, in the flow's order. */
  dropOff: { question: string; count: number }[];
}

export interface FunnelDeps {
  invitees: Pick<InviteeStore, 'scan'>;
  invitations: Pick<InvitationStore, 'list'>;
  sends: Pick<SendLog, 'scan'>;
  responses: Pick<ResponseStore, 'scan'>;
  flowOf: (id: string) => Flow | undefined;
}

type Groups = Record<Exclude<Split, 'all'>, string>;

/**
 * A campaign's funnel: invited → delivered (e-mail sent) → started → consented → completed →
 * agreed to a follow-up interview, with the median time to complete, overall and split by
 * coordinator, region, country, language and channel. Computed in code while streaming the
 * invitees, the send log and the flow's responses (one per respondent: the complete one, else
 * the latest partial), counting those who started with one of the campaign's tokens.
 */
export async function computeFunnel(deps: FunnelDeps, campaign: Campaign): Promise<Funnel> {
  const flow = deps.flowOf(campaign.flowId);
  const countryQuestion = flow?.questions.find((q) => q.type === 'country')?.id;
  const consentQuestion = flow?.questions.find((q) => q.type === 'consent')?.id;
  const contactQuestion = flow?.questions.find((q) => q.type === 'contact')?.id;
  const order = new Map(flow?.questions.map((q, i) => [q.id, i]) ?? []);
  const invitations = new Map(
    (await deps.invitations.list()).filter((i) => i.campaign === campaign.id).map((i) => [i.token, i]),
  );
  const delivered = new Set<string>();
  for await (const record of deps.sends.scan(campaign.id))
    if (record.kind === 'invitation' && record.status === 'sent') delivered.add(record.key);

  const rows = new Map<string, FunnelRow>();
  const durations = new Map<string, number[]>();
  const count = (groups: Groups, stage: Stage, seconds?: number) => {
    for (const split of SPLITS) {
      const group = split === 'all' ? 'all' : groups[split];
      const id = `${split}\0${group}`;
      let row = rows.get(id);
      if (!row) {
        row = {
          split,
          group,
          invited: 0,
          delivered: 0,
          started: 0,
          consented: 0,
          completed: 0,
          followUp: 0,
          medianSeconds: null,
        };
        rows.set(id, row);
      }
      row[stage]++;
      if (seconds !== undefined) durations.set(id, [...(durations.get(id) ?? []), seconds]);
    }
  };

  const inviteeOf = new Map<string, { country?: string }>();
  for await (const invitee of deps.invitees.scan(campaign.id)) {
    inviteeOf.set(invitee.token, invitee.country ? { country: invitee.country } : {});
    const groups = groupsOf(invitee.coordinator, invitee.country, invitee.language, '');
    count(groups, 'invited');
    if (delivered.has(invitationKey(campaign.id, invitee.token))) count(groups, 'delivered');
  }

  const chosen = new Map<string, ResponseRecord>();
  for await (const response of deps.responses.scan({ flowId: campaign.flowId })) {
    if (!response.invitation || !invitations.has(response.invitation)) continue;
    const earlier = chosen.get(response.respondent);
    if (!earlier || better(response, earlier)) chosen.set(response.respondent, response);
  }
  const stopped = new Map<string, number>();
  for (const response of chosen.values()) {
    const country = countryAnswer(response, countryQuestion) ?? inviteeOf.get(response.invitation!)?.country;
    const groups = groupsOf(
      invitations.get(response.invitation!)?.coordinator,
      country,
      response.locale,
      response.channel,
    );
    count(groups, 'started');
    if (consentQuestion && valueOf(response, consentQuestion) === 'yes') count(groups, 'consented');
    if (response.status === 'complete') {
      const seconds = response.finishedAt
        ? (response.finishedAt.getTime() - response.startedAt.getTime()) / 1000
        : undefined;
      count(groups, 'completed', seconds);
      const contact = contactQuestion ? valueOf(response, contactQuestion) : undefined;
      if ((contact as { agreed?: unknown } | undefined)?.agreed === 'yes') count(groups, 'followUp');
    } else {
      const last = Object.keys(response.answers)
        .filter((id) => order.has(id))
        .sort((a, b) => order.get(a)! - order.get(b)!)
        .at(-1);
      if (last) stopped.set(last, (stopped.get(last) ?? 0) + 1);
    }
  }
  for (const [id, row] of rows) row.medianSeconds = median(durations.get(id) ?? []);
  return {
    campaign: campaign.id,
    rows: [...rows.values()].sort(
      (a, b) => SPLITS.indexOf(a.split) - SPLITS.indexOf(b.split) || a.group.localeCompare(b.group),
    ),
    dropOff: [...stopped]
      .sort(([a], [b]) => order.get(a)! - order.get(b)!)
      .map(([question, n]) => ({ question, count: n })),
  };
}

/** The funnel as CSV: one line per split and group; cells spreadsheet-safe. */
export function funnelCsv(funnel: Funnel): string {
  return stringify([
    ['campaign', 'split', 'group', ...STAGES, 'median_seconds'],
    ...funnel.rows.map((r) => [
      funnel.campaign,
      r.split,
      spreadsheetSafe(neutralizeBidi(r.group)),
      ...STAGES.map((s) => r[s]),
      r.medianSeconds ?? '',
    ]),
  ]);
}

function groupsOf(
  coordinator: string | undefined,
  country: string | undefined,
  language: string,
  channel: string,
): Groups {
  return {
    coordinator: coordinator ?? '',
    region: (country && regionOf(country)?.region) || '',
    country: country ?? '',
    language,
    channel,
  };
}

/** One respondent is one response: the complete one, else the latest partial. */
function better(a: ResponseRecord, b: ResponseRecord): boolean {
  if (a.status !== b.status) return a.status === 'complete';
  return a.updatedAt > b.updatedAt;
}

function valueOf(response: ResponseRecord, question: string): unknown {
  const answer = response.answers[question];
  return answer?.status === 'answered' ? answer.value : undefined;
}

/** The answered country: `{code}`, or the bare code of older responses. */
function countryAnswer(response: ResponseRecord, question: string | undefined): string | undefined {
  const value = question ? valueOf(response, question) : undefined;
  if (typeof value === 'string') return value;
  const code = (value as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' ? code : undefined;
}

function median(values: number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}
