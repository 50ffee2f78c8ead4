import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import nodemailer from 'nodemailer';
import { importInvitees } from '../../src/campaigns/invitees.ts';
import { sendInvitations } from '../../src/campaigns/invitation-send.ts';
import { unsubscribeHandler } from '../../src/campaigns/unsubscribe-route.ts';
import { HttpServer } from '../../src/http/server.ts';
import { silentLogger } from '../../src/log.ts';
import { FileCampaignStore } from '../../src/store/file-campaign-store.ts';
import { FileInvitationStore } from '../../src/store/file-invitation-store.ts';
import { FileInviteeStore } from '../../src/store/file-invitee-store.ts';
import { FileSendLog } from '../../src/store/file-send-log.ts';
import { translator } from '../support/flow.ts';
import { campaign } from '../store/campaign-stores.contract.ts';
import { startSmtp } from './smtp.ts';

test('the unsubscribe link: opening it changes nothing, confirming (or one-click POST) unsubscribes; the next send skips them', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'unsubscribe-'));
  const stores = {
    campaigns: new FileCampaignStore(dir),
    invitees: new FileInviteeStore(dir),
    invitations: new FileInvitationStore(dir),
    sends: new FileSendLog(dir),
  };
  const http = new HttpServer();
  http.mount('/unsubscribe', unsubscribeHandler({ invitees: stores.invitees, translator }));
  const port = await http.listen(0, '127.0.0.1');
  const smtp = await startSmtp(t);
  const transport = nodemailer.createTransport({ url: smtp.url });
  t.after(async () => {
    transport.close();
    await http.close();
    for (const s of Object.values(stores)) await s.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const c = campaign({ status: 'open', opensAt: new Date(0), languages: ['fr', 'en'] });
  await stores.campaigns.create(c);
  await importInvitees(stores, c, 'm-1', Buffer.from('email,language\na@x.org,fr\nb@x.org,en\n'), new Date());
  const token = (await stores.invitees.get(c.id, 'a@x.org'))!.token;
  const url = `http://127.0.0.1:${port}/unsubscribe/${token}`;
  const fr = translator.translatorFor('fr', { isolate: false });

  const page = await fetch(url);
  assert.equal(page.status, 200);
  const html = await page.text();
  assert.ok(html.includes(fr({ key: 'campaigns:unsubscribe.button' }).replace('’', '’')));
  assert.equal((await stores.invitees.byToken(token))?.unsubscribedAt, undefined, 'a GET changes nothing');

  const done = await fetch(url, {
    method: 'POST',
    body: 'List-Unsubscribe=One-Click',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
  });
  assert.equal(done.status, 200);
  assert.ok((await done.text()).includes(fr({ key: 'campaigns:unsubscribe.done' })));
  assert.ok((await stores.invitees.byToken(token))?.unsubscribedAt instanceof Date);
  assert.equal((await fetch(`http://127.0.0.1:${port}/unsubscribe/nope-nope-nope`)).status, 404);
  assert.equal(
    (await fetch(`http://127.0.0.1:${port}/unsubscribe/%24where`, { method: 'POST' })).status,
    404,
  );

  const summary = await sendInvitations(
    {
      ...stores,
      translator,
      transport,
      log: silentLogger,
      mail: { from: 'survey@example.org', unsubscribeBase: 'https://x/unsubscribe' },
    },
    c.id,
  );
  assert.deepEqual(summary, { sent: 1, refused: 0, failed: 0, skipped: 1 });
  assert.deepEqual(
    smtp.received.map((m) => m.to),
    [['b@x.org']],
  );
});

test('a campaign closed during a send stops it at the next message; the rest are never sent, and sending again after reopening sends only them', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'closed-mid-send-'));
  const stores = {
    campaigns: new FileCampaignStore(dir),
    invitees: new FileInviteeStore(dir),
    invitations: new FileInvitationStore(dir),
    sends: new FileSendLog(dir),
  };
  const smtp = await startSmtp(t);
  const transport = nodemailer.createTransport({ url: smtp.url });
  t.after(async () => {
    transport.close();
    for (const s of Object.values(stores)) await s.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const c = campaign({ status: 'open', opensAt: new Date(0) });
  await stores.campaigns.create(c);
  const file = ['email', ...Array.from({ length: 10 }, (_, i) => `m${i}@x.org`)].join('\n');
  await importInvitees(stores, c, 'm-1', Buffer.from(file), new Date());
  let delivered = 0;
  const closing = {
    async sendMail(message: Parameters<typeof transport.sendMail>[0]) {
      const info = await transport.sendMail(message);
      if (++delivered === 3) await stores.campaigns.update({ ...c, status: 'closed' });
      return info;
    },
  };
  const deps = {
    ...stores,
    translator,
    log: silentLogger,
    mail: { from: 'survey@example.org', unsubscribeBase: 'https://x/unsubscribe' },
  };
  assert.deepEqual(await sendInvitations({ ...deps, transport: closing }, c.id), {
    sent: 3,
    refused: 0,
    failed: 0,
    skipped: 0,
    stopped: 'closed',
  });
  assert.equal(smtp.received.length, 3);
  await stores.campaigns.update({ ...c, status: 'open' });
  assert.deepEqual(await sendInvitations({ ...deps, transport }, c.id), {
    sent: 7,
    refused: 0,
    failed: 0,
    skipped: 3,
  });
  assert.equal(new Set(smtp.received.map((m) => m.to[0])).size, 10);
  assert.equal(smtp.received.length, 10);
});
