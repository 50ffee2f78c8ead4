import assert from 'node:assert/strict';
import { test } from 'node:test';
import { translator } from '../support/flow.ts';
import type { ApiCall } from '../support/telegram-api.ts';
import { startHarness } from './harness.ts';
import { Respondent } from './respondent.ts';

const en = translator.translatorFor('en');
const sent = (calls: ApiCall[]) =>
  calls.filter((c) => c.method === 'sendMessage').map((c) => String(c.body.text));

test('Telegram: a turn that fails after reading a valid link spends no use; the next one spends one', async (t) => {
  const h = await startHarness(t);
  if (!h) return;
  await h.stores.invitations.create({
    token: 'one-seat',
    campaign: 'spring',
    maxUses: 1,
    uses: 0,
    revoked: false,
    createdAt: new Date(),
  });
  const r = new Respondent(h.api, 9301, 'en');
  const put = h.stores.sessions.put.bind(h.stores.sessions);
  h.stores.sessions.put = async () => {
    throw new Error('session store down');
  };
  assert.deepEqual(sent(await r.send('/start one-seat')), [en({ key: 'common:unavailable' })]);
  assert.equal((await h.stores.invitations.get('one-seat'))?.uses, 0, 'the failed turn spent no use');

  h.stores.sessions.put = put;
  await r.send('/start one-seat');
  assert.equal((await h.stores.invitations.get('one-seat'))?.uses, 1);
  assert.equal((await h.service.current('telegram', '9301'))?.meta.invitation, 'one-seat');
  await r.send('/start one-seat');
  assert.equal((await h.stores.invitations.get('one-seat'))?.uses, 1, 'resuming spends nothing');

  const other = new Respondent(h.api, 9302, 'en');
  const [refused] = sent(await other.send('/start one-seat'));
  assert.match(refused!, new RegExp(en({ key: 'telegram:invitation.used_up' }).replace('.', '\\.')));
  assert.equal(await h.service.current('telegram', '9302'), null);
});

test('Telegram: a use counted by someone else between the check and the count: the session goes again', async (t) => {
  const h = await startHarness(t);
  if (!h) return;
  await h.stores.invitations.create({
    token: 'last-seat',
    campaign: 'spring',
    maxUses: 1,
    uses: 0,
    revoked: false,
    createdAt: new Date(),
  });
  // Another respondent takes the last use just after this turn checked the link.
  const get = h.stores.invitations.get.bind(h.stores.invitations);
  h.stores.invitations.get = async (token) => {
    h.stores.invitations.get = get;
    const found = await get(token);
    await h.stores.invitations.redeem('last-seat', new Date());
    return found;
  };
  const r = new Respondent(h.api, 9303, 'en');
  const [refused] = sent(await r.send('/start last-seat'));
  assert.match(refused!, new RegExp(en({ key: 'telegram:invitation.used_up' }).replace('.', '\\.')));
  assert.equal(await h.service.current('telegram', '9303'), null, 'no session is left behind');
  assert.equal((await h.stores.invitations.get('last-seat'))?.uses, 1);
});
