import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { startDashboardHarness } from '../dashboard/harness.ts';
import { ARTIFACTS, launchChromium } from '../support/browser.ts';
import { translator } from '../support/flow.ts';
import { startInterviews } from './harness.ts';

const ar = translator.translatorFor('ar');

test('in a real browser: the follow-ups page in Arabic runs right to left, its summaries in Arabic, codes and commands left to right; Claim comes back with the notice and the /invite command', async (t) => {
  const browser = await launchChromium(t);
  if (!browser) return;
  const h = await startInterviews(t);
  if (!h) return;
  const layla = await h.staff('layla', 'Layla Haddad', 'interviewer', 9001, 'ar');
  const web = await startDashboardHarness(t, {
    stores: h.stores,
    config: h.config,
    directory: h.directory,
    interviews: h.interviews,
  });
  const handle = (await h.respondent(7001, { locale: 'ru' })).slice(0, 8);

  const page = await browser.newPage();
  page.on('dialog', (dialog) => assert.fail(`a script ran and opened a dialog: ${dialog.message()}`));
  const errors: string[] = [];
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  await page.goto(await web.links.issue(layla, 'test'));
  await page.click('#signin');
  await page.waitForURL(/\/dashboard$/);
  await page.click('nav a[href="/dashboard/followups"]');
  await page.waitForURL(/\/dashboard\/followups$/);

  // A page expression, not a function: the test's TypeScript has no DOM types.
  const directionOf = async (selector: string) =>
    page.evaluate(`getComputedStyle(document.querySelector(${JSON.stringify(selector)})).direction`);
  assert.equal(await page.getAttribute('html', 'dir'), 'rtl');
  assert.equal(await page.getAttribute('html', 'lang'), 'ar');
  assert.equal(await page.textContent('h1'), ar({ key: 'interviews:followups.title' }));
  const section = page.locator(`#r-${handle}`);
  assert.equal(await directionOf(`#r-${handle}`), 'rtl');
  assert.match((await section.textContent()) ?? '', new RegExp(ar({ key: 'interviews:list.free' })));
  // The summary in the reader's language: the country question's Arabic label and country name.
  const summary = (await section.locator('ul.summary').textContent()) ?? '';
  assert.match(summary, /[\u0600-\u06FF]/, summary);
  assert.equal(await directionOf('input[name="answers"]'), 'ltr');

  await section.locator('button[type="submit"]').click();
  await page.waitForURL(/said=claim_done/);
  assert.equal(
    (await page.textContent('#notice'))?.trim(),
    ar({ key: 'interviews:claim.done', params: { handle } }),
  );
  assert.match(
    (await page.locator(`#r-${handle} code`).textContent()) ?? '',
    new RegExp(`^/invite ${handle}$`),
  );
  assert.equal(
    (await h.stores.claims.get((await h.stores.responses.get('resp-7001'))!.respondent))?.interviewer,
    'layla',
  );
  await page.screenshot({ path: join(ARTIFACTS, 'dashboard', 'followups-ar.png'), fullPage: true });
  assert.deepEqual(
    errors.filter((m) => /Content Security Policy/i.test(m)),
    [],
    'nothing was blocked by the CSP',
  );
});
