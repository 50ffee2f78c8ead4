import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, test, type TestContext } from 'node:test';
import type { JobInfo, Jobs } from '../../src/jobs/job-queue.ts';

/** A fresh set of queues per test; null when its server is absent (the test is skipped). */
export type OpenJobs = (t: TestContext) => Promise<Jobs | null>;

/** Waits until `check` holds, polling; fails after a generous time, so a slow machine passes. */
async function until(check: () => boolean | Promise<boolean>, what: string, ms = 20_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

let n = 0;
const queueName = () => `q${process.pid}-${Date.now().toString(36)}-${n++}`;

/** The contract every job queue implementation keeps, run against each of them. */
export function jobQueueContract(name: string, open: OpenJobs): void {
  describe(`job queue contract: ${name}`, () => {
    test('a queued job removed (an erasure) never runs and leaves no data; an unknown id says so', async (t) => {
      const jobs = await open(t);
      if (!jobs) return;
      const queue = jobs.queue<{ to: string }>(queueName());
      const runs: string[] = [];
      assert.equal(await queue.add({ to: 'erased' }, { id: 'remind.erased', delayMs: 300 }), 'added');
      assert.equal(await queue.add({ to: 'kept' }, { id: 'remind.kept', delayMs: 300 }), 'added');
      assert.equal(await queue.remove('remind.erased'), true);
      assert.equal(await queue.remove('remind.erased'), false);
      assert.equal(await queue.remove('no.such.job'), false);
      queue.work(async (data) => {
        runs.push(data.to);
      });
      await until(() => runs.length === 1, 'the kept job');
      await sleep(500);
      assert.deepEqual(runs, ['kept']);
    });

    test('a job runs once with its data, and an id already taken is not added again', async (t) => {
      const jobs = await open(t);
      if (!jobs) return;
      const queue = jobs.queue<{ to: string }>(queueName());
      const runs: [{ to: string }, JobInfo][] = [];
      assert.equal(await queue.add({ to: 'a' }, { id: 'send.a' }), 'added');
      assert.equal(await queue.add({ to: 'changed' }, { id: 'send.a' }), 'exists');
      queue.work(async (data, info) => {
        runs.push([data, info]);
      });
      await until(() => runs.length === 1, 'the first run');
      // Done jobs keep their id: adding it again later still runs nothing.
      assert.equal(await queue.add({ to: 'a' }, { id: 'send.a' }), 'exists');
      assert.equal(await queue.add({ to: 'b' }, { id: 'send.b' }), 'added');
      await until(() => runs.length === 2, 'the second job');
      await sleep(200);
      assert.deepEqual(
        runs.map(([data, info]) => [data.to, info.id, info.attempt]),
        [
          ['a', 'send.a', 1],
          ['b', 'send.b', 1],
        ],
      );
      await until(async () => (await queue.counts()).completed === 2, 'both counted as completed');
    });

    test('a delayed job waits for its time', async (t) => {
      const jobs = await open(t);
      if (!jobs) return;
      const queue = jobs.queue<number>(queueName());
      let ranAt = 0;
      queue.work(async () => {
        ranAt = Date.now();
      });
      const addedAt = Date.now();
      await queue.add(1, { id: 'later', delayMs: 600 });
      assert.equal((await queue.counts()).delayed, 1);
      await until(() => ranAt > 0, 'the delayed job');
      assert.ok(ranAt - addedAt >= 590, `ran ${ranAt - addedAt} ms after being added`);
    });

    test('a failing job is tried again with growing pauses, then counted as failed', async (t) => {
      const jobs = await open(t);
      if (!jobs) return;
      const flaky = jobs.queue<string>(queueName(), { attempts: 3, backoffMs: 100 });
      const tries: [string, number, number][] = [];
      flaky.work(async (data, info) => {
        tries.push([data, info.attempt, Date.now()]);
        if (data === 'never' || info.attempt < 3) throw new Error('not yet');
      });
      await flaky.add('third time', { id: 'flaky' });
      await until(() => tries.length === 3, 'three tries');
      assert.deepEqual(
        tries.map(([, attempt]) => attempt),
        [1, 2, 3],
      );
      // Exponential: at least 100 ms, then at least 200 ms between tries.
      assert.ok(tries[1]![2] - tries[0]![2] >= 95);
      assert.ok(tries[2]![2] - tries[1]![2] >= 195);
      await flaky.add('never', { id: 'hopeless' });
      await until(async () => (await flaky.counts()).failed === 1, 'the hopeless job to fail');
      assert.equal(tries.filter(([data]) => data === 'never').length, 3);
      assert.equal((await flaky.counts()).completed, 1);
    });

    test('the rate limit holds: no window of its duration starts more jobs than allowed', async (t) => {
      const jobs = await open(t);
      if (!jobs) return;
      const limit = { max: 4, durationMs: 400 };
      const queue = jobs.queue<number>(queueName(), { limit, concurrency: 8 });
      const starts: number[] = [];
      for (let i = 0; i < 16; i++) await queue.add(i, { id: `job-${i}` });
      queue.work(async () => {
        starts.push(Date.now());
      });
      await until(() => starts.length === 16, 'all 16 jobs');
      starts.sort((a, b) => a - b);
      // A handler reads the clock a moment after the queue did (a millisecond or more on a busy
      // machine), so windows are checked a few milliseconds short of the limit's duration.
      const window = limit.durationMs - 5;
      for (let i = 0; i < starts.length; i++) {
        const inWindow = starts.filter((s) => s >= starts[i]! && s < starts[i]! + window).length;
        assert.ok(inWindow <= limit.max, `${inWindow} jobs started within ${limit.durationMs} ms`);
      }
    });

    test('several jobs run at once up to the concurrency, and close waits for the running ones', async (t) => {
      const jobs = await open(t);
      if (!jobs) return;
      const queue = jobs.queue<number>(queueName(), { concurrency: 3 });
      let running = 0;
      let most = 0;
      let finished = 0;
      queue.work(async () => {
        running++;
        most = Math.max(most, running);
        await sleep(150);
        running--;
        finished++;
      });
      for (let i = 0; i < 6; i++) await queue.add(i, { id: `c-${i}` });
      await until(() => finished === 6, 'six jobs');
      assert.ok(most <= 3 && most >= 2, `at most 3 at once (saw ${most})`);
    });

    test('an id outside the safe alphabet is a programming error', async (t) => {
      const jobs = await open(t);
      if (!jobs) return;
      const queue = jobs.queue<number>(queueName());
      await assert.rejects(queue.add(1, { id: 'has:colon' }), TypeError);
      await assert.rejects(queue.add(1, { id: '' }), TypeError);
    });
  });
}
