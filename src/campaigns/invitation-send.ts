import type { Transporter } from 'nodemailer';
import type { Translator } from '../i18n/translator.ts';
import type { Jobs, JobQueue } from '../jobs/job-queue.ts';
import type { Logger } from '../log.ts';
import type { CampaignStore } from '../store/campaign-store.ts';
import type { InviteeStore } from '../store/invitee-store.ts';
import type { SendLog, SendRecord, SendStatus } from '../store/send-log.ts';
import { campaignRefusal } from './campaign.ts';
import { invitationMail, type MailSettings } from './invitation-mail.ts';

export const INVITATION_QUEUE = 'campaign-invitations';

export interface InvitationJob {
  campaign: string;
}

export interface InvitationSendDeps {
  campaigns: CampaignStore;
  invitees: InviteeStore;
  sends: SendLog;
  translator: Translator;
  mail: MailSettings;
  transport: Pick<Transporter, 'sendMail'>;
  log: Logger;
  clock?: () => number;
}

export interface SendSummary {
  sent: number;
  refused: number;
  failed: number;
  /** Sent before (by an earlier run), or unsubscribed. */
  skipped: number;
  /** The campaign closed during the send: the rest were not sent. */
  stopped?: 'closed';
}

export const invitationKey = (campaign: string, token: string) => `invite:${campaign}:${token}`;

/**
 * Sends a campaign's invitations, one message per invitee. Each send is claimed in the send log
 * before the message leaves and settled after, so a run taken up again after a crash (the job's
 * retry) skips everyone claimed before: nobody gets the invitation twice. A message the crash
 * interrupted stays 'sending' (perhaps delivered, perhaps not) and is not sent again. The
 * campaign is read before each message: closed mid-send, the send stops there.
 */
export async function sendInvitations(deps: InvitationSendDeps, campaignId: string): Promise<SendSummary> {
  const clock = deps.clock ?? Date.now;
  const summary: SendSummary = { sent: 0, refused: 0, failed: 0, skipped: 0 };
  for await (const invitee of deps.invitees.scan(campaignId)) {
    // Read before every message: closing the campaign stops a running send at the next one.
    const campaign = await deps.campaigns.get(campaignId);
    if (!campaign || campaignRefusal(campaign, new Date(clock())) === 'closed') {
      summary.stopped = 'closed';
      break;
    }
    const key = invitationKey(campaignId, invitee.token);
    if (invitee.unsubscribedAt) {
      summary.skipped++;
      continue;
    }
    const message = await invitationMail(deps.translator, deps.mail, campaign, invitee);
    const status = await mailOnce(deps, message, clock, {
      key,
      campaign: campaignId,
      kind: 'invitation',
      invitee: invitee.token,
    });
    summary[status ?? 'skipped']++;
  }
  deps.log.info({ campaign: campaignId, ...summary }, 'invitations sent');
  return summary;
}

/**
 * One e-mail, never twice: claimed in the send log before it leaves and settled after. Null when
 * it was claimed before (sent, or cut off by a crash: a lost e-mail is better than a duplicate).
 */
export async function mailOnce(
  deps: { sends: SendLog; transport: Pick<Transporter, 'sendMail'> },
  message: Parameters<Transporter['sendMail']>[0],
  clock: () => number,
  record: Omit<SendRecord, 'status' | 'finishedAt' | 'channel' | 'startedAt'>,
): Promise<Exclude<SendStatus, 'sending'> | null> {
  const claimed = await deps.sends.begin({ ...record, channel: 'email', startedAt: new Date(clock()) });
  if (!claimed) return null;
  const [status, detail] = await deliver(deps.transport, message);
  await deps.sends.finish(record.key, status, new Date(clock()), detail);
  return status;
}

/**
 * One message through SMTP, as the server answered: a permanent refusal (5xx: unknown mailbox,
 * policy) is 'refused', anything else that did not deliver (4xx, timeout, connection) 'failed'.
 */
export async function deliver(
  transport: Pick<Transporter, 'sendMail'>,
  message: Parameters<Transporter['sendMail']>[0],
): Promise<[Exclude<SendStatus, 'sending'>, string | undefined]> {
  try {
    await transport.sendMail(message);
    return ['sent', undefined];
  } catch (error) {
    const { responseCode, code } = error as { responseCode?: number; code?: string };
    if (typeof responseCode === 'number' && responseCode >= 500) return ['refused', String(responseCode)];
    return ['failed', typeof responseCode === 'number' ? String(responseCode) : (code ?? 'error')];
  }
}

/** The queue invitation sends run on; `work` it in every process that may send. */
export function invitationQueue(jobs: Jobs): JobQueue<InvitationJob> {
  // One attempt beyond the first: a run that died mid-way is taken up again and skips what it sent.
  return jobs.queue<InvitationJob>(INVITATION_QUEUE, { attempts: 3, backoffMs: 5000, lockMs: 60_000 });
}

/** Queues a send of a campaign's invitations; `run` names it (the same run is never queued twice). */
export function queueInvitations(
  queue: JobQueue<InvitationJob>,
  campaign: string,
  run: string,
): Promise<'added' | 'exists'> {
  return queue.add({ campaign }, { id: `invite.${campaign}.${run}` });
}

export interface SendProgress {
  invitees: number;
  sending: number;
  sent: number;
  refused: number;
  failed: number;
}

/** How far a campaign's invitations are, from the send log (visible while a send runs). */
export async function invitationProgress(
  deps: Pick<InvitationSendDeps, 'invitees' | 'sends'>,
  campaign: string,
): Promise<SendProgress> {
  const progress: SendProgress = {
    invitees: await deps.invitees.count(campaign),
    sending: 0,
    sent: 0,
    refused: 0,
    failed: 0,
  };
  for await (const record of deps.sends.scan(campaign))
    if (record.kind === 'invitation' && record.channel === 'email') progress[record.status]++;
  return progress;
}
