import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { REST } from 'discord.js';
import { createApp } from '../../src/app.ts';
import { campaignCli } from '../../src/campaigns/cli.ts';
import { roleInvitationKey, sendRoleInvitations } from '../../src/campaigns/role-invitations.ts';
import { parseConfig } from '../../src/config.ts';
import { silentLogger } from '../../src/log.ts';
import { FileCampaignStore } from '../../src/store/file-campaign-store.ts';
import { FileSendLog } from '../../src/store/file-send-log.ts';
import { campaign } from '../store/campaign-stores.contract.ts';
import { DiscordStandIn, snowflake } from '../support/discord-api.ts';
import { embeddedStores, startHarness } from '../support/discord-harness.ts';
import { choose, playOnDiscord } from '../support/discord-script.ts';
import { translator } from '../support/flow.ts';

/** `/survey start code:<token>` under the command names of the language. */
function commandIn(lng: string, token: string): string {
  const name = (key: string) => translator.translatorFor(lng)({ key: `discord:commands.${key}.name` });
  return `/${name('survey')} ${name('start')} ${name('code')}:${token}`;
}

test('Discord role invitations: the members of a role (over two pages of the member list) get one DM each with the "take the survey" button and the campaign token, paced through a 429 by discord.js; DMs refused (50007) recorded and skipped; those who stopped or started, bots and other roles left out; a second run invites nobody twice; the button starts the survey with the token', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'role-invite-'));
  const more = { campaigns: new FileCampaignStore(dir), sends: new FileSendLog(dir) };
  t.after(async () => {
    for (const store of Object.values(more)) await store.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const stores = { ...embeddedStores(t), campaigns: more.campaigns };
  const h = await startHarness(t, { stores });
  const c = campaign({ id: 'discord-roles', status: 'open', opensAt: new Date(0), languages: ['fr', 'en'] });
  await more.campaigns.create(c);
  const TOKEN = 'ROLE-LINK-0123456789abcd';
  await stores.invitations.create({
    token: TOKEN,
    campaign: c.id,
    flowId: 'advocacy',
    maxUses: null,
    uses: 0,
    revoked: false,
    createdAt: new Date(),
  });

  const guild = h.api.addGuild();
  const librarians = snowflake();
  const other = snowflake();
  const invitees = [0, 1, 2].map(() => h.respondent({ locale: 'fr' }));
  const closed = h.respondent();
  h.api.users.get(closed.user.id)!.dmsClosed = true;
  const stopped = h.respondent();
  await stopped.survey('stop');
  const started = h.respondent();
  await started.survey('start');
  await playOnDiscord(started, [['language', choose('en')]]);
  for (const r of [...invitees, closed, stopped, started])
    h.api.addMember(guild, r.user, [librarians, other]);
  h.api.addMember(guild, h.api.bot, [librarians]);
  // A thousand others, without the role: the list takes two pages.
  for (let i = 0; i < 1000; i++) h.api.addMember(guild, h.api.addUser(), [other]);
  // Discord asks to wait once: discord.js waits, then sends.
  h.api.rateLimit('POST', /^\/channels\/\d+\/messages$/, 1, 1);

  const rest = new REST({ version: '10', api: h.api.apiRoot }).setToken(h.api.token);
  const deps = {
    ...stores,
    sends: more.sends,
    translator,
    rest,
    respondentOf: (channel: string, user: string) => h.service.respondentOf(channel, user),
    log: silentLogger,
  };
  const invite = { campaign: c.id, guild, role: librarians, token: TOKEN, language: 'fr' };
  const summary = await sendRoleInvitations(deps, invite);
  assert.deepEqual(summary, { members: 6, sent: 3, dmsClosed: 1, failed: 0, skipped: 2 });
  const listed = h.api.requests.filter((r) => r.method === 'GET' && r.path === `/guilds/${guild}/members`);
  assert.equal(listed.length, 2, 'two pages');
  assert.ok(
    h.api.requests.some((r) => r.status === 429),
    'Discord asked to wait once',
  );

  const fr = translator.translatorFor('fr');
  const text = fr({
    key: 'campaigns:discord_invite.text',
    params: { organisation: c.consentOrganisation, campaign: c.name },
  });
  for (const r of invitees) {
    const dms = r.botMessages();
    assert.equal(dms.length, 1, 'one DM each');
    assert.ok(dms[0]!.content.startsWith(text), dms[0]!.content);
    assert.ok(dms[0]!.content.includes(commandIn('fr', TOKEN)), dms[0]!.content);
  }
  for (const r of [closed, stopped]) assert.equal(r.botMessages().length, 0);
  const refused = await more.sends.get(
    roleInvitationKey(c.id, h.service.respondentOf('discord', closed.user.id)),
  );
  assert.deepEqual(
    [refused?.status, refused?.detail, refused?.channel],
    ['refused', 'dms_closed', 'discord'],
  );
  const before = started.botMessages().length;

  // Again: nobody twice (the refused one is not tried again).
  const requests = h.api.requests.length;
  const again = await sendRoleInvitations(deps, invite);
  assert.deepEqual(again, { members: 6, sent: 0, dmsClosed: 0, failed: 0, skipped: 6 });
  assert.equal(
    h.api.requests.slice(requests).filter((r) => r.method === 'POST').length,
    0,
    'no DM opened or sent',
  );
  assert.equal(started.botMessages().length, before);
  for (const r of invitees) assert.equal(r.botMessages().length, 1);

  // The button starts the survey with the campaign's token.
  const first = invitees[0]!;
  await first.press(fr({ key: 'discord:take.button' }), first.botMessages()[0]!);
  const session = await h.service.current('discord', first.user.id);
  assert.equal(session?.meta.invitation, TOKEN);
  assert.equal((await stores.invitations.get(TOKEN))?.uses, 1);
});

