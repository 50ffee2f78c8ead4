/**
 * A separate process running one queue's worker, for the crash test: it reports each job it
 * starts on stdout and never finishes it (so it can be killed mid-job).
 * Usage: worker-process.ts <redis url> <prefix> <queue> <lock ms>
 */
import { BullmqJobs } from '../../src/jobs/bullmq-jobs.ts';
import { silentLogger } from '../../src/log.ts';

const [url, prefix, name, lockMs] = process.argv.slice(2) as [string, string, string, string];
const jobs = new BullmqJobs({ target: url, prefix, log: silentLogger });
jobs.queue<string>(name, { lockMs: Number(lockMs) }).work(async (data, info) => {
  process.stdout.write(`${JSON.stringify({ started: info.id, data, attempt: info.attempt })}\n`);
  await new Promise(() => {});
});
process.stdout.write('ready\n');
