import assert from 'node:assert/strict';
import { test } from 'node:test';
import { STAFF_COMMANDS, type StaffCommand } from '../../src/staff/permissions.ts';
import { startHarness, type Harness } from '../support/discord-harness.ts';
import { choose, playOnDiscord, questionOf } from '../support/discord-script.ts';
import type { DiscordRespondent } from '../support/discord-user.ts';
import { translator } from '../support/flow.ts';

const tr = (lng: string) => translator.translatorFor(lng);
const restricted = (Object.keys(STAFF_COMMANDS) as StaffCommand[]).filter((c) => STAFF_COMMANDS[c] !== null);
const unknown = (lng: string) => tr(lng)({ key: 'discord:unknown_command' });

/** What the bot said in the DM in answer to a typed line. */
async function said(r: DiscordRespondent, line: string): Promise<string[]> {
  const before = r.botMessages().length;
  await r.type(line);
  return r
    .botMessages()
    .slice(before)
    .map((m) => m.content);
}

/** `/staff <sub>` in a server channel: what the user alone was shown. */
async function slash(h: Harness, r: DiscordRespondent, sub: string, options: Record<string, string> = {}) {
  const opts = Object.entries(options).map(([name, value]) => ({ type: 3, name, value }));
  const outcome = await r.command(
    { name: 'staff', options: [{ type: 1, name: sub, options: opts }] },
    h.api.addGuildChannel(),
  );
  return outcome.notices;
}

test('every staff command from someone not on the staff, typed in the DM or as /staff in a server, gets the unknown-command answer and changes nothing', async (t) => {
  const h = await startHarness(t, {
    admins: ['100000000000000001'],
    dashboardUrl: 'https://s.example.org/dashboard',
  });
  const stranger = h.respondent({ locale: 'fr' });
  for (const command of restricted) {
    for (const arg of ['', ' admin', ' interviewer Mallory', ' <@everyone>'.repeat(40)])
      assert.deepEqual(await said(stranger, `/${command}${arg}`), [unknown('en')]);
  }
  assert.deepEqual(await slash(h, stranger, 'invite', { role: 'admin', name: 'Mallory' }), [unknown('fr')]);
  assert.deepEqual(await slash(h, stranger, 'dashboard'), [unknown('fr')]);
  // An unknown command is answered alike; so is a staff command's name with another case.
  assert.deepEqual(await said(stranger, '/Staff_Invite admin'), [unknown('en')]);
  assert.deepEqual(await said(stranger, '/nonsense'), [unknown('en')]);
  // /whoami is for everyone, in Discord's words.
  assert.deepEqual(await said(stranger, '/whoami'), [
    tr('en')({ key: 'staff:whoami.respondent_discord', params: { channel: 'discord' } }),
  ]);
  assert.deepEqual(await slash(h, stranger, 'whoami'), [
    tr('fr')({ key: 'staff:whoami.respondent_discord', params: { channel: 'discord' } }),
  ]);
  assert.equal((await h.directory.list()).length, 1, 'the admin of the environment alone');
  assert.equal(await h.directory.resolve({ channel: 'discord', user: stranger.user.id }), null);
  assert.equal(await h.service.current('discord', stranger.user.id), null, 'no survey started either');
});

test('a respondent mid-survey who types a command is answered, and their answer to the question is untouched', async (t) => {
  const h = await startHarness(t);
  const r = h.respondent();
  await r.survey('start');
  await playOnDiscord(r, [
    ['language', choose('ru')],
    ['consent', choose('yes')],
    ['q1', choose('public')],
  ]);
  const before = await h.service.current('discord', r.user.id);
  assert.deepEqual(await said(r, '/dashboard'), [unknown('ru')]);
  assert.deepEqual(await said(r, '/skip'), [unknown('ru')]);
  const after = await h.service.current('discord', r.user.id);
  assert.equal(after?.version, before?.version);
  assert.equal(questionOf(r.latestQuestion()), 'q2');
});

test('an admin makes a code, a new interviewer joins with it in the DM, each in their language; /dashboard gives a sign-in link; a revoked member loses access at the next update', async (t) => {
  const h = await startHarness(t, { dashboardUrl: 'https://survey.example.org/dashboard/' });
  const admin = h.respondent();
  await h.directory.add('cli', {
    name: 'Ada',
    role: 'admin',
    principals: [{ channel: 'discord', user: admin.user.id }],
    locale: 'en',
  });

  assert.deepEqual(await said(admin, '/staff_invite emperor'), [tr('en')({ key: 'staff:invite.usage' })]);
  const [made] = await said(admin, '/staff_invite interviewer Boris Petrov');
  const code = /([A-Za-z0-9_-]{22})\n/.exec(made ?? '')?.[1];
  assert.ok(code, made);
  // The same as /staff invite in a server, shown to the admin alone.
  const [inServer] = await slash(h, admin, 'invite', { role: 'coordinator', name: 'Amina' });
  assert.match(inServer ?? '', /[A-Za-z0-9_-]{22}/);

  // Boris is a respondent in Russian before he joins: the answer is in his survey's language.
  const boris = h.respondent({ locale: 'ru' });
  await boris.survey('start');
  await playOnDiscord(boris, [['language', choose('ru')]]);
  assert.deepEqual(await said(boris, `/staff ${code}`), [
    tr('ru')({ key: 'staff:join.done_discord', params: { name: 'Boris Petrov', role: 'interviewer' } }),
  ]);
  assert.match((await said(boris, '/whoami'))[0]!, /Boris Petrov, интервьюер/);
  assert.deepEqual(await said(boris, '/staff_invite admin'), [unknown('ru')]);

  const [link] = await said(boris, '/dashboard');
  const url = /(https:\/\/survey\.example\.org\/dashboard\/signin\/[\w-]{43})\n/.exec(link ?? '')?.[1];
  assert.ok(url, link);
  assert.equal(link, tr('ru')({ key: 'staff:dashboard.link', params: { url, minutes: 10 } }));
  // In a server, to him alone and in his language as staff, whatever his client's.
  boris.user.locale = 'fr';
  const [inPrivate] = await slash(h, boris, 'dashboard');
  const other = /(https:\/\/\S+\/signin\/[\w-]{43})\n/.exec(inPrivate ?? '')?.[1];
  assert.ok(other && other !== url, inPrivate);
  assert.equal(inPrivate, tr('ru')({ key: 'staff:dashboard.link', params: { url: other, minutes: 10 } }));

  const eve = h.respondent();
  assert.deepEqual(await said(eve, `/staff ${code}`), [tr('en')({ key: 'staff:join.used' })]);
  assert.deepEqual(await said(eve, '/staff 12345'), [tr('en')({ key: 'staff:join.malformed' })]);

  const member = await h.directory.add('cli', {
    name: 'Carol',
    role: 'admin',
    principals: [{ channel: 'discord', user: eve.user.id }],
    locale: 'fr',
  });
  assert.match((await said(eve, '/staff_invite coordinator'))[0]!, /[A-Za-z0-9_-]{22}/);
  await h.directory.revoke('cli', member.id);
  assert.deepEqual(await said(eve, '/staff_invite coordinator'), [unknown('en')]);
  assert.deepEqual(await slash(h, eve, 'dashboard'), [unknown('en')]);
});
