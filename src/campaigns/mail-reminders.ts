import type { InvitationStore } from '../store/invitation-store.ts';
import type { SendLog } from '../store/send-log.ts';
import { campaignRefusal } from './campaign.ts';
import { invitationKey, mailOnce, type InvitationSendDeps } from './invitation-send.ts';
import { invitationMail } from './invitation-mail.ts';
import { reminderDue } from './reminders.ts';
import { isDaytime, timeZoneOf } from './time-zone.ts';

/** What an invitation send needs, and the invitations (whether an invitee's token was used). */
export interface MailReminderDeps extends InvitationSendDeps {
  invitations: Pick<InvitationStore, 'get'>;
}

export interface MailReminderSummary {
  sent: number;
  refused: number;
  failed: number;
  /** Started (with their token), unsubscribed, or their invitation was not delivered. */
  skipped: number;
  /** Not due yet (too soon, or at the maximum) or night where they live. */
  notDue: number;
  night: number;
  stopped?: 'closed';
}

/** The mail reminders' idempotency key: the invitee's token and the reminder's number. */
export const mailReminderKey = (campaign: string, token: string, n: number) =>
  `remind-mail:${campaign}:${token}:${n}`;

/**
 * E-mails a reminder to invitees who have not started, by the campaign's reminder policy counted
 * from their delivered invitation: after N days, a gap, a maximum, only by day in their country.
 * Never to someone who started (their token was used), unsubscribed or was erased (no longer an
 * invitee). Each reminder is claimed in the send log under its number before it leaves, as
 * invitations are: a run repeated or taken up after a crash sends none twice (at most once).
 */
export async function sendMailReminders(
  deps: MailReminderDeps,
  campaignId: string,
): Promise<MailReminderSummary> {
  const clock = deps.clock ?? Date.now;
  const summary: MailReminderSummary = { sent: 0, refused: 0, failed: 0, skipped: 0, notDue: 0, night: 0 };
  const start = await deps.campaigns.get(campaignId);
  if (!start || campaignRefusal(start, new Date(clock())) !== null || start.reminders.maxCount === 0)
    return summary;
  const history = await mailHistory(deps.sends, campaignId);
  for await (const invitee of deps.invitees.scan(campaignId)) {
    // Read before every message: closing the campaign stops a running send at the next one.
    const campaign = await deps.campaigns.get(campaignId);
    const now = new Date(clock());
    if (!campaign || campaignRefusal(campaign, now) !== null) {
      summary.stopped = 'closed';
      break;
    }
    const seen = history.get(invitee.token);
    if (invitee.unsubscribedAt || invitee.respondent || !seen?.invitedAt) {
      summary.skipped++;
      continue;
    }
    if (((await deps.invitations.get(invitee.token))?.uses ?? 0) > 0) {
      summary.skipped++;
      continue;
    }
    if (!reminderDue(campaign.reminders, seen.invitedAt, seen, now)) {
      summary.notDue++;
      continue;
    }
    if (!isDaytime(now, timeZoneOf(invitee.country))) {
      summary.night++;
      continue;
    }
    const n = seen.count + 1;
    const key = mailReminderKey(campaignId, invitee.token, n);
    const message = await invitationMail(deps.translator, deps.mail, campaign, invitee, n);
    const status = await mailOnce(deps, message, clock, {
      key,
      campaign: campaignId,
      kind: 'reminder',
      invitee: invitee.token,
    });
    summary[status ?? 'skipped']++;
  }
  deps.log.info({ campaign: campaignId, ...summary }, 'mail reminders sent');
  return summary;
}

/** Per invitee: when their invitation was delivered, and the mail reminders claimed since. */
async function mailHistory(sends: SendLog, campaign: string) {
  const history = new Map<string, { invitedAt?: Date; count: number; lastAt?: Date }>();
  for await (const record of sends.scan(campaign)) {
    if (record.channel !== 'email' || !record.invitee) continue;
    const seen = history.get(record.invitee) ?? { count: 0 };
    if (record.kind === 'invitation') {
      if (record.status === 'sent' && record.key === invitationKey(campaign, record.invitee))
        seen.invitedAt = record.finishedAt ?? record.startedAt;
    } else {
      seen.count++;
      if (!seen.lastAt || seen.lastAt < record.startedAt) seen.lastAt = record.startedAt;
    }
    history.set(record.invitee, seen);
  }
  return history;
}
