import { z } from 'zod';

/**
 * A campaign: one recruitment drive for one flow, run by its coordinators in their regions, with
 * the organisation the consent statement names and a policy for reminding those who stopped.
 */
export const CAMPAIGN_STATUSES = ['draft', 'open', 'closed'] as const;
export type CampaignStatus = (typeof CAMPAIGN_STATUSES)[number];

export const reminderPolicySchema = z.object({
  /** Days after a respondent's last answer before the first reminder. */
  firstAfterDays: z.number().min(0).max(365),
  /** Days at least between two reminders to one respondent. */
  minGapDays: z.number().min(0).max(365),
  /** Reminders at most per respondent (0: none). */
  maxCount: z.number().int().min(0).max(10),
});
export type ReminderPolicy = z.infer<typeof reminderPolicySchema>;

export const DEFAULT_REMINDERS: ReminderPolicy = { firstAfterDays: 3, minGapDays: 4, maxCount: 2 };

/** Ids appear in job ids and URLs: a short slug. */
export const CAMPAIGN_ID = /^[a-z0-9][a-z0-9-]{1,47}$/;

export const campaignSchema = z.object({
  id: z.string().regex(CAMPAIGN_ID),
  name: z.string().trim().min(1).max(200),
  flowId: z.string().min(1).max(100),
  /** Staff member ids of the coordinators who run it. */
  coordinators: z.array(z.string().min(1)).max(100),
  /** UN M49 region codes or ISO 3166 alpha-2 country codes; empty: anywhere. */
  regions: z.array(z.string().regex(/^(\d{3}|[A-Z]{2})$/)).max(300),
  languages: z.array(z.enum(['en', 'ru', 'ar', 'es', 'fr'])).min(1),
  opensAt: z.date().optional(),
  closesAt: z.date().optional(),
  /** The organisation the consent statement and the invitations name. */
  consentOrganisation: z.string().trim().min(1).max(200),
  reminders: reminderPolicySchema,
  status: z.enum(CAMPAIGN_STATUSES),
  createdAt: z.date(),
  updatedAt: z.date(),
});
export type Campaign = z.infer<typeof campaignSchema>;

/** Why a campaign's link does not start a survey now; null when it does. */
export type CampaignRefusal = 'closed' | 'not_open';

export function campaignRefusal(campaign: Campaign, now: Date): CampaignRefusal | null {
  if (campaign.status === 'closed') return 'closed';
  if (campaign.closesAt && campaign.closesAt.getTime() <= now.getTime()) return 'closed';
  if (campaign.status === 'draft') return 'not_open';
  if (campaign.opensAt && campaign.opensAt.getTime() > now.getTime()) return 'not_open';
  return null;
}
