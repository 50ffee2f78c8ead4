import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { parseConfig } from '../../src/config.ts';
import { pseudonym } from '../../src/log.ts';
import { openStores } from '../../src/store/open.ts';
import { captureLog } from '../support/logs.ts';

const ROOT = join(import.meta.dirname, '..', '..');

function staff(dataDir: string, args: string[]) {
  const run = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli.ts', 'staff', ...args], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', DATA_DIR: dataDir },
    encoding: 'utf8',
  });
  return { code: run.status, out: run.stdout, err: run.stderr };
}

test('npm run staff -- erase: an admin erases a respondent on request, audited without naming them; someone unknown is said so', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'admin-erase-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const respondent = pseudonym('', 'telegram', '5550005555');
  const stores = await openStores(parseConfig({ DATA_DIR: dir }), captureLog().log);
  const at = new Date('2026-01-02T03:04:05Z');
  await stores.responses.save({
    id: 'resp-1',
    flowId: 'advocacy',
    flowVersion: 1,
    locale: 'en',
    channel: 'telegram',
    respondent,
    status: 'complete',
    answers: { q13: { status: 'answered', value: 'A very particular sentence' } },
    durations: {},
    startedAt: at,
    updatedAt: at,
    contactId: 'resp-1',
  });
  await stores.contacts.save({
    id: 'resp-1',
    flowId: 'advocacy',
    respondent,
    channel: 'telegram',
    name: 'Wanjiru Kamau',
    email: 'wanjiru@example.org',
    viaChat: false,
    language: 'en',
    createdAt: at,
  });
  await stores.addresses.put({
    respondent,
    channel: 'telegram',
    chat: '5550005555',
    locale: 'en',
    updatedAt: at,
  });
  await stores.close();

  const erased = staff(dir, ['erase', 'telegram', '5550005555']);
  assert.equal(erased.code, 0, erased.err);
  assert.equal(
    erased.out.trim(),
    'erased: session false, responses 1, contacts 1, addresses 1, codings 0, invitees 0, reminders 0, followups 0',
  );
  const files = readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((f) => f.isFile())
    .map((f) => readFileSync(join(f.parentPath, f.name), 'utf8'))
    .join('\n');
  for (const trace of [respondent, '5550005555', 'Wanjiru', 'particular sentence'])
    assert.ok(!files.includes(trace), `${trace} is gone from every file of DATA_DIR`);

  const again = staff(dir, ['erase', 'telegram', '5550005555']);
  assert.equal(again.code, 1);
  assert.match(again.out, /nothing is stored about that respondent/);
  const unknown = staff(dir, ['erase', '--response', 'no-such-response']);
  assert.equal(unknown.code, 1);
  assert.match(unknown.out, /no stored response has that id/);
  assert.equal(staff(dir, ['erase', 'fax', '1']).code, 2);

  const reopened = await openStores(parseConfig({ DATA_DIR: dir }), captureLog().log);
  t.after(() => reopened.close());
  const audit = (await reopened.audit.list({ limit: 10, action: 'respondent.erase' })).reverse();
  assert.deepEqual(
    audit.map((e) => [e.actor, e.outcome, e.details]),
    [
      [
        'cli',
        'ok',
        {
          session: false,
          responses: 1,
          contacts: 1,
          addresses: 1,
          codings: 0,
          invitees: 0,
          reminders: 0,
          followups: 0,
        },
      ],
      ['cli', 'ok', { nothing: true }],
      ['cli', 'refused', { reason: 'unknown_response' }],
    ],
  );
  assert.equal(audit[0]!.target, audit[1]!.target, 'the same respondent, recognisable with the keys');
  assert.match(audit[0]!.target!, /^respondent#[0-9a-f]{32}$/);
  assert.notEqual(audit[0]!.target, `respondent#${respondent}`);
});
