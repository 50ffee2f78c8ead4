import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { InlineKeyboardButton } from 'telegraf/types';
import { parseCallbackData } from '../../src/channels/telegram/callback-data.ts';
import { fitText, render, renderAnswered, type QuestionPrompt } from '../../src/channels/telegram/render.ts';
import { next, startSession } from '../../src/engine/engine.ts';
import type { Input } from '../../src/engine/input.ts';
import { flow, translator } from '../support/flow.ts';

const en = translator.translatorFor('en');

/**
 * Every prompt of an interview that passes through every kind of step: toggles, "other" texts,
 * a ranking picked item by item with N/A and undo, an amount then its currency, a country to pick
 * from candidates, and the contact steps.
 */
function allPrompts(locale: string): QuestionPrompt[] {
  const c = (option: string): Input => ({ type: 'choose', option });
  const typed = (text: string): Input => ({ type: 'text', text });
  const inputs: Input[] = [
    c(locale),
    c('yes'),
    c('other'),
    typed('Museum'),
    c('yes'),
    c('officer'),
    typed('Korea'),
    c('KR'),
    c('5000_24999'),
    c('yes'),
    typed('1500'),
    c('EUR'),
    c('yes'),
    c('libraries'),
    c('government'),
    c('other'),
    c('government'),
    c('business'),
    { type: 'done' },
    typed('Rotary club'),
    c('business'),
    { type: 'undo' },
    c('other'),
    c('libraries'),
    typed('Example'),
    typed('Challenge'),
    c('partly'),
    typed('How'),
    typed('Benefit'),
    typed('Work'),
    typed('https://example.org/kit'),
    c('yes'),
    typed('Support'),
    c('others'),
    { type: 'na', item: 'business' },
    c('government'),
    { type: 'undo' },
    c('libraries'),
    c('government'),
    { type: 'na', item: 'nonprofit' },
    c('associations'),
    typed('Museums'),
    typed('Accomplish'),
    c('face_to_face'),
    c('other'),
    { type: 'done' },
    typed('Radio'),
    c('yes'),
    typed('Ana'),
    c('email'),
    typed('ana@example.org'),
    c('es'),
  ];
  let { session, prompt } = startSession(flow, { id: 'render', locale, now: 0 });
  const prompts: QuestionPrompt[] = [];
  for (const [i, input] of inputs.entries()) {
    assert.equal(prompt.kind, 'question', `prompt before input ${i}`);
    prompts.push(prompt as QuestionPrompt);
    const step = next(flow, session, input, i);
    assert.equal(step.refusal, undefined, `input ${i} ${JSON.stringify(input)} at ${session.current}`);
    ({ session, prompt } = step);
  }
  assert.equal(prompt.kind, 'completed');
  return prompts;
}

const buttonsOf = (rows: InlineKeyboardButton[][]) =>
  rows.flat().filter((b): b is InlineKeyboardButton.CallbackButton => 'callback_data' in b);

for (const lng of flow.languages) {
  test(`${lng}: every prompt of the survey fits Telegram's limits, and its buttons read back as bound input`, () => {
    const t = translator.translatorFor(lng);
    const prompts = allPrompts(lng);
    const kinds = new Set(prompts.map((p) => `${p.type}:${p.step}`));
    for (const kind of [
      'multi:other',
      'single:other',
      'amount:currency',
      'amount:confirm',
      'ranking:other',
      'country:pick',
      'contact:email',
    ]) {
      assert.ok(kinds.has(kind), `walk covers ${kind}`);
    }
    for (const prompt of prompts) {
      const message = render(flow, prompt, t);
      assert.ok(message.text.length > 0 && message.text.length <= 4096);
      assert.ok(message.text.includes(t(prompt.text)), 'the question text is in the message');
      const rows = message.reply_markup?.inline_keyboard ?? [];
      assert.ok(rows.flat().length <= 100);
      for (const row of rows) assert.ok(row.length >= 1 && row.length <= 8);
      for (const b of buttonsOf(rows)) {
        assert.ok(Buffer.byteLength(b.callback_data) <= 64, b.callback_data);
        assert.ok(b.text.length > 0 && [...b.text].length <= 60);
        const input = parseCallbackData(b.callback_data);
        assert.ok(input && 'type' in input, `${b.callback_data} reads back as an input`);
        assert.deepEqual(input.bound, { question: prompt.question, version: prompt.version });
      }
      // One button per choice: every choice can be pressed.
      const chosen = buttonsOf(rows)
        .map((b) => parseCallbackData(b.callback_data))
        .filter((i) => i && 'type' in i && i.type === 'choose')
        .map((i) => (i as { option: string }).option);
      assert.deepEqual(
        chosen,
        prompt.choices.map((c) => c.id),
      );
    }
  });
}

