import type { Flow } from '../engine/flow.ts';
import type { Logger } from '../log.ts';
import type { Outbound, SendOutcome } from '../outbound/outbound.ts';
import type { AddressBook } from '../store/address-book.ts';
import type { CampaignStore } from '../store/campaign-store.ts';
import type { InvitationStore } from '../store/invitation-store.ts';
import type { InviteeStore } from '../store/invitee-store.ts';
import type { ResponseRecord, ResponseStore } from '../store/response-store.ts';
import type { SendLog, SendStatus } from '../store/send-log.ts';
import { campaignRefusal, type ReminderPolicy } from './campaign.ts';
import { isDaytime, timeZoneOf } from './time-zone.ts';

const DAY = 86_400_000;

export interface ReminderDeps {
  campaigns: CampaignStore;
  invitations: InvitationStore;
  invitees: Pick<InviteeStore, 'byToken'>;
  responses: ResponseStore;
  addresses: AddressBook;
  sends: SendLog;
  outbound: Pick<Outbound, 'sendTo'>;
  /** The campaign's flow (for its country question). */
  flowOf: (id: string) => Flow | undefined;
  log: Logger;
  clock?: () => number;
  /** Sends under way at once (the channel paces them; this only keeps its queue fed). */
  parallel?: number;
}

export interface ReminderSummary {
  /** Unfinished surveys of the campaign's links. */
  unfinished: number;
  sent: number;
  /** Not due yet: too soon after their last answer or reminder, at the maximum, or night where they are. */
  notDue: number;
  night: number;
  /** Opted out (/stop), blocked the bot, or their chat is gone: never reminded. */
  unreachable: number;
  /** The platform refused or failed, or their survey ended meanwhile (recorded in the send log). */
  notDelivered: number;
}

export const reminderKey = (campaign: string, respondent: string, n: number) =>
  `remind:${campaign}:${respondent}:${n}`;

/** Whether a reminder is due now, by the policy: after N days, a gap between two, a maximum. */
export function reminderDue(
  policy: ReminderPolicy,
  lastActivity: Date,
  sent: { count: number; lastAt?: Date },
  now: Date,
): boolean {
  if (sent.count >= policy.maxCount) return false;
  if (now.getTime() - lastActivity.getTime() < policy.firstAfterDays * DAY) return false;
  return !sent.lastAt || now.getTime() - sent.lastAt.getTime() >= policy.minGapDays * DAY;
}

/**
 * Reminds respondents whose survey of the campaign's links is unfinished, in their chat, with
 * their current question live (the outbound port's prompt). Unfinished surveys are the partial
 * responses the sweeper archives: one per respondent and flow, none for someone who finished.
 * Never to someone who finished, erased their data (no response, no address), opted out or
 * cannot be reached; never at night where they are (the country they answered, else their
 * invitation's, else UTC). Each reminder is claimed in the send log under its number before it
 * is sent, so a run repeated or taken up after a crash sends none twice.
 */
