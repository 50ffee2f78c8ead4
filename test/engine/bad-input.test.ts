import assert from 'node:assert/strict';
import { test } from 'node:test';
import { next } from '../../src/engine/engine.ts';
import type { Input } from '../../src/engine/input.ts';
import { choices, choose, flow, play, setup, text, translator } from '../support/flow.ts';

/** Sessions parked at a question of each kind. */
const at = {
  choice: () => play([...setup()]), // q1, single choice
  country: () => play([...setup(), choose('public'), choose('no')]), // q3
  text: () =>
    play([
      ...setup(),
      choose('public'),
      choose('no'),
      text('Chile'),
      choose('up_to_4999'),
      choose('no'),
      text('1'),
      text('1'),
    ]), // q9
  amount: () =>
    play([...setup(), choose('public'), choose('no'), text('Chile'), choose('up_to_4999'), choose('yes')]), // q5a
  email: () => {
    const s = play([
      ...setup(),
      choose('public'),
      choose('no'),
      text('Chile'),
      choose('up_to_4999'),
      choose('no'),
      choices('none'),
    ]);
    let step = s as Pick<typeof s, 'session' | 'prompt'>;
    for (const input of [
      text('t'), // q11
      text('t'), // q11b
      choose('no'), // q12
      text('t'), // q13
      text('1'), // q14
      choose('not_applicable'), // q14: the items left out
      text('t'), // q15
      text('1'), // q16
      choose('yes'), // q17
      text('Ana'),
      choose('email'),
    ] as Input[]) {
      step = next(flow, step.session, input, 1);
    }
    return step;
  },
};

const cases: { name: string; where: keyof typeof at; input: Input; code: string }[] = [
  { name: 'an unknown choice number', where: 'choice', input: text('9'), code: 'unknown_choice' },
  { name: 'number zero', where: 'choice', input: text('0'), code: 'unknown_choice' },
  { name: 'an empty line', where: 'choice', input: text(''), code: 'unknown_choice' },
  { name: 'an empty answer to free text', where: 'text', input: text('   '), code: 'empty' },
  { name: 'a 10,000-character line', where: 'text', input: text('x'.repeat(10_000)), code: 'too_long' },
  {
    name: 'a 2,001-character answer (limit 2,000)',
    where: 'text',
    input: text('é'.repeat(2001)),
    code: 'too_long',
  },
  { name: 'control characters', where: 'text', input: text('ok\u0000\u0007'), code: 'invalid_characters' },
  { name: 'a lone surrogate', where: 'text', input: text('bad \uD800 text'), code: 'invalid_characters' },
  {
    name: 'right-to-left text where a number is expected',
    where: 'choice',
    input: text('مكتبة عامة'),
    code: 'unknown_choice',
  },
  { name: 'emoji where a number is expected', where: 'choice', input: text('📚👍'), code: 'unknown_choice' },
  { name: 'a forged option id', where: 'choice', input: choose('__proto__'), code: 'unknown_choice' },
  {
    name: 'a country name that matches nothing',
    where: 'country',
    input: text('Atlantis'),
    code: 'country_unknown',
  },
  { name: 'an amount that is not a number', where: 'amount', input: text('a lot'), code: 'amount_invalid' },
  { name: 'a negative amount', where: 'amount', input: text('-5'), code: 'amount_negative' },
  { name: 'an unknown currency code', where: 'amount', input: text('100 XXQ'), code: 'currency_unknown' },
  { name: 'two currencies', where: 'amount', input: text('100 USD EUR'), code: 'amount_two_currencies' },
  { name: 'an absurd amount', where: 'amount', input: text('10000000000000'), code: 'amount_too_large' },
  { name: 'an e-mail without a domain', where: 'email', input: text('ana@'), code: 'email_invalid' },
  {
    name: 'a button of another question',
    where: 'choice',
    input: { type: 'choose', option: 'public', bound: { question: 'q2', version: 2 } },
    code: 'stale',
  },
  {
    name: 'an old button of this question',
    where: 'choice',
    input: { type: 'choose', option: 'public', bound: { question: 'q1', version: 0 } },
    code: 'stale',
  },
  {
    name: 'an unknown language',
    where: 'choice',
    input: { type: 'language', locale: 'xx' },
    code: 'unknown_language',
  },
  { name: 'undo where nothing is ranked', where: 'choice', input: { type: 'undo' }, code: 'not_accepted' },
];

for (const c of cases) {
  test(`bad input: ${c.name} is refused with a translated message and changes nothing`, () => {
    const before = at[c.where]();
    const step = next(flow, before.session, c.input, 99_000);
    assert.equal(step.refusal?.code, c.code);
    assert.equal(step.session, before.session, 'the session is the same object');
    assert.deepEqual(step.events, []);
    assert.equal(step.prompt.kind === 'question' && step.prompt.question, before.session.current);
    for (const lng of flow.languages) {
      const message = translator.translatorFor(lng)(step.refusal!.text);
      assert.ok(message.length > 10 && !message.includes('refusal.'), `${lng}: ${message}`);
    }
  });
}

test('right-to-left text and emoji are valid free-text answers, kept as typed', () => {
  const before = at.text();
  const typed = 'تحديات التمويل 📚 — دعم محدود';
  const step = next(flow, before.session, text(typed), 99_000);
  assert.equal(step.refusal, undefined);
  assert.deepEqual(step.session.answers.q9, { status: 'answered', value: typed });
});

test('Arabic-Indic digits pick a choice', () => {
  const step = next(flow, at.choice().session, text('٢'), 1);
  assert.deepEqual(step.session.answers.q1, { status: 'answered', value: { option: 'public' } });
});

test('an ambiguous country name offers a short list to pick from', () => {
  const step = next(flow, at.country().session, text('Guin'), 1);
  assert.equal(step.session.step, 'pick');
  const codes = step.prompt.kind === 'question' ? step.prompt.choices.map((c) => c.id) : [];
  assert.ok(codes.includes('GN') && codes.includes('GW') && codes.length <= 6, codes.join());
  const picked = next(flow, step.session, choose('GW'), 2);
  assert.deepEqual(picked.session.answers.q3, {
    status: 'answered',
    value: { code: 'GW', region: '002', subregion: '202' },
  });
});

test('country names are matched in every supported language', () => {
  for (const name of ['Russia', 'Россия', 'مصر', 'México', 'Cameroun', 'Estados Unidos', 'Micronésie']) {
    const step = next(flow, at.country().session, text(name), 1);
    assert.equal(step.refusal, undefined, name);
    assert.equal(step.session.current, 'q4', name);
  }
});

test('the language and consent steps cannot be declined', () => {
  const first = play([]);
  assert.equal(next(flow, first.session, { type: 'decline' }, 1).refusal?.code, 'not_declinable');
});
