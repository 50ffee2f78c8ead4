import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { validateFlow, type Resources } from '../../src/engine/validate.ts';
import { resources } from '../support/flow.ts';
import { parse } from 'yaml';

/** A small flow and its texts in two languages; each case breaks one thing. */
function base() {
  return {
    id: 'mini',
    version: 1,
    consent: { operator: 'The test team', contact: 'team@example.org', retentionMonths: 12 },
    questions: [
      { id: 'language', type: 'language' },
      { id: 'consent', type: 'consent' },
      { id: 'a', type: 'yesno' },
      { id: 'b', type: 'single', options: ['x', 'y'], when: { q: 'a', equals: 'yes' } },
      { id: 'c', type: 'text' },
    ],
  } as { id: string; version: number; consent?: unknown; questions: Record<string, unknown>[] };
}
const texts = () =>
  ({ a: { text: 'A?' }, b: { text: 'B?', options: { x: 'X', y: 'Y' } }, c: { text: 'C?' } }) as Record<
    string,
    unknown
  >;
const res = (): Resources => ({ en: { mini: texts() }, fr: { mini: texts() } });

const cases: {
  name: string;
  change: (f: ReturnType<typeof base>, r: Resources) => void;
  expect: RegExp;
  question?: string;
}[] = [
  {
    name: 'unknown reference',
    change: (f) => (f.questions[3]!.when = { q: 'zz', equals: 'yes' }),
    expect: /unknown question "zz"/,
    question: 'b',
  },
  {
    name: 'forward reference',
    change: (f) => (f.questions[2]!.when = { q: 'c', answered: true }),
    expect: /"c", which does not come before it/,
    question: 'a',
  },
  { name: 'duplicate id', change: (f) => (f.questions[4]!.id = 'a'), expect: /duplicate question id "a"/ },
  {
    name: 'unreachable question',
    change: (f) =>
      (f.questions[3]!.when = {
        all: [
          { q: 'a', equals: 'yes' },
          { q: 'a', equals: 'no' },
        ],
      }),
    expect: /unreachable/,
    question: 'b',
  },
  {
    name: 'condition on an option that does not exist',
    change: (f) => (f.questions[3]!.when = { q: 'a', equals: 'maybe' }),
    expect: /"maybe", not an option of "a"/,
    question: 'b',
  },
  {
    name: 'option without a label',
    change: (_f, r) =>
      delete (r.fr!.mini as Record<string, Record<string, Record<string, string>>>).b!.options!.y,
    expect: /missing text "b.options.y" in locales\/fr\/mini.json/,
    question: 'b',
  },
  {
    name: 'missing question text in one language',
    change: (_f, r) => delete (r.en!.mini as Record<string, unknown>).c,
    expect: /missing text "c.text" in locales\/en\/mini.json/,
    question: 'c',
  },
  {
    name: 'unknown question type',
    change: (f) => (f.questions[4]!.type = 'essay'),
    expect: /questions.4.type/,
    question: 'c',
  },
  {
    name: 'code in a condition is not accepted',
    change: (f) => (f.questions[3]!.when = 'answers.a == "yes"' as never),
    expect: /questions.3.when/,
    question: 'b',
  },
  {
    name: 'ranking over a question that is not multiple choice',
    change: (f) => f.questions.push({ id: 'r', type: 'ranking', itemsFrom: 'b' }),
    expect: /itemsFrom "b" is not a multiple-choice question/,
    question: 'r',
  },
  {
    name: 'consent after a survey question',
    change: (f) => f.questions.push({ id: 'late', type: 'consent' }),
    expect: /must come before the survey questions/,
    question: 'late',
  },
  {
    name: 'a consent question without who runs the survey, a contact and the retention',
    change: (f) => delete f.consent,
    expect: /needs `consent:` with operator, contact and retentionMonths/,
    question: 'consent',
  },
  {
    name: 'an operator named in some languages only',
    change: (f) => (f.consent = { operator: { en: 'Team' }, contact: 'a@b.org', retentionMonths: 12 }),
    expect: /consent.operator has no name for language "fr"/,
    question: 'consent',
  },
  {
    name: 'a wording whose condition reads a later question',
    change: (f) => (f.questions[2]!.wording = [{ when: { q: 'c', answered: true }, text: 'text_other' }]),
    expect: /"c", which does not come before it/,
    question: 'a',
  },
  {
    name: 'a wording without its text',
    change: (f) => (f.questions[4]!.wording = [{ when: { q: 'a', equals: 'no' }, text: 'text_alone' }]),
    expect: /missing text "c.text_alone" in locales\/en\/mini.json/,
    question: 'c',
  },
  {
    name: 'a fixed answer of a text question without its label',
    change: (f) => (f.questions[4]!.answers = ['nothing']),
    expect: /missing text "c.options.nothing"/,
    question: 'c',
  },
  {
    name: 'a condition on a text question that names no fixed answer of it',
    change: (f) => {
      f.questions[4]!.answers = ['nothing'];
      f.questions.push({ id: 'd', type: 'yesno', when: { q: 'c', equals: 'something' } });
    },
    expect: /"something", not a fixed answer of "c"/,
    question: 'd',
  },
  {
    name: 'a condition on a country that is neither a code nor an M49 region',
    change: (f) => {
      f.questions.push({ id: 'k', type: 'country' });
      f.questions.push({ id: 'd', type: 'yesno', when: { q: 'k', equals: 'Europe' } });
    },
    expect: /"Europe", neither a country code nor an M49 region/,
    question: 'd',
  },
  {
    name: 'a ranking that asks to specify an item it does not have',
    change: (f) => f.questions.push({ id: 'r', type: 'ranking', items: ['x', 'y'], specify: ['z'] }),
    expect: /specify names "z", which is not one of its items/,
    question: 'r',
  },
];

