import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { parseConfig } from '../../src/config.ts';
import { openStores } from '../../src/store/open.ts';
import { startDashboardHarness } from '../dashboard/harness.ts';
import { captureLog } from '../support/logs.ts';

const ROOT = join(import.meta.dirname, '..', '..');

/** `npm run staff -- <args>` as an admin on the server would run it, over embedded stores. */
function staff(dataDir: string, args: string[], env: Record<string, string> = {}) {
  const run = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli.ts', 'staff', ...args], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', DATA_DIR: dataDir, ...env },
    encoding: 'utf8',
  });
  return { code: run.status, out: run.stdout, err: run.stderr };
}

test('npm run staff: add, invite, list, change a role and revoke, each audited; bad arguments exit 2', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'survey-staff-cli-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));

  const added = staff(dir, [
    'add',
    '--name',
    'Amina Y.',
    '--role',
    'coordinator',
    '--telegram',
    '1001',
    '--region',
    '015',
  ]);
  assert.equal(added.code, 0, added.err);
  const id = /^added (\w+) /.exec(added.out)?.[1];
  assert.ok(id, added.out);

  const invited = staff(dir, ['invite', 'interviewer', '--name', 'Boris']);
  assert.equal(invited.code, 0);
  assert.match(invited.out, /staff code for a new interviewer: [A-Za-z0-9_-]{22}\n/);

  assert.equal(staff(dir, ['role', id, 'admin']).code, 0);
  const listed = staff(dir, ['list'], { ADMIN_DISCORD_IDS: '900' });
  assert.equal(listed.code, 0);
  const lines = listed.out.trim().split('\n');
  assert.match(lines[0]!, /^env-\w+ {2}admin {2}active .*discord .*\(from the environment\)$/);
  assert.match(lines[1]!, new RegExp(`^${id}  admin  active  "Amina Y."  telegram  region 015$`));
  assert.equal(lines[2], '2 staff member(s)');
  // Accounts are personal data: the list names the platform, never the id.
  assert.ok(!listed.out.includes('1001') && !listed.out.includes('900'));

  assert.equal(staff(dir, ['remove', id]).code, 0);
  assert.match(staff(dir, ['list']).out, new RegExp(`${id}  admin  revoked`));

  for (const bad of [
    ['add', '--name', 'x'],
    ['add', '--name', 'x', '--role', 'god'],
    ['invite'],
    ['role', id, 'x'],
    ['remove', 'nobody'],
    ['frobnicate'],
    ['add', '--name', 'x', '--role', 'admin', '--telegram', '@amina'],
  ]) {
    const run = staff(dir, bad);
    assert.equal(run.code, 2, bad.join(' '));
    assert.match(run.out, /usage: npm run staff/);
  }
  const audit = readFileSync(join(dir, 'audit.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));
  assert.deepEqual(
    audit.map((e) => e.action),
    ['staff.add', 'staff.invite', 'staff.change', 'staff.revoke'],
  );
  assert.ok(audit.every((e) => e.actor === 'cli'));
});

test('npm run staff -- login-link: a link made in the shell signs the member in to a dashboard on the same data, once', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'survey-staff-link-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const added = staff(dir, ['add', '--name', 'Ada', '--role', 'admin']);
  const id = /^added (\w+) /.exec(added.out)?.[1];
  assert.ok(id, added.out);
  const stores = await openStores(parseConfig({ DATA_DIR: dir }), captureLog().log);
  t.after(() => stores.close());
  const h = await startDashboardHarness(t, { stores, config: parseConfig({ DATA_DIR: dir }) });

  const made = staff(dir, ['login-link', id], { DASHBOARD_URL: h.url });
  assert.equal(made.code, 0, made.err);
  const link = made.out.split('\n')[0]!;
  assert.ok(link.startsWith(`${h.url}/signin/`), made.out);
  const browser = h.anonymous();
  assert.equal((await browser.signInWith(link)).location, '/dashboard');
  assert.match((await browser.get('/dashboard')).text, /<bdi>Ada<\/bdi> · administrator/);
  assert.equal((await h.anonymous().signInWith(link)).status, 403, 'used once');
  for (const bad of [['login-link'], ['login-link', 'nobody']]) assert.equal(staff(dir, bad).code, 2);
});
