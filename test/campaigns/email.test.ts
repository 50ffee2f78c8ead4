import assert from 'node:assert/strict';
import { test } from 'node:test';
import nodemailer from 'nodemailer';
import { importInvitees } from '../../src/campaigns/invitees.ts';
import {
  invitationKey,
  invitationProgress,
  invitationQueue,
  queueInvitations,
  sendInvitations,
  type InvitationSendDeps,
} from '../../src/campaigns/invitation-send.ts';
import { MemoryJobs } from '../../src/jobs/memory-jobs.ts';
import { silentLogger } from '../../src/log.ts';
import type { Invitee } from '../../src/store/invitee-store.ts';
import { translator } from '../support/flow.ts';
import { campaign } from '../store/campaign-stores.contract.ts';
import { startHarness } from '../telegram/harness.ts';
import { Respondent } from '../telegram/respondent.ts';
import { startSmtp } from './smtp.ts';

const LANGUAGES = ['en', 'ru', 'ar', 'es', 'fr'] as const;
const NOW = new Date('2026-11-10T09:00:00Z');

/** 500 invitees, a hundred per language, plus two addresses the server refuses and one it never answers. */
function inviteeFile(): Buffer {
  const lines = ['name,email,language,country,organisation,member_since'];
  for (let i = 0; i < 500; i++)
    lines.push(
      `Person ${i},p${i}@example.org,${LANGUAGES[i % 5]},EG,Association ${i % 7},${1990 + (i % 30)}`,
    );
  lines.push('Refused One,refuse-1@example.org,en,FR,,', 'Refused Two,refuse-2@example.org,fr,FR,,');
  lines.push('Slow Server,slow-1@example.org,es,ES,,');
  return Buffer.from(lines.join('\n'));
}

