import { collect } from '../../src/store/response-store.ts';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { FileResponseStore } from '../../src/store/file-response-store.ts';

const ROOT = join(import.meta.dirname, '..', '..');

/** Runs `npm start`'s entry point as a newcomer would, with piped input and no tokens or servers. */
function start(
  input: string,
  env: Record<string, string>,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
      stdio: ['pipe', 'pipe', 'pipe'],
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

test('a piped interview completes as a Russian-speaking non-member without partners', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'survey-piped-'));
  try {
    const input = readFileSync(join(ROOT, 'test/golden/ru-nonmember-no-partners.input'), 'utf8');
    const { code, stdout, stderr } = await start(input, { DATA_DIR: dir, LANG: 'ru_RU.UTF-8' });
    assert.equal(code, 0, stderr);
    assert.match(stderr, /the survey runs here in the terminal/);
    assert.match(stdout, /Россия|Вопрос 1/);
    const json = stdout.slice(stdout.indexOf('{\n'));
    const response = JSON.parse(json);
    assert.equal(response.status, 'complete');
    assert.equal(response.flowId, 'advocacy');
    assert.equal(response.flowVersion, 2);
    assert.equal(response.locale, 'ru');
    assert.equal(response.channel, 'terminal');
    // Exactly the questions that apply to a non-member with no partners and no budget.
    assert.deepEqual(Object.keys(response.answers), [
      'language',
      'consent',
      'q1',
      'q2',
      'q3',
      'q4',
      'q5',
      'q6',
      'q11',
      'q11b',
      'q12',
      'q13',
      'q14',
      'q15',
      'q16',
      'q17',
    ]);
    assert.deepEqual(response.answers.q2, { status: 'answered', value: 'no' });
    assert.deepEqual(response.answers.q3, {
      status: 'answered',
      value: { code: 'RU', region: '150', subregion: '151' },
    });
    assert.deepEqual(response.answers.q11b, { status: 'answered', value: { option: 'none_created' } });
    // Left out of the typed ranking, then said to be not applicable.
    assert.deepEqual(response.answers.q14, {
      status: 'answered',
      value: { order: ['libraries', 'government'], na: ['business', 'nonprofit', 'associations', 'others'] },
    });
    assert.deepEqual(response.answers.q6, { status: 'answered', value: { options: ['none'] } });
    assert.deepEqual(response.answers.q15, { status: 'declined' });
    assert.deepEqual(response.answers.q17, { status: 'answered', value: { agreed: 'no' } });

    // The response is durable: a second run lists it from the data directory.
    const listed = await new Promise<string>((resolve, reject) => {
      const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli.ts', 'responses', '--json'], {
        cwd: ROOT,
        env: { PATH: process.env.PATH ?? '', DATA_DIR: dir },
      });
      let out = '';
      child.stdout.on('data', (c) => (out += c));
      child.on('error', reject);
      child.on('close', () => resolve(out));
    });
    assert.equal(JSON.parse(listed)[0].id, response.id);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('npm run responses shows typed answers without direction overrides; the store keeps them', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'survey-bidi-'));
  try {
    const store = new FileResponseStore(dir);
    const typed = 'Budget \u202Eevil\u202C and \u2067isolated\u2069';
    await store.save({
      id: 'bidi-1',
      flowId: 'advocacy',
      flowVersion: 1,
      locale: 'en',
      channel: 'telegram',
      respondent: 'p-1',
      status: 'complete',
      answers: { q8: { status: 'answered', value: typed } },
      durations: {},
      startedAt: new Date(0),
      updatedAt: new Date(0),
    });
    await store.close();
    const listed = await new Promise<string>((resolve, reject) => {
      const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli.ts', 'responses', '--json'], {
        cwd: ROOT,
        env: { PATH: process.env.PATH ?? '', DATA_DIR: dir },
      });
      let out = '';
      child.stdout.on('data', (c) => (out += c));
      child.on('error', reject);
      child.on('close', () => resolve(out));
    });
    assert.equal(JSON.parse(listed)[0].answers.q8.value, 'Budget evil and isolated');
    const kept = new FileResponseStore(dir);
    assert.deepEqual((await kept.get('bidi-1'))!.answers.q8, { status: 'answered', value: typed });
    await kept.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a second piped run by the same user is told the survey is complete, and nothing is stored twice', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'survey-twice-'));
  try {
    const input = readFileSync(join(ROOT, 'test/golden/en-member-with-partners.input'), 'utf8');
    const first = await start(input, { DATA_DIR: dir, LANG: 'en_US.UTF-8' });
    assert.equal(first.code, 0, first.stderr);
    const second = await start(input, { DATA_DIR: dir, LANG: 'en_US.UTF-8' });
    assert.equal(second.code, 0, second.stderr);
    assert.match(second.stdout, /You have already completed this survey\. Thank you!/);
    assert.doesNotMatch(second.stdout, /Please choose your language/);
    const from = second.stdout.indexOf('{\n');
    const shown = JSON.parse(second.stdout.slice(from, second.stdout.indexOf('\n}\n', from) + 2));
    assert.equal(shown.id, JSON.parse(first.stdout.slice(first.stdout.indexOf('{\n'))).id);
    const store = new FileResponseStore(dir);
    assert.equal((await collect(store.scan())).length, 1);
    await store.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
