import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { evaluate } from '../../src/engine/condition.ts';
import type { Answer } from '../../src/engine/session.ts';
import { rankingItems } from '../../src/engine/questions/ranking.ts';
import { flow } from '../support/flow.ts';
import { runTranscript } from '../support/terminal.ts';

const README = readFileSync(join(import.meta.dirname, '..', '..', 'README.md'), 'utf8');

/** The interviews the README scripts: `printf '...' | npm start`. */
const scripted = [...README.matchAll(/printf '([^']*)' \| npm start/g)].map((m) =>
  m[1]!.replace(/\\n$/, '').split('\\n'),
);

/** The questions that apply to these answers: no condition, or a condition that holds; a ranking of chosen items only when items were chosen. */
function applying(answers: Record<string, Answer>): string[] {
  return flow.questions
    .filter((q) => !q.when || evaluate(q.when, answers))
    .filter(
      (q) =>
        q.type !== 'ranking' ||
        !q.itemsFrom ||
        rankingItems({ flow, question: q, session: { answers } as never }).length > 0,
    )
    .map((q) => q.id);
}

test('the README scripts at least one interview', () => {
  assert.ok(scripted.length >= 1);
});

for (const [i, lines] of scripted.entries()) {
  test(`the README's scripted interview ${i + 1} completes and stores exactly the questions that apply`, async () => {
    const { output, responseId } = await runTranscript(lines);
    assert.ok(responseId, output.slice(-2000));
    const stored = JSON.parse(output.slice(output.indexOf('{\n'))) as { answers: Record<string, Answer> };
    assert.deepEqual(Object.keys(stored.answers), applying(stored.answers));
    for (const answer of Object.values(stored.answers))
      assert.ok(answer.status === 'answered' || answer.status === 'declined');
  });
}
