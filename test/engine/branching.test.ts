import assert from 'node:assert/strict';
import { test } from 'node:test';
import { next } from '../../src/engine/engine.ts';
import { evaluate } from '../../src/engine/condition.ts';
import {
  answerOf,
  flow,
  play,
  setup,
  choose,
  choices,
  text,
  decline,
  back,
  translator,
} from '../support/flow.ts';
import { interview } from '../support/interview.ts';

const cases: {
  name: string;
  answers: Parameters<typeof interview>[0];
  asked?: string[];
  notAsked?: string[];
  stored?: Record<string, unknown>;
  absent?: string[];
}[] = [
  {
    name: 'a member is asked for their role (q2a)',
    answers: { q2: choose('yes'), q2a: choose('officer') },
    asked: ['q2a'],
    stored: { q2a: { option: 'officer' } },
  },
  {
    name: 'a non-member never sees q2a',
    answers: { q2: choose('no') },
    notAsked: ['q2a'],
    absent: ['q2a'],
  },
  {
    name: 'declining q2 skips q2a and stores q2 as declined',
    answers: { q2: decline },
    notAsked: ['q2a'],
    stored: { q2: 'declined' },
    absent: ['q2a'],
  },
  {
    name: 'q5a comes only after "yes" to q5',
    answers: { q5: choose('yes'), q5a: text('1 500 EUR'), 'q5a.confirm': choose('yes') },
    asked: ['q5a'],
    stored: { q5a: { amount: 1500, currency: 'EUR' } },
  },
  { name: 'no q5a after "no" to q5', answers: { q5: choose('no') }, notAsked: ['q5a'], absent: ['q5a'] },
  { name: 'no q5a after declining q5', answers: { q5: decline }, notAsked: ['q5a'], absent: ['q5a'] },
  {
    name: 'q5a amount then currency in two steps, or "don\'t know"',
    answers: { q5: choose('yes'), q5a: text('2500'), 'q5a.currency': choose('NGN') },
    stored: { q5a: { amount: 2500, currency: 'NGN' } },
  },
  {
    name: '"don\'t know" is stored apart from declined',
    answers: { q5: choose('yes'), q5a: choose('dont_know') },
    stored: { q5a: { dontKnow: true } },
  },
  {
    name: 'q7 ranks the q6 types, in the order given',
    answers: { q6: choices('business', 'nonprofit', 'associations'), q7: text('3,1,2') },
    asked: ['q7'],
    stored: { q7: { order: ['associations', 'business', 'nonprofit'], na: [] } },
  },
  {
    name: 'q7 is skipped with one type, stored as rank 1 without asking',
    answers: { q6: choices('government') },
    notAsked: ['q7'],
    asked: ['q8', 'q9', 'q10'],
    stored: { q7: { order: ['government'], na: [] } },
  },
  {
    name: '"none" in q6 skips q7 to q10',
    answers: { q6: choices('none') },
    notAsked: ['q7', 'q8', 'q9', 'q9a', 'q10'],
    asked: ['q11', 'q11b'],
    absent: ['q7', 'q8', 'q9', 'q9a', 'q10'],
    stored: { q6: { options: ['none'] } },
  },
  {
    name: 'declining q6 skips q7 but asks q8 to q10, as 2013 asked everyone',
    answers: { q6: decline },
    notAsked: ['q7'],
    asked: ['q8', 'q9', 'q9a', 'q10'],
    absent: ['q7'],
    stored: { q6: 'declined' },
  },
  {
    name: '"none" in q6 also skips q9a and q9b',
    answers: { q6: choices('none') },
    notAsked: ['q9a', 'q9b'],
    absent: ['q9a', 'q9b'],
  },
  {
    name: '"other" in q6 asks for the text and is a partner to rank',
    answers: { q6: choices('libraries', 'other'), 'q6.other': text('Museums'), q7: text('2,1') },
    stored: {
      q6: { options: ['libraries', 'other'], other: 'Museums' },
      q7: { order: ['other', 'libraries'], na: [] },
    },
  },
  { name: 'q9a only after an answered q9', answers: { q9: text('Money') }, asked: ['q9a'] },
  {
    name: 'no q9a nor q9b when q9 is declined',
    answers: { q9: decline },
    notAsked: ['q9a', 'q9b'],
    absent: ['q9a', 'q9b'],
  },
  {
    name: '"we met no challenges" is a button on q9, stored as an option, with no q9a or q9b',
    answers: { q9: choose('no_challenges') },
    notAsked: ['q9a', 'q9b'],
    stored: { q9: { option: 'no_challenges' } },
    absent: ['q9a', 'q9b'],
  },
  {
    name: '"we met no challenges" typed as the number of its button',
    answers: { q9: text('1') },
    stored: { q9: { option: 'no_challenges' } },
    absent: ['q9a'],
  },
  {
    name: 'q9b asks how, after q9a = yes',
    answers: { q9: text('Money'), q9a: choose('yes'), q9b: text('A sponsor paid the rent.') },
    asked: ['q9a', 'q9b'],
    stored: { q9b: 'A sponsor paid the rent.' },
  },
  {
    name: 'q9b asks how, after q9a = partly',
    answers: { q9: text('Money'), q9a: choose('partly') },
    asked: ['q9b'],
  },
  {
    name: 'no q9b after q9a = no',
    answers: { q9: text('Money'), q9a: choose('no') },
    notAsked: ['q9b'],
    absent: ['q9b'],
  },
  {
    name: 'q11b keeps the text as typed and every link found in it',
    answers: {
      q11b: text('Toolkit: https://example.org/toolkit, slides at rusla.ru/advocacy; write to a@b.org'),
    },
    asked: ['q11', 'q11b'],
    stored: {
      q11b: {
        text: 'Toolkit: https://example.org/toolkit, slides at rusla.ru/advocacy; write to a@b.org',
        links: ['https://example.org/toolkit', 'http://rusla.ru/advocacy'],
      },
    },
  },
  {
    name: 'q11b without links keeps an empty list',
    answers: { q11b: text('Leaflets we print ourselves.') },
    stored: { q11b: { text: 'Leaflets we print ourselves.', links: [] } },
  },
  {
    name: 'q11b "we have not created any" is a button',
    answers: { q11b: choose('none_created') },
    stored: { q11b: { option: 'none_created' } },
  },
  {
    name: 'q14: items left out of a typed order are asked about, and marked not applicable on request',
    answers: { q14: text('2,1'), 'q14.rest': choose('not_applicable') },
    stored: {
      q14: { order: ['government', 'libraries'], na: ['business', 'nonprofit', 'associations', 'others'] },
    },
  },
  {
    name: 'q14: items left out can stay unranked, apart from not applicable',
    answers: { q14: text('2,1'), 'q14.rest': choose('unranked') },
    stored: { q14: { order: ['government', 'libraries'], na: [] } },
  },
  {
    name: 'q14: "rank them too" goes on with the items left, numbered as shown',
    answers: { q14: text('2,1'), 'q14.rest': [choose('rank'), text('2,1'), choose('not_applicable')] },
    // Left after "2,1": business, nonprofit, associations, others; "2,1" of those.
    stored: {
      q14: { order: ['government', 'libraries', 'nonprofit', 'business'], na: ['associations', 'others'] },
    },
  },
  {
    name: 'q14: "others", once ranked, is specified',
    answers: { q14: text('6,1'), 'q14.rest': choose('not_applicable'), 'q14.other': text('Museums') },
    stored: {
      q14: {
        order: ['others', 'libraries'],
        na: ['government', 'business', 'nonprofit', 'associations'],
        other: 'Museums',
      },
    },
  },
  {
    name: 'q14: "others" marked not applicable is not specified',
    answers: {
      q14: [
        { type: 'na', item: 'others' },
        choose('libraries'),
        choose('government'),
        choose('business'),
        choose('nonprofit'),
        choose('associations'),
      ],
    },
    stored: {
      q14: { order: ['libraries', 'government', 'business', 'nonprofit', 'associations'], na: ['others'] },
    },
  },
  {
    name: 'q14: "others" specified with its text declined',
    answers: {
      q14: text('1,2,3,4,5,6'),
      'q14.other': choose('other_declined'),
    },
    stored: {
      q14: {
        order: ['libraries', 'government', 'business', 'nonprofit', 'associations', 'others'],
        na: [],
        otherDeclined: true,
      },
    },
  },
  {
    name: 'q17 with contact details by e-mail',
    answers: {
      q17: choose('yes'),
      'q17.name': text('Amina'),
      'q17.method': choose('email'),
      'q17.email': text('amina@example.org'),
      'q17.language': choose('ar'),
    },
    stored: {
      q17: { agreed: 'yes', name: 'Amina', email: 'amina@example.org', viaChat: false, language: 'ar' },
    },
  },
  {
    name: 'q17 with "contact me in this chat"',
    answers: {
      q17: choose('yes'),
      'q17.name': text('Ivan'),
      'q17.method': choose('chat'),
      'q17.language': choose('ru'),
    },
    stored: { q17: { agreed: 'yes', name: 'Ivan', viaChat: true, language: 'ru' } },
  },
  {
    name: 'q1 "other" keeps the specification',
    answers: { q1: choose('other'), 'q1.other': text('Library school') },
    stored: { q1: { option: 'other', other: 'Library school' } },
  },
  {
    name: 'q1 offers "special library"',
    answers: { q1: choose('special') },
    stored: { q1: { option: 'special' } },
  },
  {
    name: 'q1 "other" with its text declined stays "other", marked declined',
    answers: { q1: choose('other'), 'q1.other': choose('other_declined') },
    stored: { q1: { option: 'other', otherDeclined: true } },
  },
  {
    name: 'q6 "other" with its text declined keeps every pick',
    answers: { q6: choices('libraries', 'other'), 'q6.other': choose('other_declined'), q7: text('1,2') },
    stored: { q6: { options: ['libraries', 'other'], otherDeclined: true } },
  },
  {
    name: 'q5a "there is no separate advocacy budget line"',
    answers: { q5: choose('yes'), q5a: choose('no_budget_line') },
    stored: { q5a: { noBudgetLine: true } },
  },
  {
    name: 'q5a is read back, and "change" asks for the amount again',
    answers: {
      q5: choose('yes'),
      q5a: text('1.500.000 EUR'),
      'q5a.confirm': [choose('change'), text('2 000 000 EUR'), choose('yes')],
    },
    stored: { q5a: { amount: 2_000_000, currency: 'EUR' } },
  },
  {
    name: 'q5a "dollars" asks which dollar',
    answers: { q5: choose('yes'), q5a: text('300 dollars'), 'q5a.currency': choose('AUD') },
    stored: { q5a: { amount: 300, currency: 'AUD' } },
  },
  {
    name: 'q3 is stored with its UN M49 region and sub-region',
    answers: { q3: text('Россия') },
    stored: { q3: { code: 'RU', region: '150', subregion: '151' } },
  },
  {
    name: 'q3: Egypt is in Northern Africa',
    answers: { q3: text('مصر') },
    stored: { q3: { code: 'EG', region: '002', subregion: '015' } },
  },
];

