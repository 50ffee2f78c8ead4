import assert from 'node:assert/strict';
import { test } from 'node:test';
import { next, type Step } from '../../src/engine/engine.ts';
import type { Input } from '../../src/engine/input.ts';
import {
  answerOf,
  back,
  choices,
  choose,
  decline,
  flow,
  play,
  setup,
  text,
  translator,
} from '../support/flow.ts';

/** Sessions parked at each question with an "other, please specify". */
const before: Record<string, Input[]> = {
  q1: [...setup()],
  q2a: [...setup(), choose('public'), choose('yes')],
  q6: [...setup(), choose('public'), choose('no'), text('Chile'), choose('up_to_4999'), choose('no')],
  q16: [
    ...setup(),
    choose('public'),
    choose('no'),
    text('Chile'),
    choose('up_to_4999'),
    choose('no'),
    choices('none'),
    text('We work alone.'),
    choose('none_created'),
    choose('no'),
    text('It slows us.'),
    text('1'),
    choose('not_applicable'),
    text('Funding.'),
  ],
};

/** The picks that lead to each question's "please specify" step. */
const picks: Record<string, Input> = {
  q1: choose('other'),
  q2a: choose('other'),
  q6: choices('libraries', 'other'),
  q16: choices('mou', 'other'),
};

const selected = (step: Step) =>
  step.prompt.kind === 'question' ? step.prompt.choices.filter((c) => c.selected).map((c) => c.id) : [];

// Defect 2 of issue 11: /skip at a specify step declined the whole question and skipped on.
for (const how of ['/skip', '/back'] as const) {
  for (const [question, inputs] of Object.entries(before)) {
    test(`${how} at ${question}'s "please specify" returns to the choice with the picks kept`, () => {
      const at = play([...inputs, picks[question]!]);
      assert.equal(at.session.current, question);
      assert.equal(at.session.step, 'other');
      const step = next(flow, at.session, how === '/skip' ? decline : back, 1e6);
      assert.equal(step.refusal, undefined);
      assert.equal(step.session.current, question, 'still the same question');
      assert.equal(step.session.step, '', 'back at the choice');
      assert.equal(step.session.answers[question], undefined, 'nothing stored, nothing declined');
      assert.ok(!step.events.some((e) => e.type === 'declined' || e.type === 'skipped'));
      const expected =
        picks[question]!.type === 'choices' ? (picks[question] as { options: string[] }).options : ['other'];
      assert.deepEqual(selected(step).sort(), [...expected].sort());
    });
  }
}

test('a multiple choice confirmed again after /skip at "please specify" keeps every pick', () => {
  const at = play([...before.q6!, picks.q6!, decline]);
  const done = next(flow, at.session, { type: 'done' }, 1e6);
  assert.equal(done.session.step, 'other');
  const answered = next(flow, done.session, text('Museums'), 1e6 + 1);
  assert.deepEqual(answerOf(answered.session, 'q6'), { options: ['libraries', 'other'], other: 'Museums' });
});

test('the "please specify" step names the option and the question, in every language', () => {
  for (const lng of flow.languages) {
    const at = play([...setup(lng), choose('other')]);
    assert.equal(at.prompt.kind, 'question');
    if (at.prompt.kind !== 'question') return;
    const t = translator.translatorFor(lng);
    const shown = t(at.prompt.text);
    assert.ok(shown.includes(t({ key: 'advocacy:q1.text' })), `${lng}: ${shown}`);
    assert.ok(shown.includes(t({ key: 'common:option.other_short' })), `${lng}: ${shown}`);
    assert.equal(at.prompt.declinable, false, 'the question is not declined from here');
    assert.deepEqual(
      at.prompt.choices.map((c) => c.id),
      ['other_declined'],
    );
  }
});

test('q14 "others" specify step names the item ranked', () => {
  const at = play([...before.q16!.slice(0, 12)]);
  assert.equal(at.session.current, 'q14');
  const ranked = next(flow, at.session, text('6,1,2,3,4,5'), 1e6);
  assert.equal(ranked.session.step, 'other');
  const t = translator.translatorFor('en');
  assert.match(ranked.prompt.kind === 'question' ? t(ranked.prompt.text) : '', /“Others”/);
  // Back reopens "others" only; the other picks stay.
  const backed = next(flow, ranked.session, back, 1e6 + 1);
  assert.equal(backed.session.step, '');
  assert.deepEqual(backed.session.draft?.order, [
    'libraries',
    'government',
    'business',
    'nonprofit',
    'associations',
  ]);
  assert.deepEqual(backed.prompt.kind === 'question' && backed.prompt.choices.map((c) => c.id), ['others']);
});

test('a typed "1" at "please specify" declines the text; any other text specifies', () => {
  const declined = play([...setup(), choose('other'), text('1')]);
  assert.deepEqual(answerOf(declined.session, 'q1'), { option: 'other', otherDeclined: true });
  const given = play([...setup(), choose('other'), text('Prison library')]);
  assert.deepEqual(answerOf(given.session, 'q1'), { option: 'other', other: 'Prison library' });
});
