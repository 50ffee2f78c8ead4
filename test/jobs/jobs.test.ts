import { randomBytes } from 'node:crypto';
import { BullmqJobs } from '../../src/jobs/bullmq-jobs.ts';
import { MemoryJobs } from '../../src/jobs/memory-jobs.ts';
import { silentLogger } from '../../src/log.ts';
import { needServer } from '../support/servers.ts';
import { jobQueueContract } from './job-queue.contract.ts';
import { Redis } from 'ioredis';

jobQueueContract('in process', async (t) => {
  const jobs = new MemoryJobs();
  t.after(() => jobs.close());
  return jobs;
});

jobQueueContract('BullMQ on Redis', async (t) => {
  const url = await needServer(t, 'redis');
  if (!url) return null;
  const prefix = `test:${randomBytes(6).toString('hex')}:`;
  const jobs = new BullmqJobs({ url, prefix, log: silentLogger });
  t.after(async () => {
    await jobs.close();
    const redis = new Redis(url);
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length) await redis.del(...keys);
    redis.disconnect();
  });
  return jobs;
});
