import assert from 'node:assert/strict';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { runTranscript } from './support/terminal.ts';

/**
 * Golden transcripts: whole interviews through the terminal chat, as typed lines
 * (`<name>.input`) and the exact output (`<name>.out`). Clock and ids are fixed.
 * Regenerate after a deliberate change with `UPDATE_GOLDEN=1 npm test`, and read the diff.
 */
const dir = join(import.meta.dirname, 'golden');
const update = process.env.UPDATE_GOLDEN === '1';

for (const file of readdirSync(dir)
  .filter((f) => f.endsWith('.input'))
  .sort()) {
  const name = file.slice(0, -'.input'.length);
  test(`golden transcript: ${name}`, async () => {
    const lines = readFileSync(join(dir, file), 'utf8').replace(/\n$/, '').split('\n');
    const { output, responseId } = await runTranscript(lines);
    const expectedPath = join(dir, `${name}.out`);
    if (update) writeFileSync(expectedPath, output);
    assert.equal(output, readFileSync(expectedPath, 'utf8'));
    assert.ok(responseId, 'the interview completes and is stored');
  });
}
