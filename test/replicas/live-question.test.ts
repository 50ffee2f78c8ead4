import { collect } from '../../src/store/response-store.ts';
import assert from 'node:assert/strict';
import { test, type TestContext } from 'node:test';
import type { Update } from 'telegraf/types';
import { TelegramChannel } from '../../src/channels/telegram/channel.ts';
import { ConversationService } from '../../src/conversation/service.ts';
import { pseudonym } from '../../src/log.ts';
import { flow, translator } from '../support/flow.ts';
import type { ApiCall, NewUpdate, TelegramApiStandIn } from '../support/telegram-api.ts';
import { promptsOn, SALT, startHarness, type Harness } from '../telegram/harness.ts';
import { Respondent, isQuestion, questionIdOf } from '../telegram/respondent.ts';
import { planFor } from './plans.ts';
import { startWebhookReplicas } from './replica-process.ts';
import { plain, storedResponses } from './responses.ts';

/**
 * Telegram delivers an update again when it did not hear back in time: a second webhook POST (to
 * the same replica or another), or the same update twice in one getUpdates batch. Whatever is
 * delivered how often, the chat must show at most one question with live buttons, and the stored
 * response must be the one a single delivery gives.
 */

/** Delivers one update (with one id) `times` times, the way a mode and a number of replicas do. */
type Copies = (update: NewUpdate, times: number) => Promise<void>;

/** A respondent whose every update is delivered `times` times. */
class Redelivered extends Respondent {
  constructor(
    api: TelegramApiStandIn,
    id: number,
    lng: string,
    private readonly copies: Copies,
    private readonly times: number,
  ) {
    super(api, id, lng);
  }

  override async deliver(update: NewUpdate): Promise<ApiCall[]> {
    await this.copies(update, this.times);
    if ('callback_query' in update) {
      // What the respondent sees of their press: the first answer Telegram took. A copy that lost
      // the race to the one applied is not "an earlier question" to them.
      const id = update.callback_query.id;
      const seen = this.api.calls.find(
        (c) => c.method === 'answerCallbackQuery' && c.ok && c.body.callback_query_id === id,
      );
      assert.ok(seen, `respondent ${this.id}: the press was answered`);
      assert.equal(
        seen.body.text,
        undefined,
        `respondent ${this.id}: the press was answered without a notice`,
      );
    }
    return [];
  }
}

/** Messages of the chat whose buttons still answer a question. */
function live(r: Respondent): number[] {
  return r.messages.filter((m) => isQuestion(m)).map((m) => m.message_id);
}

/**
 * Takes the whole survey as planned, checking after every delivery that exactly one message
 * carries live question buttons (copies of a question may stand in the chat, never two of them
 * live), and none once the survey is done. Every question is asked once, in the plan's order.
 */
async function interview(r: Respondent, n: number, opts: { inTurn?: boolean } = {}): Promise<void> {
  const plan = planFor(n);
  await r.send('/start');
  const asked: string[] = [];
  for (let id = questionIdOf(r.question); id !== null;) {
    // The last answer typed ("2" is "no"): a typed update delivered again after the end must not
    // be taken for a new visit.
    const steps = id === 'q17' ? [{ type: '2' }] : plan.steps[id];
    assert.ok(steps, `respondent ${r.id}: asked ${id}, which the plan does not answer`);
    assert.ok(asked.length < 40, `respondent ${r.id}: the survey does not end`);
    asked.push(id);
    let shown: number[] = [];
    const last = id === Object.keys(plan.steps).at(-1);
    for (const [i, step] of steps.entries()) {
      await r.step(step);
      shown = live(r);
      const done: boolean = last && i === steps.length - 1;
      assert.equal(
        shown.length,
        done ? 0 : 1,
        `respondent ${r.id} after ${id} ${JSON.stringify(step)}: live questions ${shown.join(', ')} in ` +
          JSON.stringify(r.messages.slice(-5).map((m) => [m.message_id, m.text.slice(0, 50), isQuestion(m)])),
      );
    }
    id = shown.length === 1 ? questionIdOf(r.message(shown[0]!)) : null;
  }
  assert.deepEqual(asked, Object.keys(plan.steps), `respondent ${r.id}: every question once, in order`);
  assert.deepEqual(live(r), [], `respondent ${r.id}: no live question once the survey is done`);
  const t = translator.translatorFor(plan.languageCode);
  assert.ok(
    r.messages.some((m) => m.text === t({ key: 'common:end.completed' })),
    `respondent ${r.id} was thanked`,
  );
  // Copies handled one after the other: the last update, delivered again after the survey ended,
  // is not taken for a finished respondent's new visit.
  if (opts.inTurn) assert.equal(r.last.text, t({ key: 'common:end.completed' }), `respondent ${r.id}`);
}

const TIMES = [1, 2, 5] as const;

