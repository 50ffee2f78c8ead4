import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { sendReminders } from '../../src/campaigns/reminders.ts';
import { pseudonym, silentLogger } from '../../src/log.ts';
import { FileCampaignStore } from '../../src/store/file-campaign-store.ts';
import { FileInviteeStore } from '../../src/store/file-invitee-store.ts';
import { FileSendLog } from '../../src/store/file-send-log.ts';
import { campaign } from '../store/campaign-stores.contract.ts';
import { embeddedStores, startHarness } from '../support/discord-harness.ts';
import { choose, playOnDiscord } from '../support/discord-script.ts';
import { translator } from '../support/flow.ts';

const DAY = 86_400_000;
const T0 = Date.parse('2026-11-10T10:00:00Z');
const SALT = 'discord-test-salt-0123456789';

test('/survey stop on Discord: a translated answer in each of the five languages, recorded on the address; reminders skip them, reach the others, and skip someone who stopped before ever starting', async (t) => {
  let now = T0;
  const dir = mkdtempSync(join(tmpdir(), 'discord-stop-'));
  const more = {
    campaigns: new FileCampaignStore(dir),
    invitees: new FileInviteeStore(dir),
    sends: new FileSendLog(dir),
  };
  t.after(async () => {
    for (const store of Object.values(more)) await store.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const stores = { ...embeddedStores(t), campaigns: more.campaigns };
  const h = await startHarness(t, { stores, clock: () => now });
  const c = campaign({
    id: 'discord-2026',
    status: 'open',
    opensAt: new Date(0),
    reminders: { firstAfterDays: 2, minGapDays: 3, maxCount: 2 },
  });
  await more.campaigns.create(c);
  await stores.invitations.create({
    token: 'DISCORD-LINK-1',
    campaign: c.id,
    flowId: 'advocacy',
    maxUses: null,
    uses: 0,
    revoked: false,
    createdAt: new Date(T0),
  });

  // Five who stop, one per language, and one who goes on.
  const languages = ['en', 'ru', 'ar', 'es', 'fr'] as const;
  const stoppers = [];
  for (const lng of languages) {
    const r = h.respondent();
    await r.survey('start', { code: 'DISCORD-LINK-1' });
    await playOnDiscord(r, [
      ['language', choose(lng)],
      ['consent', choose('yes')],
    ]);
    const stopped = await r.survey('stop');
    const reply = stopped.interaction.original!;
    assert.equal(reply.content, translator.translatorFor(lng)({ key: 'discord:stop.done' }), lng);
    assert.equal(reply.flags! & 64, 64, 'only they see it');
    const address = await stores.addresses.get(pseudonym(SALT, 'discord', r.user.id), 'discord');
    assert.equal(address?.unreachable?.reason, 'stopped');
    stoppers.push(r);
  }
  const goesOn = h.respondent();
  await goesOn.survey('start', { code: 'DISCORD-LINK-1' });
  await playOnDiscord(goesOn, [
    ['language', choose('en')],
    ['consent', choose('yes')],
  ]);

  // Someone who never started stops too (say, before a role invitation): recorded, in their locale.
  const stranger = h.respondent({ locale: 'fr' });
  const said = await stranger.survey('stop');
  assert.equal(
    said.interaction.original!.content,
    translator.translatorFor('fr')({ key: 'discord:stop.done' }),
  );
  const theirs = await stores.addresses.get(pseudonym(SALT, 'discord', stranger.user.id), 'discord');
  assert.deepEqual([theirs?.chat, theirs?.unreachable?.reason], [stranger.user.id, 'stopped']);

  // Two days later the idle surveys are archived, and the reminder run reaches only the one who went on.
  now = T0 + 2 * DAY + 3600_000;
  await h.service.sweep();
  const before = stoppers.map((r) => r.dm.messages.length);
  const beforeOn = goesOn.dm.messages.length;
  const summary = await sendReminders(
    {
      ...stores,
      ...more,
      outbound: h.outbound,
      flowOf: (id) => h.service.flows.get(id),
      log: silentLogger,
      clock: () => now,
    },
    c.id,
  );
  assert.deepEqual(
    [summary.unfinished, summary.sent, summary.unreachable],
    [6, 1, 5],
    JSON.stringify(summary),
  );
  assert.deepEqual(
    stoppers.map((r) => r.dm.messages.length),
    before,
    'nobody who stopped got a message',
  );
  assert.equal(goesOn.dm.messages.length, beforeOn + 1);
  const intro = translator.translatorFor('en')({
    key: 'campaigns:reminder.intro',
    params: { organisation: c.consentOrganisation },
  });
  assert.ok(goesOn.lastText().startsWith(intro), goesOn.lastText());
});
