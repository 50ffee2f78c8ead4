import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import nodemailer from 'nodemailer';
import type { Page } from 'playwright-core';
import { ROOT } from '../../src/flows/load.ts';
import { invitationQueue, sendInvitations } from '../../src/campaigns/invitation-send.ts';
import { MemoryJobs } from '../../src/jobs/memory-jobs.ts';
import { silentLogger } from '../../src/log.ts';
import { ARTIFACTS, launchChromium } from '../support/browser.ts';
import { translator } from '../support/flow.ts';
import { startSmtp } from '../campaigns/smtp.ts';
import { openTestStores } from '../telegram/harness.ts';
import { startDashboardHarness } from './harness.ts';

const BOT = 'AdvocacySurveyBot';
const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/**
 * Five good rows (one address twice, in another case: merged), and three bad ones, on lines 3
 * (an address that is none), 5 (no address) and 8 (a language the survey does not speak).
 */
const INVITEES = [
  'name;email;language;country;organisation;city',
  'Amal Hassan;amal@example.org;ar;EG;Egyptian Library Association;Cairo',
  'Broken;not-an-address;en;FR;;Lyon',
  'Marie Dubois;marie@example.org;fr;FR;ABF;Paris',
  'Nobody;;en;FR;;',
  'Olga Petrova;olga@example.org;ru;RU;RBA;Moscow',
  'John Smith;john@example.org;en;GB;CILIP;London',
  'Hans;hans@example.org;de;DE;;Berlin',
  'Amal H.;AMAL@example.org;ar;EG;;Alexandria',
  'Lucía Gómez;lucia@example.org;es;ES;FESABID;Madrid',
].join('\n');

async function download(page: Page, selector: string): Promise<Buffer> {
  const [file] = await Promise.all([page.waitForEvent('download'), page.click(selector)]);
  return readFileSync((await file.path())!);
}

