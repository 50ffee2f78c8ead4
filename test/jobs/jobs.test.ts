import { randomBytes } from 'node:crypto';
import { BullmqJobs } from '../../src/jobs/bullmq-jobs.ts';
import { MemoryJobs } from '../../src/jobs/memory-jobs.ts';
import { silentLogger } from '../../src/log.ts';
import { redisClient } from '../../src/store/redis-connection.ts';
import { deleteKeys, REDIS_KINDS, redisTargetFor } from '../support/stores.ts';
import { jobQueueContract } from './job-queue.contract.ts';

jobQueueContract('in process', async (t) => {
  const jobs = new MemoryJobs();
  t.after(() => jobs.close());
  return jobs;
});

for (const kind of REDIS_KINDS) {
  jobQueueContract(`BullMQ on ${kind}`, async (t) => {
    const target = await redisTargetFor(t, kind);
    if (!target) return null;
    const prefix = `test:${randomBytes(6).toString('hex')}:`;
    const jobs = new BullmqJobs({ target, prefix, log: silentLogger });
    t.after(async () => {
      await jobs.close();
      const redis = redisClient(target);
      await deleteKeys(redis, prefix);
      redis.disconnect();
    });
    return jobs;
  });
}
