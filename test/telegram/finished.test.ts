import { collect } from '../../src/store/response-store.ts';
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { pseudonym } from '../../src/log.ts';
import { flow, translator } from '../support/flow.ts';
import type { ApiCall } from '../support/telegram-api.ts';
import { SALT, startHarness, type Harness } from './harness.ts';
import { Respondent, buttonsOf, isQuestion, questionIdOf, type Step } from './respondent.ts';

const es = translator.translatorFor('es');
const sent = (calls: ApiCall[]) => calls.filter((c) => c.method === 'sendMessage');

/** The whole survey in Spanish (the respondent's Telegram says Russian), declining what can be. */
const PLAN: Record<string, Step[]> = {
  language: [{ choose: 'es' }],
  consent: [{ choose: 'yes' }],
  ...Object.fromEntries(
    ['q1', 'q2', 'q3', 'q4', 'q5', 'q6', 'q8', 'q9', 'q10', 'q11', 'q11b', 'q12', 'q13', 'q14', 'q15'].map(
      (q) => [q, ['skip']],
    ),
  ),
  q16: [{ choose: 'mou' }, 'done'],
  q17: [{ choose: 'no' }],
};

async function finish(r: Respondent): Promise<void> {
  await r.send('/start');
  await r.takeSurvey(PLAN);
  assert.equal(r.last.text, es({ key: 'common:end.completed' }));
}

const mine = async (h: Harness, r: Respondent) =>
  (await collect(h.stores.responses.scan())).filter(
    (x) => x.respondent === pseudonym(SALT, 'telegram', String(r.id)),
  );

const OFFER = [es({ key: 'common:completed.see' }), es({ key: 'common:completed.delete' })];

test('after completion, whatever the respondent sends, no survey starts again: they are told it is complete', async (t) => {
  const h = await startHarness(t);
  if (!h) return;
  await h.stores.invitations.create({
    token: 'once-only',
    campaign: 'c',
    maxUses: 1,
    uses: 0,
    revoked: false,
    createdAt: new Date(),
  });
  const r = new Respondent(h.api, 8601, 'ru');
  await r.send('/start once-only');
  await r.takeSurvey(PLAN);
  const q16 = r.messages.find((m) => m.text.includes(es({ key: 'advocacy:q16.text' })))!;

  for (const typed of ['hola', '/start', '/start once-only']) {
    const calls = await r.send(typed);
    assert.deepEqual(
      sent(calls).map((c) => c.body.text),
      [es({ key: 'common:end.already' })],
      typed,
    );
    assert.deepEqual(
      buttonsOf(r.last).map((b) => b.text),
      OFFER,
      `${typed}: see or delete; no change (the flow does not allow it)`,
    );
    assert.equal(await h.service.current('telegram', String(r.id)), null, `${typed}: nothing started`);
  }
  assert.equal((await h.stores.invitations.get('once-only'))!.uses, 1, 'the link is not spent again');

  // A button of an old question: refused in Spanish, nothing else.
  const stale = await r.press(`3:q16:c:mou`, q16.message_id);
  assert.deepEqual(
    stale.filter((c) => c.method === 'answerCallbackQuery').map((c) => c.body.text),
    [es({ key: 'common:refusal.stale' })],
  );
  assert.deepEqual(sent(stale), []);

  assert.deepEqual(
    sent(await r.send('/progress')).map((c) => c.body.text),
    [es({ key: 'common:end.already' })],
  );
  // /restart: one response per respondent, so no confirmation, only the offer.
  const restart = await r.send('/restart');
  assert.deepEqual(
    sent(restart).map((c) => c.body.text),
    [es({ key: 'common:completed.one_response' })],
  );
  assert.deepEqual(
    buttonsOf(r.last).map((b) => b.text),
    OFFER,
  );

  // "See my answers": the answers, question by question, in Spanish.
  const seen = sent(await r.press('!answers', r.last.message_id)).map((c) => String(c.body.text));
  assert.equal(seen.length, 1);
  assert.ok(seen[0]!.startsWith(es({ key: 'common:completed.answers' })), seen[0]);
  assert.ok(
    seen[0]!.includes(`${es({ key: 'advocacy:q16.text' })}\n→ ${es({ key: 'advocacy:q16.options.mou' })}`),
  );
  assert.ok(seen[0]!.includes(`→ ${es({ key: 'common:summary.declined' })}`));

  assert.equal((await mine(h, r)).length, 1, 'one response');
  assert.ok(!r.messages.some(isQuestion), 'no live question');
});

test('a flow that allows changes: the complete response is reopened and saved again as the same record', async (t) => {
  const h = await startHarness(t, {
    flow: { ...flow, responses: { perRespondent: 'one', changeAfterCompletion: true } },
  });
  if (!h) return;
  const r = new Respondent(h.api, 8602, 'ru');
  await finish(r);
  const [before] = await mine(h, r);
  await r.send('hola');
  assert.deepEqual(
    buttonsOf(r.last).map((b) => b.text),
    [OFFER[0], es({ key: 'common:completed.change' }), OFFER[1]],
  );
  await r.press('!change', r.last.message_id);
  assert.equal(questionIdOf(r.last), 'q17', 'at the last question answered');
  assert.ok(r.last.text.startsWith(es({ key: 'common:completed.changing' })));
  const session = await h.service.current('telegram', String(r.id));
  assert.equal(session?.id, before!.id, 'the session is the response');

  await r.step('back');
  assert.equal(questionIdOf(r.last), 'q16');
  await r.step({ choose: 'face_to_face' }); // added to the earlier "mou"
  await r.step('done');
  assert.equal(r.last.text, es({ key: 'common:end.completed' }), 'q17 kept its answer');
  const after = await mine(h, r);
  assert.equal(after.length, 1);
  assert.equal(after[0]!.id, before!.id);
  assert.deepEqual(after[0]!.answers.q16, {
    status: 'answered',
    value: { options: ['mou', 'face_to_face'] },
  });
  assert.ok(!r.messages.some(isQuestion), 'no live question');
});

test('a flow that takes several responses: /restart after completion asks, and a second response starts', async (t) => {
  const h = await startHarness(t, {
    flow: { ...flow, responses: { perRespondent: 'many', changeAfterCompletion: false } },
  });
  if (!h) return;
  const r = new Respondent(h.api, 8603, 'ru');
  await finish(r);
  await r.send('/restart');
  assert.equal(r.last.text, es({ key: 'common:completed.again_confirm' }));
  await r.press('!restart:no', r.last.message_id);
  assert.equal(await h.service.current('telegram', String(r.id)), null, '"no" starts nothing');
  await r.send('/restart');
  await r.press('!restart:yes', r.last.message_id);
  assert.equal(questionIdOf(r.last), 'language');
  await r.takeSurvey(PLAN);
  const responses = await mine(h, r);
  assert.equal(responses.length, 2);
  assert.notEqual(responses[0]!.id, responses[1]!.id);
});
