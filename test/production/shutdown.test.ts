import assert from 'node:assert/strict';
import { test, type TestContext } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import type { Update } from 'telegraf/types';
import type { Session } from '../../src/engine/session.ts';
import { RedisSessionStore } from '../../src/store/redis-session-store.ts';
import { isCorrupt, sessionKey } from '../../src/store/session-store.ts';
import { freePort } from '../support/server-processes.ts';
import { needServer, testKeyring } from '../support/servers.ts';
import { TelegramUser, type TelegramApiStandIn } from '../support/telegram-api.ts';
import { buttonsOf, questionIdOf } from '../telegram/respondent.ts';
import { startBot, startStandIn, storeEnv, webhookEnv, type BotProcess } from './bot-process.ts';

/** Sessions as the bot left them in Redis. */
function sessionsOf(t: TestContext, env: Record<string, string>) {
  const store = new RedisSessionStore(new Redis(env.REDIS_URL!), {
    prefix: env.REDIS_PREFIX!,
    ttlMs: 3600_000,
    ownsClient: true,
    keyring: testKeyring(),
  });
  t.after(() => store.close());
  return async (user: number): Promise<Session> => {
    const stored = await store.get(sessionKey('telegram', String(user)));
    assert.ok(stored && !isCorrupt(stored), `a readable session of ${user}`);
    return stored;
  };
}

/** Respondents at the language question, each with the update that answers it (as Telegram keeps it). */
async function atLanguage(api: TelegramApiStandIn, ids: number[], firstUpdateId: number) {
  return Promise.all(
    ids.map(async (id, i) => {
      const user = new TelegramUser(api, id, 'en');
      await api.deliver(user.text('/start'));
      const question = api.lastMessage(id)!;
      assert.equal(questionIdOf(question), 'language');
      const en = buttonsOf(question).find((b) => b.data.endsWith(':c:en'))!;
      const update = { update_id: firstUpdateId + i, ...user.press(question.message_id, en.data) } as Update;
      return { id, update };
    }),
  );
}

/** Posts an update to the bot's webhook as Telegram does; a connection that fails counts as status 0. */
function post(api: TelegramApiStandIn, update: Update): Promise<number> {
  return api.post(api.webhook!.url, update, api.webhook!.secret).then(
    (r) => r.status,
    () => 0,
  );
}

async function started(
  t: TestContext,
  api: TelegramApiStandIn,
  env: Record<string, string>,
): Promise<BotProcess> {
  const bot = startBot(t, { ...env, LOG_LEVEL: 'info' });
  await bot.waitForLine((l) => l.msg === 'survey bot running', 30_000);
  return bot;
}

test('SIGTERM with 50 turns in flight: all 50 answered, later updates refused with 503 and applied after the restart, exit 0', async (t) => {
  const redis = await needServer(t, 'redis');
  const mongodb = redis ? await needServer(t, 'mongodb') : null;
  if (!redis || !mongodb) return;
  const api = await startStandIn(t);
  const env = { ...(await webhookEnv(api)), ...storeEnv(t, { redis, mongodb }) };
  const session = sessionsOf(t, env);
  const bot = await started(t, api, env);

  const respondents = await atLanguage(
    api,
    Array.from({ length: 60 }, (_, i) => 820_000 + i),
    900_000,
  );
  const versions = new Map<number, number>();
  for (const { id } of respondents) versions.set(id, (await session(id)).version);
  const inFlight = respondents.slice(0, 50);
  const late = respondents.slice(50);

  // The next question's message is held at the Bot API: each turn stays in flight until then.
  api.delay('sendMessage', 1500);
  const sentBefore = api.arrivals.get('sendMessage') ?? 0;
  const answered = inFlight.map(({ update }) => post(api, update));
  while ((api.arrivals.get('sendMessage') ?? 0) < sentBefore + 50) await sleep(5);
  bot.child.kill('SIGTERM');
  while ((await bot.get('/readyz')).status !== 503) await sleep(5);
  const refused = await Promise.all(late.map(({ update }) => post(api, update)));

  assert.deepEqual(await Promise.all(answered), Array(50).fill(200), 'every turn in flight was finished');
  // 503: not taken, so Telegram keeps each update and delivers it again.
  assert.deepEqual(refused, Array(10).fill(503));
  assert.equal(await bot.exit, 0, bot.output());

  // None half-applied: answered turns moved their session one step and showed the next question;
  // refused ones left theirs as it was.
  for (const { id } of inFlight) {
    const s = await session(id);
    assert.equal(s.current, 'consent');
    assert.equal(s.version, versions.get(id)! + 1);
    assert.equal(questionIdOf(api.lastMessage(id)!), 'consent');
  }
  for (const { id } of late) {
    const s = await session(id);
    assert.equal(s.current, 'language');
    assert.equal(s.version, versions.get(id));
    assert.equal(questionIdOf(api.lastMessage(id)!), 'language');
  }

  // Telegram delivers the refused updates again: the restarted bot applies them, once.
  api.delay('sendMessage', 0);
  const again = await started(t, api, env);
  assert.deepEqual(await Promise.all(late.map(({ update }) => post(api, update))), Array(10).fill(200));
  for (const { id } of late) {
    const s = await session(id);
    assert.equal(s.current, 'consent');
    assert.equal(s.version, versions.get(id)! + 1);
    assert.equal(questionIdOf(api.lastMessage(id)!), 'consent');
  }
  again.child.kill('SIGTERM');
  assert.equal(await again.exit, 0, again.output());
});