for (const c of cases) {
  test(`branch: ${c.name}`, () => {
    const { session, asked } = interview(c.answers);
    assert.equal(session.status, 'completed');
    for (const q of c.asked ?? []) assert.ok(asked.includes(q), `${q} should be asked: ${asked}`);
    for (const q of c.notAsked ?? []) assert.ok(!asked.includes(q), `${q} should not be asked: ${asked}`);
    for (const [q, v] of Object.entries(c.stored ?? {})) assert.deepEqual(answerOf(session, q), v, q);
    for (const q of c.absent ?? []) assert.equal(session.answers[q], undefined, `${q} should not be stored`);
    // Whatever the path, no stored answer belongs to a question whose condition is false.
    for (const question of flow.questions) {
      if (question.when && !evaluate(question.when, session.answers))
        assert.equal(session.answers[question.id], undefined);
    }
  });
}

test('q7 offers exactly the types chosen in q6', () => {
  const { prompts } = interview({ q6: choices('nonprofit', 'libraries', 'associations'), q7: text('1,2,3') });
  assert.deepEqual(
    prompts.get('q7')!.choices.map((c) => c.id),
    ['nonprofit', 'libraries', 'associations'],
  );
});

test('"none" cannot be combined with another choice', () => {
  const { steps } = play(
    [
      ...setup(),
      choose('public'),
      choose('no'),
      text('Chile'),
      choose('up_to_4999'),
      choose('no'),
      choices('none', 'libraries'),
    ],
    {
      allowRefusals: true,
    },
  );
  assert.equal(steps.at(-1)!.refusal?.code, 'exclusive');
  assert.equal(steps.at(-1)!.session.current, 'q6');
});

