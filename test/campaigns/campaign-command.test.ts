import assert from 'node:assert/strict';
import { test } from 'node:test';
import { translator } from '../support/flow.ts';
import type { ApiCall } from '../support/telegram-api.ts';
import { campaign } from '../store/campaign-stores.contract.ts';
import { startHarness } from '../telegram/harness.ts';
import { Respondent } from '../telegram/respondent.ts';

const sent = (calls: ApiCall[]) =>
  calls.filter((c) => c.method === 'sendMessage').map((c) => String(c.body.text));

test('/campaign in Telegram: a coordinator sees their own campaigns and funnels, not another’s; an interviewer or a respondent gets the unknown-command answer', async (t) => {
  let now = Date.now();
  const h = await startHarness(t, { clock: () => now });
  if (!h) return;
  const tg = (user: string) => ({ channel: 'telegram' as const, user });
  const alice = await h.directory.add('cli', {
    name: 'Alice',
    role: 'coordinator',
    principals: [tg('6101')],
    locale: 'fr',
  });
  const bob = await h.directory.add('cli', { name: 'Bob', role: 'coordinator', principals: [tg('6102')] });
  await h.directory.add('cli', { name: 'Ivan', role: 'interviewer', principals: [tg('6103')] });
  await h.stores.campaigns.create(
    campaign({ id: 'alice-one', name: 'Maghreb', coordinators: [alice.id], status: 'open' }),
  );
  await h.stores.campaigns.create(campaign({ id: 'bob-one', name: 'Andes', coordinators: [bob.id] }));
  await h.stores.invitations.create({
    token: 'alice-open',
    campaign: 'alice-one',
    coordinator: alice.id,
    maxUses: null,
    uses: 0,
    revoked: false,
    createdAt: new Date(),
  });
  const fr = translator.translatorFor('fr');
  const en = translator.translatorFor('en');

  // A respondent starts with Alice's link and stops: archived two days later, one started.
  const r = new Respondent(h.api, 6200, 'en');
  await r.send('/start alice-open');
  await r.step({ choose: 'en' });
  await r.step({ choose: 'yes' });
  now += 3 * 86_400_000;
  assert.equal((await h.service.sweep()).archived, 1);

  const a = new Respondent(h.api, 6101, 'fr');
  const list = sent(await a.send('/campaign'));
  assert.deepEqual(list, [
    fr({
      key: 'campaigns:chat.line',
      params: {
        id: 'alice-one',
        name: 'Maghreb',
        status: { key: 'campaigns:chat.status_open' },
        invited: 0,
        delivered: 0,
        started: 1,
        completed: 0,
      },
    }),
  ]);
  const funnel = sent(await a.send('/campaign alice-one'));
  assert.equal(
    funnel[0],
    fr({
      key: 'campaigns:chat.funnel',
      params: {
        name: 'Maghreb',
        invited: 0,
        delivered: 0,
        started: 1,
        consented: 1,
        completed: 0,
        followUp: 0,
      },
    }),
  );
  assert.deepEqual(sent(await a.send('/campaign bob-one')), [
    fr({ key: 'campaigns:chat.not_found', params: { id: 'bob-one' } }),
  ]);
  assert.deepEqual(sent(await a.send('/campaign {"$ne":1}')), [
    fr({ key: 'campaigns:chat.not_found', params: { id: '{"$ne":1}' } }),
  ]);

  const b = new Respondent(h.api, 6102, 'en');
  assert.deepEqual(sent(await b.send('/campaign alice-one')), [
    en({ key: 'campaigns:chat.not_found', params: { id: 'alice-one' } }),
  ]);
  assert.match(sent(await b.send('/campaign'))[0]!, /^bob-one — Andes/);

  for (const who of [new Respondent(h.api, 6103, 'en'), r])
    assert.deepEqual(sent(await who.send('/campaign alice-one')), [
      en({ key: 'telegram:invalid.unknown_command' }),
    ]);
});
