import assert from 'node:assert/strict';
import { test } from 'node:test';
import { importInvitees } from '../../src/campaigns/invitees.ts';
import { reminderKey } from '../../src/campaigns/reminders.ts';
import { pseudonym } from '../../src/log.ts';
import { campaign } from '../store/campaign-stores.contract.ts';
import { SALT, startHarness } from '../telegram/harness.ts';
import { Respondent } from '../telegram/respondent.ts';

test('erasing a respondent erases the invitee their token made them and the reminders sent to them; other invitees stay', async (t) => {
  const h = await startHarness(t);
  if (!h) return;
  const c = campaign({ status: 'open', opensAt: new Date(0) });
  await h.stores.campaigns.create(c);
  await importInvitees(
    h.stores,
    c,
    'm-1',
    Buffer.from('email\nzara@example.org\nyuri@example.org\n'),
    new Date(),
  );
  const zara = (await h.stores.invitees.get(c.id, 'zara@example.org'))!;
  const r = new Respondent(h.api, 6601, 'en');
  await r.send(`/start ${zara.token}`);
  const respondent = pseudonym(SALT, 'telegram', '6601');
  assert.equal((await h.stores.invitees.byToken(zara.token))?.respondent, respondent);
  const key = reminderKey(c.id, respondent, 1);
  await h.stores.sends.begin({
    key,
    campaign: c.id,
    kind: 'reminder',
    channel: 'telegram',
    respondent,
    startedAt: new Date(),
  });

  await h.service.erase('telegram', '6601');
  assert.equal(await h.stores.invitees.byToken(zara.token), null);
  assert.equal(await h.stores.sends.get(key), null);
  assert.ok(await h.stores.invitees.get(c.id, 'yuri@example.org'));
});