/** The stored responses of the respondents are the plan's answers, one each. */
async function checkStored(h: Harness, respondents: { id: number; n: number }[]): Promise<void> {
  const all = await collect(h.stores.responses.scan());
  for (const { id, n } of respondents) {
    const mine = all.filter((x) => x.respondent === pseudonym(SALT, 'telegram', String(id)));
    assert.equal(mine.length, 1, `respondent ${id}: one response`);
    assert.equal(mine[0]!.status, 'complete');
    assert.deepEqual(plain(mine[0]!.answers as never), planFor(n).answers, `respondent ${id}`);
  }
}

test('webhook, one replica: an update delivered 1, 2 or 5 times at once leaves one live question', async (t) => {
  const h = await startHarness(t, { mode: 'webhook' });
  if (!h) return;
  let id = 1_000_000;
  const copies: Copies = async (update, times) => {
    const full = { ...update, update_id: id++ } as Update;
    const url = h.api.webhook!.url;
    const answers = await Promise.all(
      Array.from({ length: times }, () => h.api.post(url, full, h.api.webhook!.secret)),
    );
    assert.deepEqual(
      answers.map((a) => a.status),
      answers.map(() => 200),
    );
  };
  const respondents = TIMES.map((times, i) => ({ id: 60_100 + i, n: i, times }));
  for (const { id: user, n, times } of respondents) {
    await interview(new Redelivered(h.api, user, planFor(n).languageCode, copies, times), n, {
      inTurn: true,
    });
  }
  await checkStored(h, respondents);
});

test('polling, one replica: an update 1, 2 or 5 times in one getUpdates batch leaves one live question', async (t) => {
  const h = await startHarness(t, { mode: 'polling' });
  if (!h) return;
  const copies: Copies = async (update, times) => {
    const full = h.api.numbered(update);
    await h.api.deliverBatch(Array.from({ length: times }, () => full));
  };
  const respondents = TIMES.map((times, i) => ({ id: 60_200 + i, n: i, times }));
  for (const { id, n, times } of respondents) {
    await interview(new Redelivered(h.api, id, planFor(n).languageCode, copies, times), n, { inTurn: true });
  }
  await checkStored(h, respondents);
});

/** A second replica on the harness's stores and pointers: its own service, bot and queues. */
async function secondReplica(t: TestContext, h: Harness): Promise<TelegramChannel> {
  const service = new ConversationService({ flow, ...h.stores, salt: SALT });
  const replica = new TelegramChannel({
    token: h.api.token,
    apiRoot: h.api.apiRoot,
    service,
    translator,
    log: h.log.log,
    prompts: promptsOn(h.stores, h.redisPrefix),
  });
  await replica.prepare();
  t.after(async () => {
    await replica.stop();
    service.close();
  });
  return replica;
}

test('polling, alternating between two replicas: the copies of an update taken by both at once leave one live question', async (t) => {
  const h = await startHarness(t, { mode: 'polling', stores: 'servers', sharedPrompts: true });
  if (!h) return;
  // The leader polls; the other replica takes the copies a new leader would fetch again.
  const other = await secondReplica(t, h);
  const copies: Copies = async (update, times) => {
    const full = h.api.numbered(update);
    const mine = Math.ceil(times / 2);
    await Promise.all([
      h.api.deliverBatch(Array.from({ length: mine }, () => full)),
      ...Array.from({ length: times - mine }, () => other.bot.handleUpdate(structuredClone(full))),
    ]);
  };
  const respondents = TIMES.map((times, i) => ({ id: 60_300 + i, n: i, times }));
  for (const { id, n, times } of respondents) {
    await interview(new Redelivered(h.api, id, planFor(n).languageCode, copies, times), n);
  }
  await checkStored(h, respondents);
});

test('webhook, two replica processes: the copies of an update posted to both in turn leave one live question', async (t) => {
  const setup = await startWebhookReplicas(t, 2);
  if (!setup) return;
  const { api, servers, replicas, balancer } = setup;
  let id = 1;
  const copies: Copies = async (update, times) => {
    const full = { ...update, update_id: id++ } as Update;
    const answers = await Promise.all(
      Array.from({ length: times }, (_, i) =>
        api.post(balancer.urls[i % balancer.urls.length]!, full, balancer.secret),
      ),
    );
    assert.deepEqual(
      answers.map((a) => a.status),
      answers.map(() => 200),
    );
  };
  const respondents = TIMES.map((times, i) => ({ id: 60_400 + i, n: i, times }));
  await Promise.all(
    respondents.map(({ id: user, n, times }) =>
      interview(new Redelivered(api, user, planFor(n).languageCode, copies, times), n),
    ),
  );
  const stored = await storedResponses(servers);
  for (const { id: user, n } of respondents) {
    const doc = stored.get(pseudonym(servers.env.RESPONDENT_SALT, 'telegram', String(user)));
    assert.ok(doc, `respondent ${user} has a response`);
    assert.equal(doc.status, 'complete');
    assert.deepEqual(plain(doc.answers), planFor(n).answers, `respondent ${user}`);
  }
  for (const replica of replicas) {
    assert.doesNotMatch(replica.output(), /"level":[56]0/, 'no error-level line');
    assert.equal(await replica.kill('SIGTERM'), 0, replica.output().slice(-2000));
  }
});
