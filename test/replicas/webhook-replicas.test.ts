import assert from 'node:assert/strict';
import { test, type TestContext } from 'node:test';
import { pseudonym } from '../../src/log.ts';
import { RedisSessionStore } from '../../src/store/redis-session-store.ts';
import { isCorrupt, sessionKey } from '../../src/store/session-store.ts';
import { freePort } from '../support/server-processes.ts';
import { TelegramApiStandIn } from '../support/telegram-api.ts';
import { translator } from '../support/flow.ts';
import { planFor } from './plans.ts';
import { sharedServers, startReplica, type Replica, type SharedServers } from './replica-process.ts';
import { BalancedRespondent, ReplicaBalancer } from './webhook-respondent.ts';

/**
 * Two bot processes in webhook mode on one Redis and one MongoDB, each respondent's updates sent
 * to them in turn (as a load balancer in front of the replicas does): nothing of a conversation
 * may live only in one process.
 */
const SECRET = 'replica-webhook-secret';
const PATH = '/telegram/hook';

interface Setup {
  api: TelegramApiStandIn;
  servers: SharedServers;
  replicas: Replica[];
  balancer: ReplicaBalancer;
}

async function startWebhookReplicas(t: TestContext, count: number): Promise<Setup | null> {
  const servers = await sharedServers(t);
  if (!servers) return null;
  const api = new TelegramApiStandIn();
  await api.start();
  t.after(() => api.close());
  const ports = await Promise.all(Array.from({ length: count }, () => freePort()));
  const replicas = ports.map((port, i) =>
    startReplica(t, String.fromCharCode(65 + i), {
      ...servers.env,
      TELEGRAM_BOT_TOKEN: api.token,
      TELEGRAM_API_ROOT: api.apiRoot,
      // One public address in front of all replicas; each serves the webhook on its own port.
      TELEGRAM_WEBHOOK_URL: `http://127.0.0.1:${ports[0]}${PATH}`,
      TELEGRAM_WEBHOOK_SECRET: SECRET,
      HTTP_PORT: String(port),
      LOG_LEVEL: 'info',
      SWEEP_INTERVAL_MINUTES: '0',
    }),
  );
  await Promise.all(replicas.map((r) => r.waitFor(/survey bot running/, 60_000)));
  const urls = ports.map((port) => `http://127.0.0.1:${port}${PATH}`);
  return { api, servers, replicas, balancer: new ReplicaBalancer(api, urls, SECRET) };
}

/** Every stored response, by respondent pseudonym; fails on a respondent stored twice. */
async function storedResponses(servers: SharedServers) {
  const docs = await servers.db
    .collection<{
      _id: string;
      respondent: string;
      status: string;
      answers: Record<string, { status: string; value?: unknown }>;
    }>('responses')
    .find({})
    .toArray();
  const byRespondent = new Map<string, (typeof docs)[number]>();
  for (const doc of docs) {
    assert.ok(!byRespondent.has(doc.respondent), `respondent ${doc.respondent} stored twice`);
    byRespondent.set(doc.respondent, doc);
  }
  return byRespondent;
}

const plain = (answers: Record<string, { status: string; value?: unknown }>) =>
  Object.fromEntries(
    Object.entries(answers).map(([id, a]) => [id, a.status === 'declined' ? 'declined' : a.value]),
  );

test('two replicas in webhook mode, each respondent alternating between them: 100 interviews, each stored once as answered', async (t) => {
  const setup = await startWebhookReplicas(t, 2);
  if (!setup) return;
  const { api, servers, replicas, balancer } = setup;
  const RESPONDENTS = 100;
  const respondents = Array.from({ length: RESPONDENTS }, (_, n) => {
    const plan = planFor(n);
    return { n, plan, r: new BalancedRespondent(api, 70_000 + n, plan.languageCode, balancer) };
  });
  await Promise.all(
    respondents.map(async ({ plan, r }) => {
      await r.send('/start');
      const asked = await r.takeSurvey(plan.steps);
      assert.deepEqual(asked, Object.keys(plan.steps), `respondent ${r.id}: every question once, in order`);
    }),
  );
  assert.equal(balancer.redeliveries, 0, 'no delivery failed');

  const stored = await storedResponses(servers);
  assert.equal(stored.size, RESPONDENTS);
  for (const { plan, r } of respondents) {
    const doc = stored.get(pseudonym(servers.env.RESPONDENT_SALT, 'telegram', String(r.id)));
    assert.ok(doc, `respondent ${r.id} has a response`);
    assert.equal(doc.status, 'complete');
    assert.deepEqual(plain(doc.answers), plan.answers, `respondent ${r.id}`);
    assert.equal(r.last.text, translator.translatorFor(plan.languageCode)({ key: 'common:end.completed' }));
    // The chat reads as it does with one process: no question message keeps its buttons.
    assert.deepEqual(
      r.messages.filter((m) => m.reply_markup).map((m) => m.text.slice(0, 40)),
      [],
      `respondent ${r.id}: answered questions lost their buttons`,
    );
  }
  // Both replicas took turns: the balancer alternated, and each logged its own share.
  for (const replica of replicas) assert.match(replica.output(), /telegram webhook set/);
  const sessions = new RedisSessionStore(servers.redis, { prefix: servers.env.REDIS_PREFIX, ttlMs: 60_000 });
  for (const { r } of respondents) {
    const left = await sessions.get(sessionKey('advocacy', 'telegram', String(r.id)));
    assert.equal(left, null, `respondent ${r.id}: no session left once the response is stored`);
  }
  for (const replica of replicas)
    assert.equal(await replica.kill('SIGTERM'), 0, replica.output().slice(-2000));
  void isCorrupt;
});