test('SHUTDOWN_TIMEOUT_SECONDS bounds the wait: a turn stuck at the Bot API is cut off, the process exits 0, the session is whole', async (t) => {
  const redis = await needServer(t, 'redis');
  if (!redis) return;
  const api = await startStandIn(t);
  const env = { ...(await webhookEnv(api)), ...storeEnv(t, { redis }), SHUTDOWN_TIMEOUT_SECONDS: '1' };
  const session = sessionsOf(t, env);
  const bot = await started(t, api, env);
  const respondents = await atLanguage(api, [830_001, 830_002, 830_003, 830_004, 830_005], 910_000);
  const versions = new Map<number, number>();
  for (const { id } of respondents) versions.set(id, (await session(id)).version);

  api.delay('sendMessage', 60_000);
  const sentBefore = api.arrivals.get('sendMessage') ?? 0;
  const statuses = respondents.map(({ update }) => post(api, update));
  while ((api.arrivals.get('sendMessage') ?? 0) < sentBefore + respondents.length) await sleep(5);
  const signalled = Date.now();
  bot.child.kill('SIGTERM');
  assert.equal(await bot.exit, 0, bot.output());
  const took = Date.now() - signalled;
  assert.ok(took < 3000, `exited ${took} ms after SIGTERM`);
  assert.match(bot.output(), /turns still in flight at the shutdown timeout/);
  // Telegram saw no 2xx for these updates, so it delivers them again.
  for (const status of await Promise.all(statuses)) assert.equal(status, 0);
  // Each session is either before or after its turn, never between: the write is one compare-and-set.
  for (const { id } of respondents) {
    const s = await session(id);
    const before = s.current === 'language' && s.version === versions.get(id);
    const after = s.current === 'consent' && s.version === versions.get(id)! + 1;
    assert.ok(before || after, `session of ${id}: ${s.current} v${s.version}`);
  }
  t.diagnostic(`exited ${took} ms after SIGTERM with SHUTDOWN_TIMEOUT_SECONDS=1`);
});

test('SIGKILL in the middle of 50 turns: each session is before or after its turn, and the redelivered updates finish it once', async (t) => {
  const redis = await needServer(t, 'redis');
  if (!redis) return;
  const api = await startStandIn(t);
  const env = { ...(await webhookEnv(api)), ...storeEnv(t, { redis }) };
  const session = sessionsOf(t, env);
  const bot = await started(t, api, env);
  const respondents = await atLanguage(
    api,
    Array.from({ length: 50 }, (_, i) => 840_000 + i),
    920_000,
  );
  const versions = new Map<number, number>();
  for (const { id } of respondents) versions.set(id, (await session(id)).version);

  const sentBefore = api.arrivals.get('sendMessage') ?? 0;
  const statuses = respondents.map(({ update }) => post(api, update));
  while ((api.arrivals.get('sendMessage') ?? 0) < sentBefore + 15) await sleep(1);
  bot.child.kill('SIGKILL');
  await bot.exit;
  const answered = await Promise.all(statuses);
  let applied = 0;
  for (const { id } of respondents) {
    const s = await session(id);
    const before = s.current === 'language' && s.version === versions.get(id);
    const after = s.current === 'consent' && s.version === versions.get(id)! + 1;
    assert.ok(before || after, `session of ${id}: ${s.current} v${s.version}`);
    if (after) applied++;
  }
  // Telegram delivers again every update it saw no 2xx for; the restarted bot finishes those.
  const again = await started(t, api, env);
  const redelivered = respondents.filter((_, i) => answered[i] !== 200);
  assert.deepEqual(
    await Promise.all(redelivered.map(({ update }) => post(api, update))),
    redelivered.map(() => 200),
  );
  for (const { id } of respondents) {
    const s = await session(id);
    assert.equal(s.current, 'consent');
    assert.equal(s.version, versions.get(id)! + 1, 'applied exactly once');
  }
  t.diagnostic(
    `at the kill: ${answered.filter((s) => s === 200).length} answered, ${applied} sessions moved on, ` +
      `${redelivered.length} redelivered`,
  );
  again.child.kill('SIGTERM');
  assert.equal(await again.exit, 0, again.output());
});

test('SIGTERM in polling mode: fetching stops, the batch in hand is finished and confirmed, exit 0', async (t) => {
  const api = await startStandIn(t);
  const bot = startBot(t, {
    TELEGRAM_BOT_TOKEN: api.token,
    TELEGRAM_API_ROOT: api.apiRoot,
    HTTP_PORT: String(await freePort()),
    LOG_LEVEL: 'info',
    ...storeEnv(t),
  });
  await bot.waitForLine((l) => l.msg === 'survey bot running', 30_000);
  const users = Array.from({ length: 20 }, (_, i) => new TelegramUser(api, 850_000 + i, 'en'));
  api.delay('sendMessage', 1000);
  const sentBefore = api.arrivals.get('sendMessage') ?? 0;
  // Resolves when the bot confirmed the update to Telegram (a later getUpdates offset past it).
  const confirmed = users.map((u) => api.deliver(u.text('/start')));
  while ((api.arrivals.get('sendMessage') ?? 0) < sentBefore + users.length) await sleep(5);
  const polls = api.callsOf('getUpdates').length;
  bot.child.kill('SIGTERM');
  await Promise.all(confirmed);
  assert.equal(await bot.exit, 0, bot.output());
  assert.equal(api.unconfirmed, 0, 'nothing left for Telegram to deliver again');
  for (const u of users) assert.equal(questionIdOf(api.lastMessage(u.id)!), 'language');
  // Only the call that confirms the batch: no long poll for new updates after the signal.
  const after = api.callsOf('getUpdates').slice(polls);
  assert.ok(after.length > 0, 'the batch was confirmed');
  assert.ok(
    after.every((c) => Number(c.body.limit) === 1 && !c.body.timeout),
    JSON.stringify(after),
  );
});