test('toggling "none" clears the other choices, and another choice clears "none"', () => {
  const at = play([
    ...setup(),
    choose('public'),
    choose('no'),
    text('Chile'),
    choose('up_to_4999'),
    choose('no'),
  ]);
  let step = next(flow, at.session, choose('libraries'), 1);
  step = next(flow, step.session, choose('none'), 2);
  assert.deepEqual(step.session.draft?.selected, ['none']);
  step = next(flow, step.session, choose('business'), 3);
  assert.deepEqual(step.session.draft?.selected, ['business']);
  const done = next(flow, step.session, { type: 'done' }, 4);
  assert.deepEqual(answerOf(done.session, 'q6'), { options: ['business'] });
});

test('Done with nothing chosen is refused', () => {
  const at = play([
    ...setup(),
    choose('public'),
    choose('no'),
    text('Chile'),
    choose('up_to_4999'),
    choose('no'),
  ]);
  const step = next(flow, at.session, { type: 'done' }, 1);
  assert.equal(step.refusal?.code, 'nothing_selected');
  assert.equal(step.session, at.session);
});

test('back, then a changed answer re-evaluates the branches after it', () => {
  const changed = play([
    ...setup(),
    choose('public'),
    choose('yes'),
    choose('member'),
    back,
    back,
    choose('no'),
  ]);
  assert.equal(changed.session.current, 'q3');
  assert.equal(changed.session.answers.q2a, undefined, 'q2a no longer applies');
});