const promptAt = (question: string, step = '') => {
  const found = allPrompts('en').filter((p) => p.question === question && p.step === step);
  assert.ok(found.length > 0, `${question}.${step} is in the walk`);
  return found;
};
const texts = (prompt: QuestionPrompt) =>
  (render(flow, prompt, en).reply_markup?.inline_keyboard ?? []).map((row) => row.map((b) => b.text));

test('multiple choice: numbered toggles with ✓ on the chosen ones, then Done, then Back and decline', () => {
  // After toggling libraries, government, other, government (off again) and business.
  const q6 = promptAt('q6').at(-1)!;
  const rows = texts(q6);
  q6.choices.forEach((choice, i) => {
    const mark = ['libraries', 'business', 'other'].includes(choice.id) ? '✓ ' : '';
    assert.deepEqual(rows[i], [`${mark}${i + 1}. ${en(choice.label)}`]);
  });
  assert.deepEqual(rows.at(-2), [en({ key: 'common:action.done' })]);
  assert.deepEqual(rows.at(-1), [en({ key: 'common:action.back' }), en({ key: 'common:action.decline' })]);
});

test('ranking with N/A: a row per open item with its N/A button, Undo once something is placed', () => {
  const [first, second] = promptAt('q14');
  const firstRows = render(flow, first!, en).reply_markup!.inline_keyboard;
  const items = first!.choices.length;
  assert.equal(items, 6);
  for (const row of firstRows.slice(0, items)) {
    assert.equal(row.length, 2);
    assert.equal(row[1]!.text, en({ key: 'common:action.not_applicable' }));
  }
  assert.ok(!firstRows.flat().some((b) => b.text === en({ key: 'common:action.undo' })));
  // After one item is placed it is gone from the keyboard, and Undo appears.
  const secondRows = render(flow, second!, en).reply_markup!.inline_keyboard;
  assert.equal(second!.choices.length, 5);
  assert.ok(secondRows.flat().some((b) => b.text === en({ key: 'common:action.undo' })));
  assert.match(render(flow, second!, en).text, /#2/);
});

test('set-up steps cannot be declined or gone back from; the amount is typed, so "I don\'t know" has no number', () => {
  const language = promptAt('language')[0]!;
  const rows = render(flow, language, en)
    .reply_markup!.inline_keyboard.flat()
    .map((b) => b.text);
  assert.ok(!rows.includes('Prefer not to answer') && !rows.includes('Back'));
  assert.ok(
    rows.some((t) => t.startsWith('✓ ') && t.includes('English')),
    'the platform language is preselected',
  );
  const amount = promptAt('q5a')[0]!;
  assert.equal(texts(amount)[0]![0], en({ key: 'common:amount.dont_know' }));
  const currency = promptAt('q5a', 'currency')[0]!;
  assert.match(texts(currency)[0]![0]!, /^1\. /);
});

test('labels too long for a phone button are listed in full in the message', () => {
  const q2a = promptAt('q2a')[0]!;
  const text = render(flow, q2a, en).text;
  for (const [i, choice] of q2a.choices.entries()) assert.ok(text.includes(`${i + 1}. ${en(choice.label)}`));
  const q2 = promptAt('q2')[0]!;
  assert.ok(!render(flow, q2, en).text.includes('1. '), 'short labels stay on the buttons only');
});

test('a question with more choices than Telegram allows buttons keeps within 100 buttons and 8 per row', () => {
  const base = promptAt('q1')[0]!;
  const many: QuestionPrompt = {
    ...base,
    choices: Array.from({ length: 150 }, (_, i) => ({ id: `o${i}`, label: { key: 'common:answer.yes' } })),
  };
  const rows = render(flow, many, en).reply_markup!.inline_keyboard;
  assert.ok(rows.flat().length <= 100);
  assert.ok(rows.every((r) => r.length <= 8));
  assert.ok(
    rows.flat().some((b) => b.text === 'Prefer not to answer'),
    'decline is never cut',
  );
});

test('texts are cut to 4096 UTF-16 units without splitting a character', () => {
  assert.equal(fitText('a'.repeat(5000)).length, 4096);
  assert.ok(fitText('a'.repeat(5000)).endsWith('…'));
  const emoji = 'a' + '😀'.repeat(3000);
  const cut = fitText(emoji);
  assert.ok(cut.length <= 4096);
  assert.doesNotThrow(() => encodeURIComponent(cut), 'no lone surrogate');
  assert.equal(fitText('short'), 'short');
});

test('an answered question shows the answer and has no keyboard', () => {
  const q4 = promptAt('q4')[0]!;
  const message = renderAnswered(flow, q4, '5,000–24,999', en);
  assert.equal(message.reply_markup, undefined);
  assert.match(message.text, /✅ 5,000–24,999$/);
  assert.ok(message.text.includes(en(q4.text)));
});
