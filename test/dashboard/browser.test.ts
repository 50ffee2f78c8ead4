import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { test } from 'node:test';
import type { Page } from 'playwright-core';
import { runTerminal } from '../../src/channels/terminal/run.ts';
import { ConversationService } from '../../src/conversation/service.ts';
import { ROOT } from '../../src/flows/load.ts';
import { HttpServer } from '../../src/http/server.ts';
import { ARTIFACTS, launchChromium } from '../support/browser.ts';
import { flow, translator } from '../support/flow.ts';
import { SCRIPTED_INTERVIEW } from '../support/scripted-interview.ts';
import { captureLog } from '../support/logs.ts';
import type { ApiCall } from '../support/telegram-api.ts';
import { SALT, startHarness } from '../telegram/harness.ts';
import { Respondent } from '../telegram/respondent.ts';
import { startDashboardHarness } from './harness.ts';

/** A whole Russian interview typed in the terminal; its example of success is markup, to be shown as text. */
/** The scripted interview, its description of the advocacy work (q11) markup that must show as text. */
const INTERVIEW = SCRIPTED_INTERVIEW.map((line) =>
  line === 'Проводим акции «Библионочь» своими силами.'
    ? '<img src=x onerror=alert(1)><script>alert(2)</script> Акции'
    : line,
);
const MARKUP = '<img src=x onerror=alert(1)><script>alert(2)</script> Акции';

/**
 * Waits (as long as Playwright's default allows) until the overview shows this many completed
 * responses. A locator, not a page function: the page's CSP forbids the eval Playwright's
 * waitForFunction would need.
 */
const completedIs = (page: Page, count: string) =>
  page
    .locator('#completed')
    .filter({ hasText: new RegExp(`^${count}$`) })
    .waitFor();

const linkIn = (calls: ApiCall[]) => {
  const text = calls
    .filter((c) => c.method === 'sendMessage')
    .map((c) => String(c.body.text))
    .join('\n');
  const url = /(http:\/\/\S+\/dashboard\/signin\/[\w-]+)/.exec(text)?.[1];
  assert.ok(url, `no sign-in link in: ${text}`);
  return url;
};

