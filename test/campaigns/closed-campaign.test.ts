import assert from 'node:assert/strict';
import { test } from 'node:test';
import { translator } from '../support/flow.ts';
import type { ApiCall } from '../support/telegram-api.ts';
import { campaign } from '../store/campaign-stores.contract.ts';
import { startHarness } from '../telegram/harness.ts';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileCampaignStore } from '../../src/store/file-campaign-store.ts';
import { sessionKey } from '../../src/store/session-store.ts';
import { embeddedStores, startHarness as startDiscord } from '../support/discord-harness.ts';
import { Respondent } from '../telegram/respondent.ts';

const sent = (calls: ApiCall[]) =>
  calls.filter((c) => c.method === 'sendMessage').map((c) => String(c.body.text));

test('Telegram: a closed campaign’s link says the survey has closed, in the respondent’s language, and starts nothing', async (t) => {
  const h = await startHarness(t);
  if (!h) return;
  await h.stores.campaigns.create(campaign({ id: 'closed-one', status: 'closed' }));
  await h.stores.campaigns.create(campaign({ id: 'draft-one', status: 'draft' }));
  await h.stores.campaigns.create(campaign({ id: 'open-one', status: 'open', opensAt: new Date(0) }));
  for (const id of ['closed-one', 'draft-one', 'open-one'])
    await h.stores.invitations.create({
      token: `link-${id}`,
      campaign: id,
      maxUses: null,
      uses: 0,
      revoked: false,
      createdAt: new Date(),
    });
  let user = 9400;
  for (const lng of ['en', 'ru', 'ar', 'es', 'fr']) {
    const r = new Respondent(h.api, ++user, lng);
    const [reply] = sent(await r.send('/start link-closed-one'));
    const closed = translator.translatorFor(lng)({ key: 'telegram:invitation.closed' });
    assert.ok(reply!.startsWith(closed), `${lng}: ${reply}`);
    assert.equal(await h.service.current('telegram', String(user)), null, 'nothing started');
  }
  assert.equal((await h.stores.invitations.get('link-closed-one'))?.uses, 0, 'no use spent');

  const early = new Respondent(h.api, ++user, 'en');
  const [notOpen] = sent(await early.send('/start link-draft-one'));
  assert.ok(notOpen!.startsWith(translator.translatorFor('en')({ key: 'telegram:invitation.not_open' })));

  const invited = new Respondent(h.api, ++user, 'en');
  await invited.send('/start link-open-one');
  assert.equal((await h.service.current('telegram', String(user)))?.meta.invitation, 'link-open-one');

  // Closed while a respondent is under way: their survey goes on; only new starts are refused.
  const c = (await h.stores.campaigns.get('open-one'))!;
  await h.stores.campaigns.update({ ...c, status: 'closed' });
  await invited.send('/start link-open-one');
  assert.equal((await h.service.current('telegram', String(user)))?.meta.invitation, 'link-open-one');
  const late = new Respondent(h.api, ++user, 'fr');
  const [refused] = sent(await late.send('/start link-open-one'));
  assert.ok(refused!.startsWith(translator.translatorFor('fr')({ key: 'telegram:invitation.closed' })));
});

test('Discord: a closed campaign’s code says the survey has closed, in the user’s language, and starts nothing', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'discord-closed-'));
  const campaigns = new FileCampaignStore(dir);
  t.after(async () => {
    await campaigns.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const h = await startDiscord(t, { stores: { ...embeddedStores(t), campaigns } });
  await campaigns.create(campaign({ id: 'closed-one', status: 'closed' }));
  await h.stores.invitations.create({
    token: 'CLOSED-CODE',
    campaign: 'closed-one',
    maxUses: null,
    uses: 0,
    revoked: false,
    createdAt: new Date(),
  });
  for (const locale of ['fr', 'es-ES', 'ru']) {
    const r = h.respondent({ locale });
    const refused = await r.survey('start', { code: 'CLOSED-CODE' });
    const lng = locale.slice(0, 2);
    const closed = translator.translatorFor(lng)({ key: 'discord:invitation.closed' });
    assert.ok(
      refused.interaction.original!.content.startsWith(closed),
      refused.interaction.original!.content,
    );
    assert.equal(await h.stores.sessions.get(sessionKey('discord', r.user.id)), null);
  }
  assert.equal((await h.stores.invitations.get('CLOSED-CODE'))?.uses, 0);
});
