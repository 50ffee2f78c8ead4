import assert from 'node:assert/strict';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { startFerretDb, startRedisServer } from '../support/server-processes.ts';
import { startBot, startStandIn, storeEnv, webhookEnv, type BotProcess } from './bot-process.ts';

interface Readiness {
  status: number;
  failing: string[];
  checks: Record<string, boolean>;
}

async function readiness(bot: BotProcess): Promise<Readiness> {
  const { status, text } = await bot.get('/readyz');
  const body = JSON.parse(text) as { failing: string[]; checks: Record<string, boolean> };
  return { status, failing: body.failing, checks: body.checks };
}

/** Polls /readyz until `test` passes; resolves with the time it took (ms). */
async function until(bot: BotProcess, test: (r: Readiness) => boolean, ms: number): Promise<number> {
  const started = Date.now();
  let last: Readiness | null = null;
  while (Date.now() - started < ms) {
    last = await readiness(bot);
    if (test(last)) return Date.now() - started;
    await sleep(100);
  }
  throw new Error(`/readyz did not change within ${ms} ms: ${JSON.stringify(last)}`);
}

test('/readyz turns unready within seconds when Redis or MongoDB stops, and ready again when it returns', async (t) => {
  const redis = await startRedisServer(t);
  const mongo = redis ? await startFerretDb(t) : null;
  if (!redis || !mongo) return;
  const api = await startStandIn(t);
  const bot = startBot(t, {
    ...(await webhookEnv(api)),
    ...storeEnv(t, { redis: redis.url, mongodb: mongo.url }),
    LOG_LEVEL: 'warn',
  });
  await api.waitForCall((c) => c.method === 'setWebhook', 30_000);
  await until(bot, (r) => r.status === 200, 10_000);
  assert.deepEqual((await readiness(bot)).checks, { redis: true, mongodb: true, telegram: true });

  await redis.stop();
  const redisDown = await until(bot, (r) => r.status === 503, 5_000);
  assert.deepEqual((await readiness(bot)).failing, ['redis']);
  assert.equal((await bot.get('/healthz')).status, 200, 'the process itself is alive');
  await redis.start();
  const redisBack = await until(bot, (r) => r.status === 200, 20_000);

  await mongo.stop();
  const mongoDown = await until(bot, (r) => r.status === 503, 5_000);
  assert.deepEqual((await readiness(bot)).failing, ['mongodb']);
  await mongo.start();
  const mongoBack = await until(bot, (r) => r.status === 200, 20_000);
  t.diagnostic(
    `unready after ${redisDown} ms (Redis), ${mongoDown} ms (MongoDB); ` +
      `ready again ${redisBack} ms, ${mongoBack} ms after they were back`,
  );

  bot.child.kill('SIGTERM');
  assert.equal(await bot.exit, 0, bot.output());
});

test('/readyz is unready while starting and from the moment shutdown begins; /healthz answers throughout', async (t) => {
  const api = await startStandIn(t);
  // Every Bot API call waits: the bot is still starting (setMyCommands) while the test asks.
  api.delay('setMyCommands', 300);
  const bot = startBot(t, { ...(await webhookEnv(api)), ...storeEnv(t), LOG_LEVEL: 'warn' });
  await api.waitForCall((c) => c.method === 'getMe', 30_000);
  const starting = await until(bot, () => true, 5_000).then(() => readiness(bot));
  assert.equal(starting.status, 503);
  assert.deepEqual(starting.failing, ['starting']);
  assert.equal((await bot.get('/healthz')).status, 200);
  await until(bot, (r) => r.status === 200, 20_000);
  api.delay('setMyCommands', 0);

  // A turn held in flight keeps the process in its shutdown long enough to ask.
  api.delay('sendMessage', 1500);
  const { TelegramUser } = await import('../support/telegram-api.ts');
  const delivered = api.deliver(new TelegramUser(api, 4401, 'en').text('/start'));
  while ((api.arrivals.get('sendMessage') ?? 0) < 1) await sleep(10);
  bot.child.kill('SIGTERM');
  const stopping = await until(bot, (r) => r.status === 503, 1_000).then(() => readiness(bot));
  assert.deepEqual(stopping.failing, ['stopping', 'telegram']);
  assert.equal((await bot.get('/healthz')).status, 200);
  assert.equal((await delivered).status, 200, 'the turn in flight was finished');
  assert.equal(await bot.exit, 0, bot.output());
});
