import assert from 'node:assert/strict';
import { test } from 'node:test';
import nodemailer from 'nodemailer';
import { importInvitees } from '../../src/campaigns/invitees.ts';
import { sendInvitations } from '../../src/campaigns/invitation-send.ts';
import {
  mailReminderKey,
  sendMailReminders,
  type MailReminderDeps,
} from '../../src/campaigns/mail-reminders.ts';
import { silentLogger } from '../../src/log.ts';
import { translator } from '../support/flow.ts';
import { campaign } from '../store/campaign-stores.contract.ts';
import { startHarness } from '../telegram/harness.ts';
import { Respondent } from '../telegram/respondent.ts';
import { startSmtp } from './smtp.ts';

const DAY = 86_400_000;
const HOUR = 3_600_000;
/** 10:00 UTC: day in Europe and Egypt, night (23:00) in New Zealand. */
const T0 = Date.parse('2026-11-10T10:00:00Z');

const FILE = [
  'name,email,language,country',
  'Ann,ann@example.org,en,FR',
  'Boris,boris@example.org,ru,RU',
  'Camilia,camilia@example.org,ar,EG',
  'Diego,diego@example.org,es,ES',
  'Fanny,fanny@example.org,fr,FR',
  'Started,started@example.org,en,GB',
  'Gone,unsubscribed@example.org,en,GB',
  'Erased,erased@example.org,en,GB',
  'Kiri,kiri@example.org,en,NZ',
  'Refused,refuse-1@example.org,en,GB',
].join('\n');

