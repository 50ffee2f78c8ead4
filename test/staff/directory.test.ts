import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { Router } from '../../src/router/router.ts';
import { StaffDirectory } from '../../src/staff/directory.ts';
import { STAFF_COMMANDS, type StaffCommand } from '../../src/staff/permissions.ts';
import { ROLES, type Principal } from '../../src/staff/staff.ts';
import { FileAuditLog } from '../../src/store/file-audit-log.ts';
import { FileStaffStore } from '../../src/store/file-staff-store.ts';

function setup(t: TestContext, envAdmins: Principal[] = []) {
  const dir = mkdtempSync(join(tmpdir(), 'survey-staff-'));
  const store = new FileStaffStore(dir);
  const audit = new FileAuditLog(dir);
  let now = Date.parse('2026-11-01T12:00:00Z');
  const directory = new StaffDirectory({ store, audit, envAdmins, clock: () => now });
  t.after(async () => {
    await store.close();
    await audit.close();
    rmSync(dir, { recursive: true, force: true });
  });
  return { directory, audit, router: new Router(directory), advance: (ms: number) => (now += ms) };
}

const tg = (user: string): Principal => ({ channel: 'telegram', user });
const sender = (principal: Principal) => ({ principal, locale: 'ru', displayName: 'Ольга' });

test('a code makes its holder staff once; the code is refused after use, after expiry and when malformed', async (t) => {
  const { directory, audit, advance } = setup(t);
  const code = await directory.invite('admin-1', 'interviewer', { name: 'Boris' });
  assert.match(code, /^[A-Za-z0-9_-]{22}$/);

  const joined = await directory.join(` ${code} `, tg('42'), 'Боря', 'ru');
  assert.ok(joined.ok);
  assert.equal(joined.member.role, 'interviewer');
  assert.equal(joined.member.name, 'Boris');
  assert.deepEqual(joined.member.principals, [tg('42')]);
  assert.deepEqual(await directory.resolve(tg('42')), joined.member);

  assert.deepEqual(await directory.join(code, tg('43'), 'x', 'en'), { ok: false, reason: 'used' });
  assert.deepEqual(await directory.join(code, tg('42'), 'x', 'en'), { ok: false, reason: 'already_staff' });
  assert.deepEqual(await directory.join('not a code', tg('44'), 'x', 'en'), {
    ok: false,
    reason: 'malformed',
  });
  assert.deepEqual(await directory.join('A'.repeat(22), tg('44'), 'x', 'en'), {
    ok: false,
    reason: 'unknown',
  });
  const late = await directory.invite('admin-1', 'coordinator');
  advance(7 * 86_400_000);
  assert.deepEqual(await directory.join(late, tg('44'), 'x', 'en'), { ok: false, reason: 'expired' });
  assert.equal(await directory.resolve(tg('44')), null);

  const entries = await audit.list({ limit: 100 });
  assert.deepEqual(entries.map((e) => `${e.action} ${e.outcome}`).reverse(), [
    'staff.invite ok',
    'staff.join ok',
    'staff.join refused',
    'staff.join refused',
    'staff.join refused',
    'staff.join refused',
    'staff.invite ok',
    'staff.join refused',
  ]);
  // The audit log names codes by nothing and accounts by nothing: only ids, roles and reasons.
  assert.ok(!JSON.stringify(entries).includes(code) && !JSON.stringify(entries).includes('"42"'));
});

test('a revoked member is nobody at the next lookup; admins from the environment are always admins', async (t) => {
  const { directory } = setup(t, [{ channel: 'discord', user: '900' }]);
  const member = await directory.add('cli', { name: 'Amina', role: 'coordinator', principals: [tg('7')] });
  assert.equal((await directory.resolve(tg('7')))?.role, 'coordinator');
  assert.equal(await directory.revoke('cli', member.id), true);
  assert.equal(await directory.resolve(tg('7')), null);
  assert.equal(await directory.revoke('cli', member.id), false);

  const env = await directory.resolve({ channel: 'discord', user: '900' });
  assert.equal(env?.role, 'admin');
  assert.equal(env?.fromEnvironment, true);
  assert.equal(await directory.resolve({ channel: 'telegram', user: '900' }), null);
  assert.deepEqual(
    (await directory.list()).map((m) => [m.role, m.status]),
    [
      ['admin', 'active'],
      ['coordinator', 'revoked'],
    ],
  );
  await assert.rejects(
    directory.add('cli', { name: 'x', role: 'admin', principals: [{ channel: 'discord', user: '900' }] }),
  );
});

test('the router: every staff command, for every role and for respondents, answered or refused as the table says', async (t) => {
  const { directory, router } = setup(t, [tg('1')]);
  const members = {
    coordinator: await directory.add('cli', { name: 'C', role: 'coordinator', principals: [tg('2')] }),
    interviewer: await directory.add('cli', { name: 'I', role: 'interviewer', principals: [tg('3')] }),
  };
  const revoked = await directory.add('cli', { name: 'R', role: 'admin', principals: [tg('4')] });
  await directory.revoke('cli', revoked.id);
  const who: Record<string, Principal> = {
    admin: tg('1'),
    coordinator: members.coordinator.principals[0]!,
    interviewer: members.interviewer.principals[0]!,
    revoked: tg('4'),
    respondent: tg('5'),
  };
  for (const [name, principal] of Object.entries(who)) {
    for (const command of Object.keys(STAFF_COMMANDS) as StaffCommand[]) {
      const allowed: readonly string[] | null = STAFF_COMMANDS[command];
      const route = await router.command(sender(principal), command, '');
      const expected = allowed === null || allowed.includes(name) ? 'staff' : 'unknown_command';
      assert.equal(route.to, expected, `${name} /${command}`);
    }
    assert.equal((await router.command(sender(principal), 'not_a_command', '')).to, 'unknown_command');
  }
  for (const role of ROLES)
    assert.ok(Object.values(STAFF_COMMANDS).some((r) => r === null || r.includes(role as never)));
});

test('an admin makes a code in chat; junk arguments get the usage line and change nothing', async (t) => {
  const { router, audit } = setup(t, [tg('1')]);
  const admin = sender(tg('1'));
  const junk = await router.command(admin, 'staff_invite', 'overlord <script>');
  assert.deepEqual(junk, { to: 'staff', reply: { texts: [{ key: 'staff:invite.usage' }], locale: 'en' } });
  assert.equal((await audit.list({ limit: 10 })).length, 0);

  const made = await router.command(admin, 'staff_invite', 'Interviewer Boris Petrov');
  assert.equal(made.to, 'staff');
  const text = made.to === 'staff' ? made.reply.texts[0]! : null;
  assert.equal(text?.key, 'staff:invite.done');
  const code = String(text?.params?.code);

  const joined = await router.command(sender(tg('8')), 'staff', code);
  assert.equal(joined.to === 'staff' && joined.reply.texts[0]!.key, 'staff:join.done');
  assert.equal(joined.to === 'staff' && joined.reply.changed?.name, 'Boris Petrov');
  const whoami = await router.command(sender(tg('8')), 'whoami', '');
  assert.deepEqual(whoami.to === 'staff' && whoami.reply.texts[0]!.params, {
    name: 'Boris Petrov',
    role: 'interviewer',
    scope: 'all',
  });
  const again = await router.command(sender(tg('9')), 'staff', code);
  assert.equal(again.to === 'staff' && again.reply.texts[0]!.key, 'staff:join.used');
  const nothing = await router.command(sender(tg('9')), 'staff', '');
  assert.equal(nothing.to === 'staff' && nothing.reply.texts[0]!.key, 'staff:join.usage');
});
