import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startDashboardHarness } from '../dashboard/harness.ts';
import { launchChromium } from '../support/browser.ts';
import { Respondent } from '../telegram/respondent.ts';
import { accept, invited, StaffUser, startInterviews } from './harness.ts';

test("in a real browser: a conversation's own page shows the respondent's new message without a reload, keeps what the interviewer is typing, is audited once per page load and not per poll, and is not found for another interviewer", async (t) => {
  const browser = await launchChromium(t);
  if (!browser) return;
  const h = await startInterviews(t);
  if (!h) return;
  const amina = await h.staff('amina', 'Amina Haddad', 'interviewer', 9001);
  const boris = await h.staff('boris', 'Boris Petrov', 'interviewer', 9002);
  const web = await startDashboardHarness(t, {
    stores: h.stores,
    config: h.config,
    directory: h.directory,
    interviews: h.interviews,
  });
  const r = new Respondent(h.api, 7001, 'en');
  await invited(h, r, new StaffUser(h.api, 9001));
  await accept(r);
  const [conversation] = await h.stores.conversations.byFlow('advocacy');
  const path = `/dashboard/conversations/${conversation!.id}`;
  const views = async () =>
    (await h.stores.audit.list({ limit: 50, action: 'conversation.view' })).filter(
      (e) => e.actor === amina.id && e.target === conversation!.id,
    ).length;

  const page = await browser.newPage();
  page.on('dialog', (dialog) => assert.fail(`a script ran and opened a dialog: ${dialog.message()}`));
  const errors: string[] = [];
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  const polls: string[] = [];
  page.on('request', (req) => req.url().endsWith(`${path}/live`) && polls.push(req.url()));

  // Amina signs in and opens the conversation from the list.
  await page.goto(await web.links.issue(amina, 'test'));
  await page.click('#signin');
  await page.waitForURL(/\/dashboard$/);
  await page.goto(`${web.url}/conversations`);
  await page.click(`a[href="${path}"]`);
  await page.waitForURL(new RegExp(`${path}$`));
  assert.match((await page.textContent('#transcript tbody')) ?? '', /No messages yet/);
  assert.equal(await views(), 1);
  await page.evaluate('window.stayed = true');
  await page.fill('#write textarea', 'Half-typed question about');

  // The respondent writes on Telegram; the page shows it on its next poll.
  await r.send('Our budget was cut by half <b>this year</b>');
  await page
    .locator('#transcript tbody tr.respondent')
    .filter({ hasText: 'Our budget was cut by half <b>this year</b>' })
    .waitFor();
  // Two more polls replace the transcript: what Amina typed stays, the page was not reloaded.
  await page.waitForRequest((req) => req.url().endsWith(`${path}/live`));
  await page.waitForRequest((req) => req.url().endsWith(`${path}/live`));
  assert.equal(await page.inputValue('#write textarea'), 'Half-typed question about');
  assert.equal(await page.evaluate('window.stayed'), true);
  assert.ok(polls.length >= 3, `polled ${polls.length} times`);
  assert.equal(await views(), 1, 'the polls are the same view: audited once');

  // Posting from the page comes back to it, and the message is relayed.
  await page.fill('#write textarea', 'Half-typed question about the cut: what did you drop?');
  await page.click('#write button[type="submit"]');
  await page.waitForURL(new RegExp(`${path}\\?said=sent$`));
  assert.match((await page.textContent('[role="status"]')) ?? '', /Message sent/);
  assert.equal(
    h.api.chat(r.id).at(-1)!.text,
    'Amina (interviewer):\nHalf-typed question about the cut: what did you drop?',
  );
  assert.match((await page.textContent('#transcript tbody')) ?? '', /what did you drop\?/);
  assert.equal(await views(), 2, 'a new page load is a new view');
  // (Chromium's own favicon request is a 404 it may log; only the CSP matters here.)
  assert.deepEqual(
    errors.filter((m) => /Content Security Policy/i.test(m)),
    [],
    'nothing was blocked by the CSP',
  );

  // Another interviewer gets what an unknown id gets, for the page and for its polled part.
  const asBoris = await web.signIn(boris);
  const unknown = await asBoris.get('/dashboard/conversations/no-such-conversation');
  assert.equal(unknown.status, 404);
  for (const p of [path, `${path}/live`]) {
    const answer = await asBoris.get(p);
    assert.equal(answer.status, 404, p);
    assert.equal(answer.text, unknown.text);
  }
  assert.equal(
    (await h.stores.audit.list({ limit: 50, action: 'conversation.view' })).filter(
      (e) => e.actor === boris.id,
    ).length,
    0,
  );
});
