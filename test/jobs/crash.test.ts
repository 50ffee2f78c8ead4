import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';
import { test } from 'node:test';
import { Redis } from 'ioredis';
import { BullmqJobs } from '../../src/jobs/bullmq-jobs.ts';
import type { JobInfo } from '../../src/jobs/job-queue.ts';
import { silentLogger } from '../../src/log.ts';
import { needServer } from '../support/servers.ts';

test('a process killed while it runs a job leaves the job to another process, which runs it once', async (t) => {
  const url = await needServer(t, 'redis');
  if (!url) return;
  const prefix = `test:${randomBytes(6).toString('hex')}:`;
  const name = 'crash';
  const lockMs = 1500;
  t.after(async () => {
    const redis = new Redis(url);
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length) await redis.del(...keys);
    redis.disconnect();
  });

  const child = spawn(
    process.execPath,
    ['--import', 'tsx', 'test/jobs/worker-process.ts', url, prefix, name, String(lockMs)],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  t.after(() => child.kill('SIGKILL'));
  const lines = createInterface({ input: child.stdout! });
  const started: unknown[] = [];
  const ready = new Promise<void>((resolve) =>
    lines.on('line', (line) => {
      if (line === 'ready') resolve();
      else started.push(JSON.parse(line));
    }),
  );
  await ready;

  const jobs = new BullmqJobs({ target: url, prefix, log: silentLogger });
  t.after(() => jobs.close());
  const queue = jobs.queue<string>(name, { lockMs });
  await queue.add('remind respondent 7', { id: 'remind.7' });
  const deadline = Date.now() + 20_000;
  while (started.length === 0 && Date.now() < deadline) await sleep(20);
  assert.deepEqual(started, [{ started: 'remind.7', data: 'remind respondent 7', attempt: 1 }]);

  child.kill('SIGKILL');
  await once(child, 'exit');

  // Another process's worker takes the job once the dead one's lock expires, and runs it once.
  const runs: [string, JobInfo][] = [];
  queue.work(async (data, info) => {
    runs.push([data, info]);
  });
  while (runs.length === 0 && Date.now() < deadline + 20_000) await sleep(50);
  await sleep(lockMs * 2);
  assert.equal(runs.length, 1);
  assert.equal(runs[0]![0], 'remind respondent 7');
  assert.equal(runs[0]![1].id, 'remind.7');
  const counts = await queue.counts();
  assert.equal(counts.completed, 1);
  assert.equal(counts.failed, 0);
  assert.equal(await queue.add('again', { id: 'remind.7' }), 'exists');
});
