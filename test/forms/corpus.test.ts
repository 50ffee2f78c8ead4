import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { after, test } from 'node:test';
import fc from 'fast-check';
import { parseLine } from '../../src/channels/terminal/parse.ts';
import { runTerminal } from '../../src/channels/terminal/run.ts';
import { ConversationService } from '../../src/conversation/service.ts';
import { evaluate } from '../../src/engine/condition.ts';
import { next, startSession } from '../../src/engine/engine.ts';
import type { Flow } from '../../src/engine/flow.ts';
import type { Input } from '../../src/engine/input.ts';
import type { Prompt } from '../../src/engine/prompt.ts';
import { filterOptions } from '../../src/engine/questions/handler.ts';
import type { Session } from '../../src/engine/session.ts';
import { loadFlow, loadResources, withFlowTexts } from '../../src/flows/load.ts';
import { importFormFile } from '../../src/forms/import-file.ts';
import { Translator } from '../../src/i18n/translator.ts';
import { FileContactStore, FileResponseStore } from '../../src/store/file-response-store.ts';
import { MemorySessionStore } from '../../src/store/memory-session-store.ts';
import { IMPORTED, REFUSED, REFUSED_WITH_SKIP } from './corpus-expected.ts';

const FIXTURES = join(import.meta.dirname, '..', 'fixtures', 'xlsforms');
const dir = mkdtempSync(join(tmpdir(), 'xlsform-corpus-'));
after(() => rmSync(dir, { recursive: true, force: true }));

test('the corpus holds at least 10 forms, each with an expected outcome', () => {
  const files = readdirSync(FIXTURES).filter((f) => f !== 'README.md');
  assert.ok(files.length >= 10);
  for (const f of files) {
    assert.ok(f in REFUSED || IMPORTED.some((i) => i.file === f && !i.skip), `${f} has no expected outcome`);
  }
});

for (const [file, expected] of Object.entries(REFUSED)) {
  test(`${file} is refused as it is, with every reason located, and nothing is written`, async () => {
    const flows = join(dir, `refused-${file}`);
    const report = await importFormFile(join(FIXTURES, file), { flowsDir: flows });
    assert.equal(report.ok, false);
    assert.deepEqual(report.problems, expected);
    assert.deepEqual(report.written, []);
    assert.throws(() => readdirSync(flows), /ENOENT/);
  });
}

for (const [file, expected] of Object.entries(REFUSED_WITH_SKIP)) {
  test(`${file} is refused even with --skip-unsupported`, async () => {
    const report = await importFormFile(join(FIXTURES, file), {
      flowsDir: join(dir, `refused-skip-${file}`),
      skipUnsupported: true,
    });
    assert.deepEqual(report.problems, expected);
  });
}

/** What a terminal user types: choice numbers, lists, words, numbers, dates, commands. */
const line = fc.oneof(
  { weight: 6, arbitrary: fc.integer({ min: 1, max: 12 }).map(String) },
  {
    weight: 2,
    arbitrary: fc
      .array(fc.integer({ min: 0, max: 9 }), { minLength: 1, maxLength: 5 })
      .map((l) => l.join(',')),
  },
  {
    weight: 3,
    arbitrary: fc.constantFrom(
      '-3',
      '0',
      '17',
      '18',
      '121',
      '2.5',
      '1 500',
      'abc',
      '2024-02-30',
      '2024-02-29',
      '15.03.2021',
      'a@b.org',
      '',
      '٣',
    ),
  },
  { weight: 2, arbitrary: fc.string({ maxLength: 30 }) },
  { weight: 1, arbitrary: fc.constantFrom('/back', '/skip', '/undo', '/lang fr', '/lang de') },
);

/** Typed answers tried, in order, to finish a question whatever its constraint. */
const CANDIDATES = [
  '1',
  'yes',
  'Ann Smith',
  'a@b.org',
  '25',
  '18',
  '0',
  '100',
  '2.5',
  '2024-03-15',
  '0123456789',
  'x'.repeat(30),
];

/** An answer the prompt takes, found by trying typed lines on the engine; decline when none fits. */
function finishing(flow: Flow, session: Session, prompt: Extract<Prompt, { kind: 'question' }>): Input {
  const numbers = prompt.choices.map((_, i) => String(i + 1));
  const tries = [
    ...(prompt.type === 'ranking' ? [numbers.join(',')] : []),
    ...numbers,
    ...(prompt.choices.length === 0 ? CANDIDATES : []),
  ];
  for (const text of tries) {
    const input: Input = { type: 'text', text };
    if (!next(flow, session, input, 0).refusal) return input;
  }
  assert.ok(prompt.declinable, `nothing finishes ${prompt.question} (${prompt.type}, step "${prompt.step}")`);
  return { type: 'decline' };
}

