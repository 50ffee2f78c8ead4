import assert from 'node:assert/strict';
import { test } from 'node:test';
import { COMMANDS } from '../../src/channels/telegram/commands.ts';
import { STAFF_COMMANDS, type StaffCommand } from '../../src/staff/permissions.ts';
import { translator } from '../support/flow.ts';
import type { ApiCall } from '../support/telegram-api.ts';
import { startHarness } from './harness.ts';
import { Respondent } from './respondent.ts';

const sent = (calls: ApiCall[]) =>
  calls.filter((c) => c.method === 'sendMessage').map((c) => String(c.body.text));
const tr = (lng: string) => translator.translatorFor(lng);
const restricted = (Object.keys(STAFF_COMMANDS) as StaffCommand[]).filter((c) => STAFF_COMMANDS[c] !== null);

test('every staff command from someone not on the staff gets the unknown-command answer, and changes nothing', async (t) => {
  const h = await startHarness(t, { admins: [7001] });
  if (!h) return;
  const stranger = new Respondent(h.api, 7002, 'ru');
  for (const command of restricted) {
    for (const arg of ['', ' admin', ' interviewer Mallory', ' <b>x</b>'.repeat(50)]) {
      assert.deepEqual(sent(await stranger.send(`/${command}${arg}`)), [
        tr('ru')({ key: 'telegram:invalid.unknown_command' }),
      ]);
    }
  }
  assert.deepEqual(sent(await stranger.send('/whoami')), [
    tr('ru')({ key: 'staff:whoami.respondent', params: { channel: 'telegram' } }),
  ]);
  assert.equal(await h.stores.staff.byPrincipal({ channel: 'telegram', user: '7002' }), null);
  assert.deepEqual(await h.stores.audit.list({ limit: 10 }), []);
  assert.equal(h.api.chatCommands.size, 1, "only the admin's chat has a menu of its own");
});

test('an admin makes a code in chat, a new interviewer joins with it once, and a revoked member loses access at once', async (t) => {
  const h = await startHarness(t, { admins: [7001] });
  if (!h) return;
  const admin = new Respondent(h.api, 7001, 'en');
  // The admin's own chat menu lists the staff commands after the survey's.
  assert.deepEqual(
    h.api.chatCommands.get(7001)?.map((c) => c.command),
    [...COMMANDS, ...restricted],
  );
  assert.deepEqual(sent(await admin.send('/staff_invite emperor')), [
    tr('en')({ key: 'staff:invite.usage' }),
  ]);
  const [made] = sent(await admin.send('/staff_invite interviewer Boris Petrov'));
  const code = /: ([A-Za-z0-9_-]{22})\n/.exec(made ?? '')?.[1];
  assert.ok(code, made);

  const boris = new Respondent(h.api, 7003, 'ru');
  assert.deepEqual(sent(await boris.send(`/staff ${code}`)), [
    tr('ru')({ key: 'staff:join.done', params: { name: 'Boris Petrov', role: 'interviewer' } }),
  ]);
  assert.match(sent(await boris.send('/whoami'))[0]!, /Boris Petrov, интервьюер/);
  // An interviewer's menu is the survey's, /dashboard and the interview commands: commands for
  // admins (/staff_invite, /reassign) stay hidden.
  assert.deepEqual(
    h.api.chatCommands.get(7003)?.map((c) => c.command),
    [...COMMANDS, 'dashboard', 'followups', 'claim', 'release', 'invite'],
  );
  assert.deepEqual(sent(await boris.send('/staff_invite admin')), [
    tr('ru')({ key: 'telegram:invalid.unknown_command' }),
  ]);

  const eve = new Respondent(h.api, 7004, 'en');
  assert.deepEqual(sent(await eve.send(`/staff ${code}`)), [tr('en')({ key: 'staff:join.used' })]);
  assert.deepEqual(sent(await eve.send('/staff 12345')), [tr('en')({ key: 'staff:join.malformed' })]);
  assert.equal(await h.directory.resolve({ channel: 'telegram', user: '7004' }), null);

  // A coordinator promoted by the CLI, then revoked: the next command is refused.
  const carol = new Respondent(h.api, 7005, 'fr');
  const member = await h.directory.add('cli', {
    name: 'Carol',
    role: 'admin',
    principals: [{ channel: 'telegram', user: '7005' }],
    locale: 'fr',
  });
  assert.match(sent(await carol.send('/staff_invite coordinator'))[0]!, /[A-Za-z0-9_-]{22}/);
  await h.directory.revoke('cli', member.id);
  assert.deepEqual(sent(await carol.send('/staff_invite coordinator')), [
    tr('fr')({ key: 'telegram:invalid.unknown_command' }),
  ]);
  assert.deepEqual(
    (await h.stores.audit.list({ limit: 20 })).map((e) => `${e.action}:${e.outcome}`).reverse(),
    [
      'staff.invite:ok',
      'staff.join:ok',
      'staff.join:refused',
      'staff.join:refused',
      'staff.add:ok',
      'staff.invite:ok',
      'staff.revoke:ok',
    ],
  );
});

test('/dashboard gives each role a one-time sign-in link in their language; a respondent gets the unknown-command answer', async (t) => {
  const h = await startHarness(t, { admins: [7001], dashboardUrl: 'https://survey.example.org/dashboard/' });
  if (!h) return;
  const member = await h.directory.add('cli', {
    name: 'Ivan',
    role: 'interviewer',
    principals: [{ channel: 'telegram', user: '7010' }],
    locale: 'ru',
  });
  const ivan = new Respondent(h.api, 7010, 'en');
  const [answer] = sent(await ivan.send('/dashboard'));
  const url = /(https:\/\/survey\.example\.org\/dashboard\/signin\/[\w-]{43})\n/.exec(answer ?? '')?.[1];
  assert.ok(url, answer);
  assert.equal(answer, tr('ru')({ key: 'staff:dashboard.link', params: { url, minutes: 10 } }));
  const [again] = sent(await ivan.send('/dashboard'));
  assert.notEqual(again, answer, 'each request makes a new link');
  // Each link made is audited, as made by the member who asked.
  assert.equal(
    (await h.stores.audit.list({ limit: 10, actor: member.id, action: 'dashboard.link' })).length,
    2,
  );
  const stranger = new Respondent(h.api, 7099, 'fr');
  assert.deepEqual(sent(await stranger.send('/dashboard')), [
    tr('fr')({ key: 'telegram:invalid.unknown_command' }),
  ]);
});
