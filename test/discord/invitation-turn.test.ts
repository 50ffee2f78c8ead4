import assert from 'node:assert/strict';
import { test } from 'node:test';
import { sessionKey } from '../../src/store/session-store.ts';
import { startHarness } from '../support/discord-harness.ts';

test('Discord: a turn that fails after reading a valid code spends no use; the next one spends one', async (t) => {
  const h = await startHarness(t);
  await h.stores.invitations.create({
    token: 'ONE-SEAT',
    campaign: 'spring',
    maxUses: 1,
    uses: 0,
    revoked: false,
    createdAt: new Date(),
  });
  const r = h.respondent();
  const put = h.stores.sessions.put.bind(h.stores.sessions);
  h.stores.sessions.put = async () => {
    throw new Error('session store down');
  };
  const failed = await r.survey('start', { code: 'ONE-SEAT' });
  assert.match(failed.interaction.original!.content, /temporarily unavailable/);
  assert.equal((await h.stores.invitations.get('ONE-SEAT'))?.uses, 0, 'the failed turn spent no use');
  assert.equal(await h.stores.sessions.get(sessionKey('discord', r.user.id)), null);

  h.stores.sessions.put = put;
  await r.survey('start', { code: 'ONE-SEAT' });
  assert.match(r.lastText(), /Please choose your language/);
  assert.equal((await h.stores.invitations.get('ONE-SEAT'))?.uses, 1);
  // Resuming with it spends nothing more; someone else now finds it used up.
  await r.survey('start', { code: 'ONE-SEAT' });
  assert.equal((await h.stores.invitations.get('ONE-SEAT'))?.uses, 1);
  const other = h.respondent();
  const refused = await other.survey('start', { code: 'ONE-SEAT' });
  assert.match(refused.interaction.original!.content, /already been used/);
});