test('npm run campaign -- invite-role: an open link of the campaign, then the DMs, against the Discord stand-in', async (t) => {
  const api = await DiscordStandIn.start();
  const dir = mkdtempSync(join(tmpdir(), 'role-invite-cli-'));
  const guild = api.addGuild();
  const role = snowflake();
  const member = api.addUser({ locale: 'es-ES' });
  api.addMember(guild, member, [role]);
  const app = await createApp(
    parseConfig({
      DATA_DIR: dir,
      DISCORD_TOKEN: api.token,
      DISCORD_API_ROOT: api.apiRoot,
      DISCORD_GUILD_ID: guild,
      SWEEP_INTERVAL_MINUTES: '0',
    }),
    silentLogger,
  );
  t.after(async () => {
    await app.close();
    await api.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const run = async (...args: string[]) => {
    const lines: string[] = [];
    const code = await campaignCli(app, args, (line) => lines.push(line));
    return { code, lines };
  };
  assert.equal(
    (await run('create', 'es-2026', '--name', 'España', '--organisation', 'FESABID', '--language', 'es'))
      .code,
    0,
  );
  assert.equal((await run('status', 'es-2026', 'open')).code, 0);
  assert.deepEqual(await run('invite-role', 'es-2026', role), {
    code: 0,
    lines: [
      '1 member(s) with the role: 1 invited, 0 refuse DMs, 0 failed, 0 skipped (invited before, or known to the bot)',
    ],
  });
  const [token] = (await app.stores.invitations.list()).filter((i) => i.campaign === 'es-2026');
  const dm = [...api.channels.values()].find((ch) => ch.type === 1 && ch.recipient === member.id)!;
  assert.equal(dm.messages.length, 1);
  assert.ok(dm.messages[0]!.content.includes(commandIn('es', token!.token)), dm.messages[0]!.content);
  assert.equal((await run('invite-role', 'es-2026', 'not-a-role')).code, 2);
  assert.equal((await run('invite-role', 'nope', role)).lines[0], 'refused: not_found');
});
