import assert from 'node:assert/strict';
import { test, type TestContext } from 'node:test';
import { pseudonym } from '../../src/log.ts';
import { RedisSessionStore } from '../../src/store/redis-session-store.ts';
import { sessionKey } from '../../src/store/session-store.ts';
import { translator } from '../support/flow.ts';
import { planFor } from './plans.ts';
import { startWebhookReplicas } from './replica-process.ts';
import { plain, storedResponses } from './responses.ts';
import { BalancedRespondent } from './webhook-respondent.ts';
import { testKeyring } from '../support/servers.ts';
import { REDIS_KINDS, type RedisKind } from '../support/stores.ts';

/**
 * Two bot processes in webhook mode on one Redis (or one Redis Cluster) and one MongoDB, each
 * respondent's updates sent to them in turn (as a load balancer in front of the replicas does):
 * nothing of a conversation may live only in one process.
 */
for (const kind of REDIS_KINDS)
  test(`two replicas in webhook mode on one ${kind}, each respondent alternating between them: 100 interviews, each stored once as answered`, (t) =>
    alternating(t, kind));

async function alternating(t: TestContext, kind: RedisKind): Promise<void> {
  const setup = await startWebhookReplicas(t, 2, { redis: kind });
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
  // None refused: without TELEGRAM_WEBHOOK_SECRET the replicas derive the same secret.
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
  // The session store's commands are those of both clients; its type names the single one.
  const sessions = new RedisSessionStore(servers.redis, {
    prefix: servers.env.REDIS_PREFIX,
    ttlMs: 60_000,
    keyring: testKeyring(),
  });
  for (const { r } of respondents) {
    const left = await sessions.get(sessionKey('telegram', String(r.id)));
    assert.equal(left, null, `respondent ${r.id}: no session left once the response is stored`);
  }
  for (const replica of replicas)
    assert.equal(await replica.kill('SIGTERM'), 0, replica.output().slice(-2000));
}