/** Saves a screenshot as a test artifact, and over the README's copy with UPDATE_SCREENSHOTS=1. */
async function screenshot(page: Page, name: string): Promise<void> {
  const file = join(ARTIFACTS, 'dashboard', `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  if (process.env.UPDATE_SCREENSHOTS === '1') {
    mkdirSync(join(ROOT, 'docs', 'screenshots'), { recursive: true });
    copyFileSync(file, join(ROOT, 'docs', 'screenshots', `${name}.png`));
  }
}

test('in a real browser: sign in with the link /dashboard gave on Telegram, watch a terminal response arrive, filter, open it, sign out; the Arabic pages run right to left', async (t) => {
  const browser = await launchChromium(t);
  if (!browser) return;
  const http = new HttpServer(captureLog().log);
  const port = await http.listen(0, '127.0.0.1');
  t.after(() => http.close());
  const bot = await startHarness(t, { admins: [7001], dashboardUrl: `http://127.0.0.1:${port}/dashboard` });
  if (!bot) return;
  const dashboard = await startDashboardHarness(t, {
    stores: bot.stores,
    config: bot.config,
    directory: bot.directory,
    http: { server: http, port },
  });
  const page = await browser.newPage();
  page.on('dialog', (dialog) => assert.fail(`a script ran and opened a dialog: ${dialog.message()}`));
  const blocked: string[] = [];
  page.on('console', (m) => m.type() === 'error' && blocked.push(m.text()));

  // Sign in through the link the bot sent in the admin's Telegram chat.
  const admin = new Respondent(bot.api, 7001, 'en');
  const link = linkIn(await admin.send('/dashboard'));
  await page.goto(link);
  await page.click('#signin');
  await page.waitForURL(/\/dashboard$/);
  assert.equal(await page.textContent('h1'), 'Overview');
  await completedIs(page, '0');
  await page.evaluate('window.stayed = true');

  // A respondent completes the survey in the terminal, on the same stores.
  const service = new ConversationService({
    flow,
    sessions: bot.stores.sessions,
    responses: bot.stores.responses,
    contacts: bot.stores.contacts,
    salt: SALT,
  });
  t.after(() => service.close());
  const id = await runTerminal({
    service,
    translator,
    responses: bot.stores.responses,
    input: Readable.from(INTERVIEW.map((l) => `${l}\n`)),
    output: new PassThrough().resume(),
    user: 'terminal-respondent',
  });
  assert.ok(id, 'the terminal interview completed');

  // The overview shows it without a reload: the page's own state survives.
  await completedIs(page, '1');
  assert.equal(await page.evaluate('window.stayed'), true);
  assert.equal(await page.textContent('#completed-today'), '1');
  assert.match((await page.textContent('#by-channel tbody')) ?? '', /Terminal\s*1/);
  assert.match((await page.textContent('#by-country tbody')) ?? '', /Russia\s*1/);
  await screenshot(page, 'overview');

  // Responses: a filter that matches, one that does not, then the response itself.
  await page.click('nav a[href="/dashboard/responses"]');
  await page.selectOption('select[name="country"]', 'RU');
  await page.click('#apply');
  await page.waitForURL(/country=RU/);
  assert.equal(await page.locator('#responses tbody tr').count(), 1);
  await page.selectOption('select[name="channel"]', 'discord');
  await page.click('#apply');
  await page.waitForURL(/channel=discord/);
  assert.match((await page.textContent('#responses tbody')) ?? '', /No responses match/);
  await page.selectOption('select[name="channel"]', 'terminal');
  await page.click('#apply');
  await page.waitForURL(/channel=terminal/);
  await page.setViewportSize({ width: 390, height: 844 });
  await screenshot(page, 'responses-phone');
  await page.setViewportSize({ width: 1200, height: 800 });
  await page.click('#responses tbody a');
  await page.waitForURL(new RegExp(`/dashboard/responses/${id}$`));
  assert.equal((await page.textContent('tr[data-question="q3"] td'))?.trim(), 'Russia');
  assert.equal(
    (await page.textContent('tr[data-question="q11"] bdi.quote'))?.trim(),
    MARKUP,
    'markup shown as text',
  );
  assert.equal(
    await page.locator('main img, main script').count(),
    0,
    'no markup of an answer became an element',
  );
  assert.match((await page.textContent('tr[data-question="q15"] td')) ?? '', /Declined/);
  assert.match((await page.textContent('tr[data-question="q8"] td')) ?? '', /Not asked/);
  await bot.directory.add('cli', {
    name: 'سلمى',
    role: 'coordinator',
    principals: [{ channel: 'telegram', user: '7002' }],
    locale: 'ar',
  });
  await bot.directory.add('cli', {
    name: 'Борис Петров',
    role: 'interviewer',
    scope: { campaigns: [], regions: ['151', 'KZ'] },
    principals: [{ channel: 'telegram', user: '7003' }],
    locale: 'ru',
  });
  await page.goto(`${dashboard.url}/staff`);
  await screenshot(page, 'staff');

  // Sign out: the next page asks to sign in again.
  await page.goto(dashboard.url);
  await page.click('text=Sign out');
  assert.match((await page.textContent('h1')) ?? '', /Signed out/);
  await page.goto(dashboard.url);
  assert.match(page.url(), /\/dashboard\/signin$/);

  // An Arabic-speaking coordinator: the same pages, laid out right to left.
  const salma = new Respondent(bot.api, 7002, 'ar');
  await page.goto(linkIn(await salma.send('/dashboard')));
  await page.click('#signin');
  await page.waitForURL(/\/dashboard$/);
  // Page functions are strings: this file is type-checked without the DOM's types.
  const layout = (await page.evaluate(`({
    dir: document.documentElement.dir,
    lang: document.documentElement.lang,
    direction: getComputedStyle(document.body).direction,
    brandRight: document.querySelector('.brand').getBoundingClientRect().right,
    width: document.documentElement.clientWidth,
  })`)) as { dir: string; lang: string; direction: string; brandRight: number; width: number };
  assert.deepEqual([layout.dir, layout.lang, layout.direction], ['rtl', 'ar', 'rtl']);
  assert.ok(layout.brandRight > layout.width - 100, 'the title starts at the right edge');
  assert.equal(await page.textContent('h1'), 'نظرة عامة');
  await completedIs(page, '1');
  await screenshot(page, 'overview-ar');
  await page.goto(`${dashboard.url}/responses/${id}`);
  assert.equal(await page.evaluate(`getComputedStyle(document.querySelector('#answers')).direction`), 'rtl');
  assert.equal((await page.textContent('tr[data-question="q3"] td'))?.trim(), 'روسيا');
  await screenshot(page, 'response-ar');
  // A coordinator has no staff page.
  const staff = await page.goto(`${dashboard.url}/staff`);
  assert.equal(staff?.status(), 403);
  assert.deepEqual(
    blocked.filter((m) => /Content Security Policy/i.test(m)),
    [],
    'nothing on the pages was blocked by the CSP',
  );
});
