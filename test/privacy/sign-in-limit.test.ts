import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LINK_WINDOW_MS, LINKS_PER_WINDOW } from '../../src/dashboard/auth/sign-in-links.ts';
import { translator } from '../support/flow.ts';
import { startHarness } from '../telegram/harness.ts';
import { Respondent } from '../telegram/respondent.ts';

test('/dashboard in chat: at most five sign-in links per staff member in 15 minutes; the next is refused politely and audited', async (t) => {
  let now = Date.UTC(2026, 0, 1);
  const h = await startHarness(t, {
    dashboardUrl: 'https://survey.example.org/dashboard/',
    clock: () => now,
  });
  if (!h) return;
  const member = await h.directory.add('cli', {
    name: 'Ivan',
    role: 'interviewer',
    principals: [{ channel: 'telegram', user: '7010' }],
    locale: 'en',
  });
  const ivan = new Respondent(h.api, 7010, 'en');
  const texts: string[] = [];
  for (let i = 0; i <= LINKS_PER_WINDOW; i++) {
    await ivan.send('/dashboard');
    texts.push(ivan.last.text);
  }
  assert.equal(texts.filter((x) => x.includes('/dashboard/signin/')).length, LINKS_PER_WINDOW);
  assert.equal(
    texts.at(-1),
    translator.translatorFor('en')({ key: 'staff:dashboard.rate_limited', params: { minutes: 15 } }),
  );
  const refused = await h.stores.audit.list({ limit: 20, actor: member.id, action: 'dashboard.link' });
  assert.deepEqual(
    refused.map((e) => e.outcome),
    ['refused', ...Array<string>(LINKS_PER_WINDOW).fill('ok')],
  );
  // Once the window has passed, a link again.
  now += LINK_WINDOW_MS;
  await ivan.send('/dashboard');
  assert.match(ivan.last.text, /\/dashboard\/signin\//);
});
