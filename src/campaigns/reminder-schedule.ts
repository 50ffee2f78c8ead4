import type { Jobs } from '../jobs/job-queue.ts';
import { sendReminders, type ReminderDeps } from './reminders.ts';

export const REMINDER_QUEUE = 'campaign-reminders';

/**
 * Every `intervalMs` (the sweep interval), one reminder run per open campaign is queued under the
 * id of the hour: every replica queues it, one runs it, and a run repeated within the hour is not
 * queued again. Each run sends only what is due, so a missed hour is made up by the next.
 */
export function startReminders(
  deps: Omit<ReminderDeps, 'clock'> & { jobs: Jobs; intervalMs: number; clock?: () => number },
): { stop(): void } {
  if (deps.intervalMs <= 0) return { stop() {} };
  const clock = deps.clock ?? Date.now;
  const queue = deps.jobs.queue<{ campaign: string }>(REMINDER_QUEUE, { attempts: 2, lockMs: 10 * 60_000 });
  queue.work(async (job) => void (await sendReminders(deps, job.campaign)));
  const tick = async () => {
    const hour = new Date(clock()).toISOString().slice(0, 13).replace(/\D/g, '');
    for (const campaign of await deps.campaigns.list())
      if (campaign.status === 'open' && campaign.reminders.maxCount > 0)
        await queue.add({ campaign: campaign.id }, { id: `remind.${campaign.id}.${hour}` });
  };
  const timer = setInterval(() => {
    tick().catch((error: unknown) => deps.log.warn({ err: error }, 'reminder runs not queued'));
  }, deps.intervalMs);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