/** Every completed session holds exactly the questions that apply, each within its constraint and filter. */
function assertConsistent(flow: Flow, session: Session): void {
  assert.equal(session.status, 'completed');
  for (const q of flow.questions) {
    const answer = session.answers[q.id];
    if (q.when && !evaluate(q.when, session.answers)) {
      assert.equal(answer, undefined, `${q.id} is answered but its relevant is false`);
      continue;
    }
    if (answer === undefined) {
      // A choice question whose filter leaves nothing is skipped, as a form app shows no choices.
      const options = 'options' in q ? q.options : q.type === 'ranking' ? (q.items ?? []) : null;
      assert.ok(
        options && filterOptions(q as never, options, session).length === 0,
        `${q.id} applies but has no answer`,
      );
      continue;
    }
    if (q.required) assert.equal(answer.status, 'answered', `${q.id} is required`);
    if (answer.status !== 'answered') continue;
    if (q.constraint) assert.ok(evaluate(q.constraint, session.answers), `${q.id} breaks its constraint`);
    if ((q.type === 'single' || q.type === 'multi') && q.choiceFilter) {
      const shown = filterOptions(q, q.options, session);
      const value = answer.value as { option?: string; options?: string[] };
      for (const o of value.options ?? [value.option!])
        assert.ok(o === 'other' || shown.includes(o), `${q.id}: ${o} was filtered out`);
    }
  }
}

function play(flow: Flow, lines: string[]): Session {
  let { session, prompt } = startSession(flow, { id: 'p', locale: 'en', now: 0 });
  let now = 0;
  for (const typed of lines) {
    if (session.status !== 'active') break;
    const parsed = parseLine(typed);
    if ('command' in parsed) continue;
    const step = next(flow, session, parsed, (now += 1000));
    if (step.refusal) assert.equal(step.session, session, 'a refused line changes nothing');
    ({ session, prompt } = step);
  }
  for (let i = 0; i < 500 && session.status === 'active' && prompt.kind === 'question'; i++) {
    ({ session, prompt } = next(flow, session, finishing(flow, session, prompt), (now += 1000)));
  }
  return session;
}

for (const { file, skip, id } of IMPORTED) {
  test(`${file} imports${skip ? ' with --skip-unsupported' : ''}, and random respondents finish it within every relevant and constraint`, async () => {
    const flows = join(dir, `imported-${file}`);
    const report = await importFormFile(join(FIXTURES, file), { flowsDir: flows, skipUnsupported: skip });
    assert.deepEqual(report.problems, []);
    assert.equal(report.flowId, id);
    const resources = withFlowTexts(loadResources(), id, join(flows, 'locales'));
    const flow = loadFlow(id, resources, flows);
    fc.assert(
      fc.property(fc.array(line, { maxLength: 60 }), (lines) => assertConsistent(flow, play(flow, lines))),
      { numRuns: 80 },
    );
  });
}

test('an imported form runs in the terminal chat, and its response is stored complete', async (t) => {
  const { file, skip, id } = IMPORTED.find((i) => i.id === 'all_types')!;
  const flows = join(dir, `terminal-${file}`);
  await importFormFile(join(FIXTURES, file), { flowsDir: flows, skipUnsupported: skip });
  const resources = withFlowTexts(loadResources(), id, join(flows, 'locales'));
  const flow = loadFlow(id, resources, flows);
  // The lines a person would type to answer each question in turn.
  const lines: string[] = [];
  let { session, prompt } = startSession(flow, { id: 'p', locale: 'de', now: 0 });
  while (session.status === 'active' && prompt.kind === 'question') {
    const input = finishing(flow, session, prompt);
    lines.push(input.type === 'text' ? input.text : '/skip');
    ({ session, prompt } = next(flow, session, input, 0));
  }
  const data = mkdtempSync(join(tmpdir(), 'xlsform-terminal-'));
  t.after(() => rmSync(data, { recursive: true, force: true }));
  const responses = new FileResponseStore(data);
  const service = new ConversationService({
    flow,
    sessions: new MemorySessionStore(),
    responses,
    contacts: new FileContactStore(data),
    salt: 'corpus-salt-0123456789',
  });
  const output = new PassThrough();
  let printed = '';
  output.on('data', (c: Buffer) => (printed += c.toString('utf8')));
  try {
    const responseId = await runTerminal({
      service,
      translator: new Translator(resources, flow.languages),
      responses,
      input: Readable.from(lines.map((l) => l + '\n')),
      output,
      user: 'corpus',
      locale: 'de_DE.UTF-8',
      echo: true,
    });
    assert.ok(responseId, printed);
    const stored = await responses.get(responseId);
    assert.equal(stored?.status, 'complete');
    assert.equal(stored?.flowId, 'all_types');
    assert.deepEqual(Object.keys(stored!.answers), Object.keys(session.answers));
    // The form's German texts, with its group headings; the bot's own texts in English.
    assert.match(printed, /— Persönliche Angaben —\nWie heißen Sie \(Vor- und Nachname\)\?/);
    assert.match(printed, /Type your answer/);
  } finally {
    service.close();
    await responses.close();
  }
});
