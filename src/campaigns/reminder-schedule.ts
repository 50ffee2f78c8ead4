import type { Jobs } from '../jobs/job-queue.ts';
import { sendMailReminders, type MailReminderDeps } from './mail-reminders.ts';
import { sendReminders, type ReminderDeps } from './reminders.ts';

export const REMINDER_QUEUE = 'campaign-reminders';

/**
 * At start and then every `intervalMs` (the sweep interval), one reminder run per open campaign
 * is queued under the id of the hour: every replica queues it, one runs it, and a run repeated
 * within the hour is not queued again. Each run sends only what is due, so a missed hour is made
 * up by the next. A run whose process died is taken up by a live worker once its lock lapses
 * (`lockMs`; renewed while the run is alive) and sends only what the dead one had not claimed.
 */
export function startReminders(
  deps: Omit<ReminderDeps, 'clock'> & {
    jobs: Jobs;
    intervalMs: number;
    clock?: () => number;
    /** With SMTP configured: invitees who have not started are reminded by e-mail in the same run. */
    mail?: MailReminderDeps;
  },
): { stop(): void } {
  if (deps.intervalMs <= 0) return { stop() {} };
  const clock = deps.clock ?? Date.now;
  const queue = deps.jobs.queue<{ campaign: string }>(REMINDER_QUEUE, { attempts: 2, lockMs: 30_000 });
  queue.work(async (job) => {
    await sendReminders(deps, job.campaign);
    if (deps.mail) await sendMailReminders(deps.mail, job.campaign);
  });
  const tick = async () => {
    const hour = new Date(clock()).toISOString().slice(0, 13).replace(/\D/g, '');
    for (const campaign of await deps.campaigns.list())
      if (campaign.status === 'open' && campaign.reminders.maxCount > 0)
        await queue.add({ campaign: campaign.id }, { id: `remind.${campaign.id}.${hour}` });
  };
  const queueRuns = () =>
    tick().catch((error: unknown) => deps.log.warn({ err: error }, 'reminder runs not queued'));
  // At start too: a bot restarted after a crash resumes the hour's run without waiting an interval.
  const first = setTimeout(queueRuns, 0);
  const timer = setInterval(queueRuns, deps.intervalMs);
  first.unref();
  timer.unref();
  return {
    stop: () => {
      clearTimeout(first);
      clearInterval(timer);
    },
  };
}