test('a condition may name a country code or an M49 region of a country question', () => {
  const flow = base();
  flow.questions.push({ id: 'k', type: 'country' });
  flow.questions.push({
    id: 'd',
    type: 'yesno',
    when: {
      any: [
        { q: 'k', equals: 'RU' },
        { q: 'k', equals: '145' },
      ],
    },
  });
  const r = res();
  for (const lng of ['en', 'fr'])
    Object.assign(r[lng]!.mini as object, { k: { text: 'K?' }, d: { text: 'D?' } });
  assert.deepEqual(validateFlow(flow, 'mini.yaml', r).issues, []);
});

test('the questionnaire flow is valid in every language', () => {
  const raw = parse(readFileSync(new URL('../../flows/advocacy.yaml', import.meta.url), 'utf8'));
  const { flow, issues } = validateFlow(raw, 'flows/advocacy.yaml', resources);
  assert.deepEqual(issues, []);
  assert.equal(flow?.id, 'advocacy');
});

test('the unbroken mini flow is valid', () => {
  assert.deepEqual(validateFlow(base(), 'mini.yaml', res()).issues, []);
});

for (const c of cases) {
  test(`validator rejects: ${c.name}`, () => {
    const flow = base();
    const r = res();
    c.change(flow, r);
    const { flow: valid, issues } = validateFlow(flow, 'flows/mini.yaml', r);
    assert.equal(valid, null);
    const hit = issues.find((i) => c.expect.test(i.message));
    assert.ok(hit, `expected ${c.expect} in ${JSON.stringify(issues)}`);
    assert.equal(hit.file, 'flows/mini.yaml');
    if (c.question) assert.equal(hit.question, c.question);
  });
}

test('every problem is reported at once, not just the first', () => {
  const flow = base();
  flow.questions[3]!.when = { q: 'zz', equals: 'yes' };
  flow.questions[4]!.id = 'a';
  const { issues } = validateFlow(flow, 'mini.yaml', res());
  assert.ok(issues.length >= 2, JSON.stringify(issues));
});
