import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { FLOWS_DIR, FLOW_LOCALES_DIR } from '../../src/flows/load.ts';

const ROOT = join(import.meta.dirname, '..', '..');
const FIXTURES = join(ROOT, 'test', 'fixtures', 'xlsforms');

function run(
  args: string[],
  env: Record<string, string> = {},
  input = '',
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', ...args], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c) => (stdout += c));
    child.stderr.on('data', (c) => (stderr += c));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(input);
  });
}

/** Removes what an import wrote into the project's flows/ folder. */
function removeFlow(id: string): void {
  rmSync(join(FLOWS_DIR, `${id}.yaml`), { force: true });
  if (!existsSync(FLOW_LOCALES_DIR)) return;
  for (const lng of readdirSync(FLOW_LOCALES_DIR))
    rmSync(join(FLOW_LOCALES_DIR, lng, `${id}.json`), { force: true });
  for (const lng of readdirSync(FLOW_LOCALES_DIR)) {
    if (readdirSync(join(FLOW_LOCALES_DIR, lng)).length === 0)
      rmSync(join(FLOW_LOCALES_DIR, lng), { recursive: true });
  }
  if (readdirSync(FLOW_LOCALES_DIR).length === 0) rmSync(FLOW_LOCALES_DIR, { recursive: true });
}

test('npm run import-form writes a flow that runs in the terminal with FLOW=<form_id>', async (t) => {
  const id = 'pyxform_text_and_integer';
  assert.equal(existsSync(join(FLOWS_DIR, `${id}.yaml`)), false, 'a flow of this id exists already');
  t.after(() => removeFlow(id));
  const imported = await run(['src/cli.ts', 'import-form', join(FIXTURES, `${id}.csv`)]);
  assert.equal(imported.code, 0, imported.stdout + imported.stderr);
  assert.match(
    imported.stdout,
    /imported as flow "pyxform_text_and_integer" version 1: 2 questions \(1 text, 1 integer\)/,
  );
  assert.match(
    imported.stdout,
    /wrote flows\/pyxform_text_and_integer\.yaml\nwrote flows\/locales\/en\/pyxform_text_and_integer\.json/,
  );

  const validated = await run(['src/cli.ts', 'validate']);
  assert.equal(validated.code, 0, validated.stdout);
  assert.match(
    validated.stdout,
    /pyxform_text_and_integer\.yaml: ok \(pyxform_text_and_integer v1, 2 questions, en\)/,
  );

  const data = mkdtempSync(join(tmpdir(), 'xlsform-cli-'));
  t.after(() => rmSync(data, { recursive: true, force: true }));
  const chat = await run(['src/main.ts'], { FLOW: id, DATA_DIR: data }, 'Ann\nforty\n40\n');
  assert.equal(chat.code, 0, chat.stderr);
  assert.match(chat.stdout, /What is your name\?/);
  assert.ok(chat.stdout.includes('Please type a whole number, for example 12.'));
  const response = JSON.parse(chat.stdout.slice(chat.stdout.indexOf('{\n')));
  assert.equal(response.flowId, id);
  assert.equal(response.status, 'complete');
  assert.deepEqual(response.answers, {
    your_name: { status: 'answered', value: 'Ann' },
    your_age: { status: 'answered', value: 40 },
  });
});

test('npm run import-form prints every refusal and writes nothing; export-form writes the workbook', async (t) => {
  const refused = await run(['src/cli.ts', 'import-form', join(FIXTURES, 'pyodk_simple_repeat.xlsx')]);
  assert.equal(refused.code, 1);
  assert.match(
    refused.stdout,
    /refused: pyodk_simple_repeat\.xlsx: survey, row 6, column type \(A\): repeats are not supported: a chat asks each question once\n1 problem\(s\): nothing written \(--skip-unsupported leaves unsupported questions out\)/,
  );
  assert.equal(existsSync(join(FLOWS_DIR, 'simple_repeat.yaml')), false);

  const dir = mkdtempSync(join(tmpdir(), 'xlsform-export-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const exported = await run(['src/cli.ts', 'export-form', 'advocacy', join(dir, 'advocacy.xlsx')]);
  assert.equal(exported.code, 0, exported.stderr);
  assert.ok(existsSync(join(dir, 'advocacy.xlsx')));
});
