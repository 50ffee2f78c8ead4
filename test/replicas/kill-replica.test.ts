import assert from 'node:assert/strict';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { pseudonym } from '../../src/log.ts';
import { LEADER_TTL_MS } from '../../src/store/redis-leader.ts';
import { RedisSessionStore } from '../../src/store/redis-session-store.ts';
import { isCorrupt, sessionKey } from '../../src/store/session-store.ts';
import { DiscordStandIn } from '../support/discord-api.ts';
import { TelegramApiStandIn } from '../support/telegram-api.ts';
import { isQuestion, questionIdOf, type Step } from '../telegram/respondent.ts';
import { planFor, type Plan } from './plans.ts';
import { sharedServers, startReplica, startWebhookReplicas, type SharedServers } from './replica-process.ts';
import { plain, storedResponses } from './responses.ts';
import { BalancedRespondent, type Delivery } from './webhook-respondent.ts';
import { testKeyring } from '../support/servers.ts';

/**
 * A replica killed outright (SIGKILL: no shutdown, no lock hand-over) while respondents are
 * answering: the other replica carries on, every update the dead one had taken is delivered
 * again and applied once, and no interview is corrupted.
 */

/** Answers as planned until `stopAt` is asked (the respondent leaves) or the survey ends. */
async function answer(r: BalancedRespondent, steps: Record<string, Step[]>, stopAt?: string): Promise<void> {
  if (r.messages.length === 0) await r.send('/start');
  for (let asked = 0; isQuestion(r.last); asked++) {
    const id = questionIdOf(r.last)!;
    if (id === stopAt) return;
    const planned = steps[id];
    assert.ok(planned, `respondent ${r.id}: asked ${id}, which the plan does not answer`);
    assert.ok(asked < 60, `respondent ${r.id}: the survey does not end`);
    for (const step of planned) await r.step(step);
  }
}

/**
 * Kills when `delivered()` reaches `at`: mid-load, whatever the machine's speed. Fails if the
 * load ends first (it was too small, or failed).
 */
function killWhen(
  load: Promise<unknown>,
  delivered: () => number,
  at: number,
  kill: () => void,
): Promise<number> {
  let timer: NodeJS.Timeout;
  const killed = new Promise<number>((resolve) => {
    timer = setInterval(() => {
      if (delivered() < at) return;
      clearInterval(timer);
      kill();
      resolve(Date.now());
    }, 5);
  });
  const ended = load.then(
    () => Promise.reject(new Error(`the load ended before ${at} updates were delivered`)),
    (error: unknown) => Promise.reject(error),
  );
  return Promise.race([killed, ended]).finally(() => clearInterval(timer));
}

interface Respondent {
  n: number;
  plan: Plan;
  r: BalancedRespondent;
  /** Leaves at this question, to come back after the kill. */
  leavesAt?: string;
}

function respondents(count: number, delivery: Delivery, api: TelegramApiStandIn, base: number): Respondent[] {
  return Array.from({ length: count }, (_, n) => {
    const plan = planFor(n);
    const r = new BalancedRespondent(api, base + n, plan.languageCode, delivery);
    return { n, plan, r, ...(n % 6 === 5 ? { leavesAt: 'q4' } : {}) };
  });
}

/** Every finished response is whole and as answered; nothing else is stored. */
async function checkResponses(servers: SharedServers, finished: Respondent[]): Promise<void> {
  const stored = await storedResponses(servers);
  const telegram = [...stored.values()].filter((d) => d.channel === 'telegram');
  assert.equal(telegram.length, finished.length, 'one response per finished interview, no more');
  for (const { plan, r } of finished) {
    const doc = stored.get(pseudonym(servers.env.RESPONDENT_SALT, 'telegram', String(r.id)));
    assert.ok(doc, `respondent ${r.id} has a response`);
    assert.equal(doc.status, 'complete');
    assert.deepEqual(plain(doc.answers), plan.answers, `respondent ${r.id}: stored as answered`);
  }
}

/** An unfinished session is readable, holds what was answered so far, and can be finished. */
async function checkUnfinished(servers: SharedServers, left: Respondent[]): Promise<void> {
  const sessions = new RedisSessionStore(servers.redis, {
    prefix: servers.env.REDIS_PREFIX,
    ttlMs: 60_000,
    keyring: testKeyring(),
  });
  for (const { plan, r, leavesAt } of left) {
    const session = await sessions.get(sessionKey('telegram', String(r.id)));
    assert.ok(session && !isCorrupt(session), `respondent ${r.id}: session readable`);
    assert.equal(session.status, 'active');
    assert.equal(session.current, leavesAt);
    const before = Object.keys(plan.steps).slice(0, Object.keys(plan.steps).indexOf(leavesAt!));
    const expected = Object.fromEntries(before.map((id) => [id, plan.answers[id]]));
    assert.deepEqual(plain(session.answers), expected, `respondent ${r.id}: answers so far`);
  }
  // They come back: /start resumes at the question they left, and they finish.
  await Promise.all(
    left.map(async ({ plan, r, leavesAt }) => {
      await r.send('/start');
      assert.equal(questionIdOf(r.last), leavesAt, `respondent ${r.id} resumes where they left`);
      await answer(r, plan.steps);
    }),
  );
}