test('e-mail invitations through a real SMTP server: 500 personalised messages in five languages, refusals and timeouts recorded, nothing sent twice after a crash; a token opened in Telegram starts that invitee’s survey for their campaign and coordinator', async (t) => {
  const h = await startHarness(t);
  if (!h) return;
  const smtp = await startSmtp(t);
  const c = campaign({ id: 'world-2026', status: 'open', opensAt: new Date(0), languages: [...LANGUAGES] });
  await h.stores.campaigns.create(c);
  const report = await importInvitees(h.stores, c, 'm-coord-7', inviteeFile(), NOW);
  assert.ok(!('problem' in report));
  assert.equal(report.added, 503);

  const transport = nodemailer.createTransport({
    url: smtp.url,
    pool: true,
    socketTimeout: 1500,
    greetingTimeout: 5000,
  });
  const deps: InvitationSendDeps = {
    campaigns: h.stores.campaigns,
    invitees: h.stores.invitees,
    sends: h.stores.sends,
    translator,
    mail: {
      from: 'Survey <survey@ifla.example>',
      telegramBot: 'AdvocacySurveyBot',
      unsubscribeBase: 'https://survey.example/unsubscribe',
    },
    transport,
    log: silentLogger,
    clock: () => NOW.getTime(),
  };
  t.after(() => transport.close());

  // A crash after the 120th message left the server, before the send was settled.
  let calls = 0;
  const crashing = {
    async sendMail(message: Parameters<typeof transport.sendMail>[0]) {
      const info = await transport.sendMail(message);
      if (++calls === 120) await new Promise(() => {});
      return info;
    },
  };
  void sendInvitations({ ...deps, transport: crashing }, c.id);
  while (calls < 120) await new Promise((r) => setTimeout(r, 20));
  assert.equal(smtp.received.length, 120);

  // The job taken up again (as BullMQ retries a job whose process died) skips all it had claimed.
  const jobs = new MemoryJobs();
  t.after(() => jobs.close());
  const queue = invitationQueue(jobs);
  const runs: unknown[] = [];
  queue.work(async (job) => void runs.push(await sendInvitations(deps, job.campaign)));
  assert.equal(await queueInvitations(queue, c.id, 'run-1'), 'added');
  assert.equal(await queueInvitations(queue, c.id, 'run-1'), 'exists');
  while ((await queue.counts()).completed < 1) await new Promise((r) => setTimeout(r, 50));
  assert.deepEqual(runs, [{ sent: 380, refused: 2, failed: 1, skipped: 120 }]);

  // Every invitee got exactly one message, in their language, with their own links.
  const byAddress = new Map(smtp.received.map((m) => [m.to[0]!, m]));
  assert.equal(smtp.received.length, 500);
  assert.equal(byAddress.size, 500);
  for (let i = 0; i < 500; i++) {
    const address = `p${i}@example.org`;
    const invitee: Invitee = (await h.stores.invitees.get(c.id, address))!;
    const message = byAddress.get(address)!;
    const lng = LANGUAGES[i % 5]!;
    const tr = translator.translatorFor(lng, { isolate: false });
    assert.equal(
      message.parsed.subject,
      tr({ key: 'campaigns:mail.subject', params: { organisation: c.consentOrganisation } }),
    );
    const text = message.parsed.text!;
    assert.ok(
      text.includes(tr({ key: 'campaigns:mail.greeting', params: { name: `Person ${i}` } })),
      `${address} greeted`,
    );
    assert.ok(
      text.includes(`https://t.me/AdvocacySurveyBot?start=${invitee.token}`),
      `${address}: Telegram link`,
    );
    const discordTr = translator.translatorFor(lng === 'ar' ? 'en' : lng);
    const name = (key: string) => discordTr({ key: `discord:commands.${key}.name` });
    const command = `/${name('survey')} ${name('start')} ${name('code')}:${invitee.token}`;
    assert.ok(text.includes(command), `${address}: Discord command`);
    if (lng === 'en' || lng === 'ar') assert.ok(command.startsWith('/survey start code:'));
    assert.ok(text.includes(c.consentOrganisation));
    const unsubscribe: string = `https://survey.example/unsubscribe/${invitee.token}`;
    assert.ok(text.includes(unsubscribe));
    const header = (name: string) =>
      message.parsed.headerLines.find((l) => l.key === name)?.line.replace(/\r?\n\s+/g, ' ');
    assert.equal(header('list-unsubscribe'), `List-Unsubscribe: <${unsubscribe}>`);
    assert.equal(header('list-unsubscribe-post'), 'List-Unsubscribe-Post: List-Unsubscribe=One-Click');
    const qr = message.parsed.attachments.find((a) => a.cid === 'qr');
    assert.equal(qr?.contentType, 'image/png');
    assert.ok(message.parsed.html && message.parsed.html.includes('cid:qr'));
    if (lng === 'ar') assert.match(message.parsed.html, /dir="rtl"/);
  }

  const refused = await h.stores.sends.get(
    invitationKey(c.id, (await h.stores.invitees.get(c.id, 'refuse-1@example.org'))!.token),
  );
  assert.deepEqual([refused?.status, refused?.detail], ['refused', '550']);
  const slow = await h.stores.sends.get(
    invitationKey(c.id, (await h.stores.invitees.get(c.id, 'slow-1@example.org'))!.token),
  );
  assert.equal(slow?.status, 'failed');
  assert.match(slow?.detail ?? '', /^E[A-Z]+$/);
  assert.deepEqual(await invitationProgress(h.stores, c.id), {
    invitees: 503,
    // The message the crash interrupted: delivered, but never settled, and never sent again.
    sending: 1,
    sent: 499,
    refused: 2,
    failed: 1,
  });

  // Another run sends nothing more.
  assert.equal(await queueInvitations(queue, c.id, 'run-2'), 'added');
  while ((await queue.counts()).completed < 2) await new Promise((r) => setTimeout(r, 50));
  assert.deepEqual(runs[1], { sent: 0, refused: 0, failed: 0, skipped: 503 });
  assert.equal(smtp.received.length, 500);

  // Invitee 42 opens their link in Telegram: their survey starts, attributed to campaign and coordinator.
  const invited = (await h.stores.invitees.get(c.id, 'p42@example.org'))!;
  const r = new Respondent(h.api, 777042, 'es');
  await r.send(`/start ${invited.token}`);
  const session = await h.service.current('telegram', '777042');
  assert.equal(session?.meta.invitation, invited.token);
  const invitation = await h.stores.invitations.get(invited.token);
  assert.deepEqual([invitation?.campaign, invitation?.coordinator, invitation?.uses], [c.id, 'm-coord-7', 1]);
  assert.equal((await h.stores.invitees.byToken(invited.token))?.respondent, session?.meta.respondent);
});