export async function sendReminders(deps: ReminderDeps, campaignId: string): Promise<ReminderSummary> {
  const now = new Date((deps.clock ?? Date.now)());
  const summary: ReminderSummary = {
    unfinished: 0,
    sent: 0,
    notDue: 0,
    night: 0,
    unreachable: 0,
    notDelivered: 0,
  };
  const campaign = await deps.campaigns.get(campaignId);
  if (!campaign || campaignRefusal(campaign, now) !== null || campaign.reminders.maxCount === 0)
    return summary;
  const tokens = new Set(
    (await deps.invitations.list()).filter((i) => i.campaign === campaignId).map((i) => i.token),
  );
  const history = await reminderHistory(deps.sends, campaignId);
  const countryQuestion = deps.flowOf(campaign.flowId)?.questions.find((q) => q.type === 'country')?.id;
  const unfinished = await unfinishedOf(deps.responses, campaign.flowId, tokens);
  summary.unfinished = unfinished.length;

  const due: ResponseRecord[] = [];
  for (const response of unfinished) {
    const sent = history.get(response.respondent) ?? { count: 0 };
    if (!reminderDue(campaign.reminders, response.updatedAt, sent, now)) {
      summary.notDue++;
      continue;
    }
    const country = countryOf(response, countryQuestion) ?? (await inviteeCountry(deps, response.invitation));
    if (!isDaytime(now, timeZoneOf(country))) {
      summary.night++;
      continue;
    }
    due.push(response);
  }

  const remind = async (response: ResponseRecord): Promise<void> => {
    const address = await deps.addresses.get(response.respondent, response.channel);
    if (!address || address.unreachable) {
      summary.unreachable++;
      return;
    }
    const n = (history.get(response.respondent)?.count ?? 0) + 1;
    const key = reminderKey(campaignId, response.respondent, n);
    const claimed = await deps.sends.begin({
      key,
      campaign: campaignId,
      kind: 'reminder',
      channel: response.channel,
      respondent: response.respondent,
      startedAt: now,
    });
    if (!claimed) return;
    const outcome = await deps.outbound.sendTo(response.respondent, response.channel, {
      kind: 'prompt',
      intro: [{ key: 'campaigns:reminder.intro', params: { organisation: campaign.consentOrganisation } }],
    });
    const [status, detail] = settled(outcome);
    await deps.sends.finish(key, status, new Date((deps.clock ?? Date.now)()), detail);
    if (status === 'sent') summary.sent++;
    else summary.notDelivered++;
  };
  // A few at once, so the channel's pacer always has the next message ready.
  const queue = [...due];
  const workers = Array.from({ length: Math.max(1, deps.parallel ?? 32) }, async () => {
    for (let next = queue.shift(); next; next = queue.shift()) await remind(next);
  });
  await Promise.all(workers);
  deps.log.info({ campaign: campaignId, ...summary }, 'reminders sent');
  return summary;
}

function settled(outcome: SendOutcome): [Exclude<SendStatus, 'sending'>, string | undefined] {
  switch (outcome.status) {
    case 'delivered':
      return ['sent', undefined];
    case 'rate_limited':
    case 'failed':
      return ['failed', outcome.status];
    default:
      return ['refused', outcome.status];
  }
}

/** How many reminders each respondent got in this campaign, and when the last one was sent. */
async function reminderHistory(sends: SendLog, campaign: string) {
  const history = new Map<string, { count: number; lastAt?: Date }>();
  for await (const record of sends.scan(campaign)) {
    if (record.kind !== 'reminder' || !record.respondent) continue;
    const seen = history.get(record.respondent) ?? { count: 0 };
    const at = record.startedAt;
    history.set(record.respondent, {
      count: seen.count + 1,
      lastAt: !seen.lastAt || seen.lastAt < at ? at : seen.lastAt,
    });
  }
  return history;
}

/**
 * The latest partial response of each respondent who started with one of the tokens and has no
 * complete response to the flow, streamed from the store and kept per respondent only.
 */
async function unfinishedOf(
  responses: ResponseStore,
  flowId: string,
  tokens: ReadonlySet<string>,
): Promise<ResponseRecord[]> {
  const partial = new Map<string, ResponseRecord>();
  const finished = new Set<string>();
  for await (const response of responses.scan({ flowId })) {
    if (response.status === 'complete') {
      finished.add(response.respondent);
      continue;
    }
    if (!response.invitation || !tokens.has(response.invitation)) continue;
    const earlier = partial.get(response.respondent);
    if (!earlier || earlier.updatedAt < response.updatedAt) partial.set(response.respondent, response);
  }
  return [...partial.values()].filter((r) => !finished.has(r.respondent));
}

/** The country the respondent answered: `{code}` or, in older responses, the bare code. */
function countryOf(response: ResponseRecord, question: string | undefined): string | undefined {
  const answer = question ? response.answers[question] : undefined;
  if (!answer || answer.status !== 'answered') return undefined;
  const value = answer.value as unknown;
  if (typeof value === 'string') return value;
  const code = (value as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

async function inviteeCountry(deps: ReminderDeps, token: string | undefined): Promise<string | undefined> {
  return token ? (await deps.invitees.byToken(token))?.country : undefined;
}