test('back keeps later answers and returns to the first unanswered question', () => {
  const at = play([
    ...setup(),
    choose('public'),
    choose('no'),
    text('Chile'),
    choose('up_to_4999'),
    back,
    back,
    back,
    back,
    choose('academic'),
  ]);
  // q2 to q4 are kept; the respondent is back where they left off.
  assert.equal(at.session.current, 'q5');
  assert.deepEqual(answerOf(at.session, 'q4'), { option: 'up_to_4999' });
  assert.deepEqual(answerOf(at.session, 'q1'), { option: 'academic' });
  assert.deepEqual(answerOf(at.session, 'q3'), { code: 'CL', region: '019', subregion: '419' });
});

test('changing q6 after ranking q7 asks q7 again over the new types', () => {
  const at = play([
    ...setup(),
    choose('public'),
    choose('no'),
    text('Chile'),
    choose('up_to_4999'),
    choose('no'),
    choices('libraries', 'business'),
    text('1,2'),
    back,
    back,
    choices('libraries', 'nonprofit', 'government'),
  ]);
  assert.equal(at.session.current, 'q7');
  assert.equal(at.prompt.kind === 'question' && at.prompt.choices.length, 3);
});

test('switching language mid-way keeps every answer', () => {
  const before = play([...setup('en'), choose('public'), choose('no')]);
  const after = next(flow, before.session, { type: 'language', locale: 'ar' }, 5000);
  assert.equal(after.session.locale, 'ar');
  assert.deepEqual(after.session.answers, before.session.answers);
  assert.equal(after.session.current, before.session.current);
  assert.equal(after.prompt.kind === 'question' && after.prompt.locale, 'ar');
});

test('not consenting ends the conversation and keeps nothing', () => {
  const { session, events } = play([choose('fr'), choose('no')]);
  assert.equal(session.status, 'withdrawn');
  assert.deepEqual(session.answers, {});
  assert.ok(events.some((e) => e.type === 'withdrawn'));
});

test('progress counts only the questions that apply', () => {
  const nonMember = interview({ q2: choose('no'), q6: choices('none'), q5: choose('no') });
  const member = interview({ q2: choose('yes'), q6: choices('libraries', 'government'), q5: choose('yes') });
  const lastNon = nonMember.prompts.get('q17')!.progress!;
  const lastMember = member.prompts.get('q17')!.progress!;
  assert.equal(lastNon.position, lastNon.total);
  assert.equal(lastMember.position, lastMember.total);
  assert.equal(lastNon.total, 14);
  assert.equal(lastMember.total, 22);
});

test('the platform language is pre-selected, and an unknown one falls back to English', () => {
  const ru = play([], { locale: 'ru' });
  assert.equal(ru.prompt.kind === 'question' && ru.prompt.choices.find((c) => c.selected)?.id, 'ru');
  const pt = play([], { locale: 'pt-BR' });
  assert.equal(pt.session.locale, 'en');
});