test('e-mail reminders to invitees who have not started, through a real SMTP server: by the policy from their delivered invitation, by day in their country, in their language with the unsubscribe link and header; never to the started, the unsubscribed, the erased or the undelivered; never twice, even after a crash; never beyond the maximum; none once the campaign closed', async (t) => {
  let now = T0;
  const h = await startHarness(t, { clock: () => now });
  if (!h) return;
  const smtp = await startSmtp(t);
  const c = campaign({
    id: 'mail-remind-2026',
    status: 'open',
    opensAt: new Date(0),
    languages: ['en', 'ru', 'ar', 'es', 'fr'],
    reminders: { firstAfterDays: 2, minGapDays: 3, maxCount: 2 },
  });
  await h.stores.campaigns.create(c);
  const report = await importInvitees(h.stores, c, 'm-coord-1', Buffer.from(FILE), new Date(T0));
  assert.ok(!('problem' in report) && report.added === 10);
  const transport = nodemailer.createTransport({ url: smtp.url, pool: true });
  t.after(() => transport.close());
  const deps: MailReminderDeps = {
    ...h.stores,
    translator,
    transport,
    mail: {
      from: 'Survey <survey@ifla.example>',
      telegramBot: 'AdvocacySurveyBot',
      unsubscribeBase: 'https://survey.example/unsubscribe',
    },
    log: silentLogger,
    clock: () => now,
  };
  const invitations = await sendInvitations(deps, c.id);
  assert.deepEqual([invitations.sent, invitations.refused], [9, 1]);

  // One starts with their token, one unsubscribes, one is erased.
  const token = async (email: string) => (await h.stores.invitees.get(c.id, email))!.token;
  await new Respondent(h.api, 660001, 'en').send(`/start ${await token('started@example.org')}`);
  assert.ok(await h.stores.invitees.unsubscribe(await token('unsubscribed@example.org'), new Date(now)));
  assert.equal(await h.stores.invitees.deleteByEmail('erased@example.org'), 1);

  const reminders = () => smtp.received.filter((m) => /^<?remind\./.test(m.parsed.messageId ?? ''));
  const remindedTo = (since = 0) =>
    reminders()
      .slice(since)
      .map((m) => m.to[0]!)
      .sort();
  const europe = ['ann', 'boris', 'camilia', 'diego', 'fanny'].map((n) => `${n}@example.org`);

  // A day later: too soon.
  now = T0 + DAY;
  assert.equal((await sendMailReminders(deps, c.id)).sent, 0);

  // Two days and an hour later: the five who have not started and live where it is day.
  now = T0 + 2 * DAY + HOUR;
  const first = await sendMailReminders(deps, c.id);
  assert.deepEqual(first, { sent: 5, refused: 0, failed: 0, skipped: 3, notDue: 0, night: 1 });
  assert.deepEqual(remindedTo(), europe);
  for (const [email, lng] of [
    ['ann@example.org', 'en'],
    ['boris@example.org', 'ru'],
    ['camilia@example.org', 'ar'],
    ['diego@example.org', 'es'],
    ['fanny@example.org', 'fr'],
  ] as const) {
    const message = reminders().find((m) => m.to[0] === email)!;
    const tr = translator.translatorFor(lng, { isolate: false });
    const params = { organisation: c.consentOrganisation, campaign: c.name };
    assert.equal(message.parsed.subject, tr({ key: 'campaigns:mail.reminder_subject', params }));
    assert.ok(message.parsed.text!.includes(tr({ key: 'campaigns:mail.reminder_intro', params })));
    const mine = await token(email);
    assert.ok(message.parsed.text!.includes(`https://t.me/AdvocacySurveyBot?start=${mine}`));
    const unsubscribe = `https://survey.example/unsubscribe/${mine}`;
    assert.ok(message.parsed.text!.includes(unsubscribe));
    const header = message.parsed.headerLines.find((l) => l.key === 'list-unsubscribe')?.line;
    assert.equal(header?.replace(/\r?\n\s+/g, ' '), `List-Unsubscribe: <${unsubscribe}>`);
    const logged = await h.stores.sends.get(mailReminderKey(c.id, mine, 1));
    assert.deepEqual([logged?.status, logged?.kind, logged?.channel], ['sent', 'reminder', 'email']);
  }

  // At once again: nothing.
  assert.equal((await sendMailReminders(deps, c.id)).sent, 0);

  // 22:00 UTC: day in New Zealand, night in Europe.
  now = T0 + 2 * DAY + 12 * HOUR;
  let mark = reminders().length;
  const kiwi = await sendMailReminders(deps, c.id);
  assert.deepEqual([kiwi.sent, kiwi.night], [1, 0]);
  assert.deepEqual(remindedTo(mark), ['kiri@example.org']);

  // A crash had claimed Ann's second reminder before it left: it is not sent again.
  await h.stores.sends.begin({
    key: mailReminderKey(c.id, await token('ann@example.org'), 2),
    campaign: c.id,
    kind: 'reminder',
    channel: 'email',
    invitee: await token('ann@example.org'),
    startedAt: new Date(T0 + 5 * DAY),
  });
  now = T0 + 5 * DAY + 2 * HOUR;
  mark = reminders().length;
  const second = await sendMailReminders(deps, c.id);
  assert.equal(second.sent, 4);
  assert.deepEqual(remindedTo(mark), europe.slice(1));

  // Kiri's second is due: not while the campaign is closed; once it is open again, sent.
  now = T0 + 20 * DAY + 12 * HOUR;
  mark = reminders().length;
  await h.stores.campaigns.update({ ...c, status: 'closed', updatedAt: new Date(now) });
  assert.equal((await sendMailReminders(deps, c.id)).sent, 0);
  await h.stores.campaigns.update({ ...c, status: 'open', updatedAt: new Date(now) });
  assert.equal((await sendMailReminders(deps, c.id)).sent, 1);
  assert.deepEqual(remindedTo(mark), ['kiri@example.org']);
  now = T0 + 30 * DAY + 2 * HOUR;
  assert.equal((await sendMailReminders(deps, c.id)).sent, 0);
  now = T0 + 30 * DAY + 12 * HOUR;
  assert.equal((await sendMailReminders(deps, c.id)).sent, 0);

  const perAddress = new Map<string, number>();
  for (const m of reminders()) perAddress.set(m.to[0]!, (perAddress.get(m.to[0]!) ?? 0) + 1);
  assert.deepEqual(Object.fromEntries(perAddress), {
    'ann@example.org': 1,
    'boris@example.org': 2,
    'camilia@example.org': 2,
    'diego@example.org': 2,
    'fanny@example.org': 2,
    'kiri@example.org': 2,
  });
});