test('in a real browser, a coordinator creates a campaign, imports a CSV whose three bad rows are reported by line, downloads the QR codes, opens the posters, and watches an e-mail send reach a real SMTP server', async (t) => {
  const browser = await launchChromium(t);
  if (!browser) return;
  const opened = await openTestStores(t);
  if (!opened) return;
  t.after(async () => {
    await opened.stores.close();
    await opened.dispose();
  });
  const { stores } = opened;
  const smtp = await startSmtp(t);
  const transport = nodemailer.createTransport({ url: smtp.url, pool: true });
  const jobs = new MemoryJobs();
  t.after(async () => {
    await jobs.close();
    transport.close();
  });
  // The invitation send job as the app works it, through the jobs system, to a real SMTP server.
  const queue = invitationQueue(jobs);
  // The send waits until the page has shown it not yet done, so that the page must follow it live.
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  queue.work(async (job) => {
    await released;
    await sendInvitations(
      {
        ...stores,
        translator,
        transport,
        log: silentLogger,
        mail: {
          from: 'Survey <survey@ifla.example>',
          telegramBot: BOT,
          unsubscribeBase: 'https://survey.example/unsubscribe',
        },
      },
      job.campaign,
    );
  });
  const h = await startDashboardHarness(t, {
    stores,
    config: opened.config,
    invitationQueue: queue,
    telegramBot: BOT,
  });
  const coordinator = await h.directory.add('cli', { name: 'Ana Coordinator', role: 'coordinator' });
  const page = await browser.newPage();
  page.on('dialog', (dialog) => assert.fail(`a script ran and opened a dialog: ${dialog.message()}`));
  /** A screenshot kept as a test artifact, and over the README's copy with UPDATE_SCREENSHOTS=1. */
  const shot = async (name: string) => {
    const file = join(ARTIFACTS, 'dashboard', `${name}.png`);
    await page.screenshot({ path: file, fullPage: true });
    if (process.env.UPDATE_SCREENSHOTS === '1') {
      mkdirSync(join(ROOT, 'docs', 'screenshots'), { recursive: true });
      copyFileSync(file, join(ROOT, 'docs', 'screenshots', `${name}.png`));
    }
  };

  await page.goto(await h.links.issue(coordinator, 'test'));
  await page.click('#signin');
  await page.waitForURL(/\/dashboard$/);

  // Create: a first try without a name or a language comes back with the errors beside them.
  await page.click('nav a[href="/dashboard/campaigns"]');
  await page.click('#new-campaign');
  await page.fill('input[name="id"]', 'spring-2027');
  await page.fill('input[name="consentOrganisation"]', 'IFLA Section on Library Associations');
  await page.click('#save-campaign');
  assert.equal(await page.locator('#error-name').count(), 1);
  assert.equal(await page.locator('#error-languages').count(), 1);
  assert.equal(
    await page.locator('input[name="id"]').inputValue(),
    'spring-2027',
    'the form keeps what was typed',
  );
  await page.fill('input[name="name"]', 'Spring 2027');
  for (const l of ['en', 'fr', 'ar']) await page.check(`input[name="languages"][value="${l}"]`);
  await page.fill('input[name="regions"]', '150, EG');
  await page.click('#save-campaign');
  await page.waitForURL(/\/dashboard\/campaigns\/spring-2027\?done=created$/);
  assert.equal((await page.textContent('#campaign-status'))?.trim(), 'draft');
  await page.click('#status-open');
  await page.waitForURL(/done=status$/);
  assert.equal((await page.textContent('#campaign-status'))?.trim(), 'open');

  // Import: the report names each bad row by its line and reason.
  await page.click('nav.tabs a[href$="/invitees"]');
  await page.setInputFiles('input[name="file"]', {
    name: 'invitees.csv',
    mimeType: 'text/csv',
    buffer: Buffer.from(`\uFEFF${INVITEES}`),
  });
  await page.click('#import-button');
  await page.locator('#import-report').waitFor();
  assert.equal(
    (await page.textContent('#import-summary'))?.trim(),
    '5 added, 1 merged with an address already there, 3 rows left out.',
  );
  const bad = await page
    .locator('#bad-rows tbody tr')
    .evaluateAll((rows) => rows.map((r) => [...r.querySelectorAll('td')].map((c) => c.textContent?.trim())));
  assert.deepEqual(bad, [
    ['3', 'the e-mail address is not valid'],
    ['5', 'no e-mail address'],
    ['8', 'the language is not one of en, ru, ar, es, fr'],
  ]);
  assert.equal(await page.locator('#invitees tbody tr').count(), 5);
  await shot('campaign-import');

  // Links: an open link, its QR codes as valid SVG and PNG files, and the posters.
  await page.click('nav.tabs a[href$="/links"]');
  await page.click('#new-link-button');
  await page.locator('.link-card').waitFor();
  const telegramLink = (await page.textContent('.link-card .telegram-link'))!.trim();
  const token = (await page.getAttribute('.link-card', 'data-token'))!;
  assert.equal(telegramLink, `https://t.me/${BOT}?start=${token}`);
  const svg = (await download(page, '.link-card .qr-telegram-svg')).toString('utf8');
  assert.match(svg, /^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg" viewBox="0 0 (\d+) \1"/);
  assert.match(svg, /<\/svg>\s*$/);
  const png = await download(page, '.link-card .qr-telegram-png');
  assert.deepEqual(png.subarray(0, 8), PNG_SIGNATURE);
  assert.equal(png.toString('latin1', 12, 16), 'IHDR');
  assert.equal(png.readUInt32BE(16), png.readUInt32BE(20), 'a square image');
  assert.equal(png.toString('latin1', png.length - 8, png.length - 4), 'IEND');
  const discordPng = await download(page, '.link-card .qr-discord-png');
  assert.deepEqual(discordPng.subarray(0, 8), PNG_SIGNATURE);

  await page.click('.link-card a.poster[data-lang="fr"]');
  await page.waitForURL(/\/poster\/fr\?token=/);
  assert.equal(await page.getAttribute('html', 'lang'), 'fr');
  assert.equal((await page.textContent('#poster-title'))?.trim(), 'Spring 2027');
  assert.match((await page.textContent('#poster-intro')) ?? '', /IFLA Section on Library Associations/);
  assert.match((await page.textContent('#poster-consent')) ?? '', /IFLA Section on Library Associations/);
  assert.match(
    (await page.textContent('#poster-telegram figcaption')) ?? '',
    new RegExp(`t\\.me/${BOT}\\?start=${token}`),
  );
  assert.equal(await page.locator('#poster-telegram svg').count(), 1);
  assert.equal(await page.locator('#poster-discord svg').count(), 1);
  assert.equal(await page.isVisible('#print-hint'), true);
  await page.emulateMedia({ media: 'print' });
  assert.equal(await page.isVisible('#print-hint'), false, 'the hint is not printed');
  await page.emulateMedia({ media: 'screen' });
  await shot('campaign-poster-fr');
  await page.goto(page.url().replace('/poster/fr', '/poster/ar'));
  assert.equal(await page.getAttribute('html', 'dir'), 'rtl');
  assert.match((await page.textContent('#poster-intro')) ?? '', /IFLA/);
  await page.goBack();
  await page.goBack();

  // Send: the button queues the send; the figures follow it live until every invitee is done.
  await page.click('nav.tabs a[href$="/send"]');
  assert.equal((await page.textContent('#send-remaining'))?.trim(), '5');
  await page.click('#send-button');
  await page.waitForURL(/send\?started=added$/);
  assert.equal(await page.locator('#send-done').count(), 0);
  assert.equal((await page.textContent('#send-remaining'))?.trim(), '5');
  await page.evaluate('window.stayed = true');
  release();
  await page.locator('#send-done').waitFor();
  assert.equal(await page.evaluate('window.stayed'), true, 'the figures changed without a reload');
  assert.equal((await page.textContent('#send-sent'))?.trim(), '5');
  assert.equal((await page.textContent('#send-remaining'))?.trim(), '0');
  await shot('campaign-send');
  assert.deepEqual(smtp.received.flatMap((m) => m.to).sort(), [
    'amal@example.org',
    'john@example.org',
    'lucia@example.org',
    'marie@example.org',
    'olga@example.org',
  ]);
});