test('webhook mode: a replica killed mid-load; the other takes every update, each applied once, no interview corrupted', async (t) => {
  const setup = await startWebhookReplicas(t, 2, { secret: 'replica-webhook-secret' });
  if (!setup) return;
  const { api, servers, replicas, balancer } = setup;
  const [a, b] = replicas;
  const all = respondents(60, balancer, api, 80_000);
  const load = Promise.all(all.map(({ plan, r, leavesAt }) => answer(r, plan.steps, leavesAt)));
  await killWhen(
    load,
    () => balancer.delivered,
    500,
    () => a!.child.kill('SIGKILL'),
  );
  await load;
  assert.equal(await a!.exit, null, 'replica A was killed');
  assert.ok(balancer.redeliveries > 0, 'updates meant for the dead replica went to the other');
  t.diagnostic(
    `${balancer.delivered} updates; ${balancer.redeliveries} delivered again; ` +
      `${(b!.output().match(/update applied before/g) ?? []).length} taken by A before it died, shown again by B`,
  );
  const left = all.filter((x) => x.leavesAt);
  await checkUnfinished(servers, left);
  await checkResponses(servers, all);
  assert.equal(await b!.kill('SIGTERM'), 0, b!.output().slice(-2000));
});

test('polling and the Discord gateway: the leader killed mid-load, the other replica takes both over within the lock expiry', async (t) => {
  const servers = await sharedServers(t);
  if (!servers) return;
  const api = new TelegramApiStandIn();
  await api.start();
  t.after(() => api.close());
  const discord = await DiscordStandIn.start({ heartbeatInterval: 1000 });
  t.after(() => discord.close());
  const env = {
    ...servers.env,
    TELEGRAM_BOT_TOKEN: api.token,
    TELEGRAM_API_ROOT: api.apiRoot,
    DISCORD_TOKEN: discord.token,
    DISCORD_API_ROOT: discord.apiRoot,
    HTTP_PORT: '0',
    LOG_LEVEL: 'info',
    SWEEP_INTERVAL_MINUTES: '0',
  };
  const telegramLock = `${servers.env.REDIS_PREFIX}telegram-polling-leader:${api.token.split(':')[0]}`;
  // A starts first and leads both channels; B then stands by for both.
  const a = startReplica(t, 'A', env);
  await a.waitFor(/telegram bot polling/, 60_000);
  await a.waitFor(/discord channel ready/, 30_000);
  const b = startReplica(t, 'B', env);
  await b.waitFor(/survey bot running/, 60_000);
  const leaderToken = await servers.redis.get(telegramLock);
  assert.ok(leaderToken, 'the polling lock is held');

  const user = discord.addUser();
  discord.userMessage(user.id, 'hello');
  const dm = discord.dmWith(user.id);
  const asked = () => dm.messages.filter((m) => /Please choose your language/.test(m.content)).length;
  for (let i = 0; asked() === 0 && i < 200; i++) await sleep(50);
  assert.equal(asked(), 1, 'the DM is answered once: only the leader is connected');

  const polling: Delivery = { deliver: (update) => api.deliver(update) };
  const all = respondents(30, polling, api, 90_000);
  let delivered = 0;
  for (const x of all) {
    const deliver = x.r.deliver.bind(x.r);
    x.r.deliver = async (update) => {
      const calls = await deliver(update);
      delivered++;
      return calls;
    };
  }
  let standbyLed = false;
  const load = Promise.all(all.map(({ plan, r, leavesAt }) => answer(r, plan.steps, leavesAt)));
  const killedAt = await killWhen(
    load,
    () => delivered,
    150,
    () => {
      standbyLed = /became leader/.test(b.output());
      a.child.kill('SIGKILL');
    },
  );
  assert.equal(standbyLed, false, 'B stood by while A was alive');
  assert.equal(discord.gateway.stats.connections, 1, 'one gateway connection while A was alive');

  // B takes both locks once A's expire: at most one lifetime, plus one of B's checks.
  const bound = LEADER_TTL_MS + LEADER_TTL_MS / 3 + 10_000;
  await b.waitFor(/telegram-polling-leader[^\n]*became leader/, bound);
  await b.waitFor(/telegram bot polling/, 10_000);
  const tookOver = Date.now() - killedAt;
  await b.waitFor(/discord-gateway-leader[^\n]*became leader/, bound);
  await b.waitFor(/discord channel ready/, 10_000);
  t.diagnostic(`Telegram polling moved to B ${tookOver} ms after the kill (lock expiry ${LEADER_TTL_MS} ms)`);
  const now = await servers.redis.get(telegramLock);
  assert.ok(now && now !== leaderToken, 'the polling lock now belongs to B');
  assert.equal(discord.gateway.stats.identifies, 2, 'B connected to the gateway');

  await load;
  await checkUnfinished(
    servers,
    all.filter((x) => x.leavesAt),
  );
  await checkResponses(servers, all);

  // The Discord channel answers again, from B.
  const other = discord.addUser();
  discord.userMessage(other.id, 'hello');
  const otherDm = discord.dmWith(other.id);
  for (let i = 0; otherDm.messages.length < 2 && i < 200; i++) await sleep(50);
  assert.ok(otherDm.messages.some((m) => /Please choose your language/.test(m.content)));
  assert.equal(await b.kill('SIGTERM'), 0, b.output().slice(-2000));
});