test('back inside a question of several steps returns to its first step', () => {
  const at = play([...setup(), choose('other')]);
  assert.equal(at.session.step, 'other');
  const step = next(flow, at.session, back, 99);
  assert.equal(step.session.current, 'q1');
  assert.equal(step.session.step, '');
  assert.equal(step.prompt.kind === 'question' && step.prompt.choices.length, 7);
});

// Defect 3 of issue 11: a changed branch removed q2a's answer but kept the time spent on it.
const durationCases: { name: string; inputs: Parameters<typeof play>[0]; gone: string[]; kept: string[] }[] =
  [
    {
      name: 'q2 yes → no drops q2a',
      inputs: [...setup(), choose('public'), choose('yes'), choose('member'), back, back, choose('no')],
      gone: ['q2a'],
      kept: ['q1', 'q2'],
    },
    {
      name: 'q2 yes → no drops q2a, even when q2a was only looked at',
      inputs: [...setup(), choose('public'), choose('yes'), back, choose('no')],
      gone: ['q2a'],
      kept: ['q2'],
    },
    {
      name: 'q5 yes → no drops q5a',
      inputs: [
        ...setup(),
        choose('public'),
        choose('no'),
        text('Chile'),
        choose('up_to_4999'),
        choose('yes'),
        text('100 EUR'),
        choose('yes'),
        back,
        back,
        choose('no'),
      ],
      gone: ['q5a'],
      kept: ['q5'],
    },
  ];

for (const c of durationCases) {
  test(`durations keep no entry for a question whose answer was removed: ${c.name}`, () => {
    const at = play(c.inputs);
    for (const q of c.gone) {
      assert.equal(at.session.answers[q], undefined, `${q} answer`);
      assert.equal(at.session.durations[q], undefined, `${q} duration`);
    }
    for (const q of c.kept) assert.ok((at.session.durations[q] ?? 0) > 0, `${q} keeps its time`);
  });
}

test('a completed interview has a duration only for questions that apply', () => {
  const { session } = interview({ q2: choose('no'), q6: choices('none') });
  for (const id of Object.keys(session.durations)) assert.ok(id in session.answers, id);
});

test('q11 is worded without partners when q6 names none, with partners otherwise', () => {
  const none = interview({ q6: choices('none') }).prompts.get('q11')!;
  const declined = interview({ q6: decline }).prompts.get('q11')!;
  const partners = interview({ q6: choices('libraries') }).prompts.get('q11')!;
  assert.equal(none.text.key, 'advocacy:q11.text_alone');
  assert.equal(declined.text.key, 'advocacy:q11.text_alone');
  assert.equal(partners.text.key, 'advocacy:q11.text');
});

test('nothing is stored for q5a before the amount read back is confirmed', () => {
  const at = play([
    ...setup(),
    choose('public'),
    choose('no'),
    text('Chile'),
    choose('up_to_4999'),
    choose('yes'),
  ]);
  const read = next(flow, at.session, text('15 000 EGP'), 1e6);
  assert.equal(read.session.step, 'confirm');
  assert.equal(read.session.answers.q5a, undefined);
  assert.deepEqual(read.session.draft, { amount: 15000, currency: 'EGP' });
  const shown = read.prompt.kind === 'question' ? translator.translatorFor('en')(read.prompt.text) : '';
  assert.equal(shown, '15,000 EGP (Egyptian Pound): is that right?');
  assert.deepEqual(read.prompt.kind === 'question' && read.prompt.choices.map((c) => c.id), [
    'yes',
    'change',
  ]);
  const confirmed = next(flow, read.session, choose('yes'), 1e6 + 1);
  assert.deepEqual(answerOf(confirmed.session, 'q5a'), { amount: 15000, currency: 'EGP' });
});

test('conditions read a country stored with its region, and the bare code of version 1', () => {
  const stored = {
    q3: { status: 'answered' as const, value: { code: 'RU', region: '150', subregion: '151' } },
  };
  const old = { q3: { status: 'answered' as const, value: 'RU' } };
  for (const answers of [stored, old]) assert.ok(evaluate({ q: 'q3', equals: 'RU' }, answers));
  assert.ok(evaluate({ q: 'q3', equals: '150' }, stored));
  assert.ok(evaluate({ q: 'q3', equals: '151' }, stored));
  assert.ok(!evaluate({ q: 'q3', equals: 'EG' }, stored));
  assert.ok(!evaluate({ q: 'q3', equals: '002' }, stored));
});
