import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { answersToCode, SHIPPED_CODEBOOKS } from '../../src/analysis/cli/code-command.ts';
import { agreement } from '../../src/analysis/coding/agreement.ts';
import { readCodebookCsv } from '../../src/analysis/coding/codebook-csv.ts';
import { collect } from '../../src/store/response-store.ts';
import { launchChromium } from '../support/browser.ts';
import { flow } from '../support/flow.ts';
import { FIXTURE_INVITATIONS, fixtureCodings, fixtureResponses } from '../analysis/fixture.ts';
import { openTestStores } from '../telegram/harness.ts';
import { startDashboardHarness } from './harness.ts';

/** The analysis fixture with the shipped q9 codebook and two coders' codings (they differ on r004 and r017). */
async function withCoding(t: TestContext) {
  const opened = await openTestStores(t);
  if (!opened) return null;
  t.after(async () => {
    await opened.stores.close();
    await opened.dispose();
  });
  const { stores } = opened;
  for (const r of fixtureResponses()) await stores.responses.save(r);
  for (const i of FIXTURE_INVITATIONS) await stores.invitations.create(i);
  for (const c of fixtureCodings()) await stores.codings.saveCoding(c);
  const codes = readCodebookCsv(readFileSync(join(SHIPPED_CODEBOOKS, 'advocacy', 'q9.csv'), 'utf8'));
  await stores.codings.saveCodebook({ flowId: 'advocacy', question: 'q9', codes, updatedAt: new Date() });
  const h = await startDashboardHarness(t, { stores, config: opened.config });
  return { stores, h, codes };
}

const form = (page: string) => ({
  csrf: /name="_csrf" value="([^"]+)"/.exec(page)?.[1] ?? '',
  at: /name="at" value="(\d+)"/.exec(page)?.[1] ?? '',
  response: /name="response" value="([^"]+)"/.exec(page)?.[1] ?? '',
});

test('coding on the web: one answer at a time, codes saved for the signed-in coder in codebook order; forged codes and stale answers change nothing', async (t) => {
  const f = await withCoding(t);
  if (!f) return;
  const member = await f.h.directory.add('cli', { name: 'Dana', role: 'coordinator' });
  const client = await f.h.signIn(member);
  const items = await answersToCode(f.stores.responses, f.stores.codings, flow, 'q9', member.id);
  assert.ok(items.length > 20);

  const list = await client.get('/dashboard/coding');
  assert.equal(list.status, 200);
  assert.match(list.text, /href="\/dashboard\/coding\/q9\?flow=advocacy"/);
  assert.match(list.text, /alice<\/bdi> \(25\)/, "alice's 25 codings are counted");

  const first = await client.get('/dashboard/coding/q9');
  assert.equal(first.status, 200);
  const fields = form(first.text);
  assert.deepEqual([fields.at, fields.response], ['0', items[0]!.responseId]);
  assert.ok(first.text.includes(items[0]!.text.replaceAll('&', '&amp;').slice(0, 10)));
  assert.match(first.text, new RegExp(`Answer 1 of ${items.length}; you have coded 0\\.`));
  const [one, two] = f.codes;

  // Picked in the reverse order, stored in the codebook's.
  const saved = await client.request('POST', '/dashboard/coding/q9', {
    _csrf: fields.csrf,
    at: '0',
    response: fields.response,
    action: 'save',
    codes: two!.code,
  });
  assert.equal(saved.status, 303);
  assert.equal(saved.location, '/dashboard/coding/q9?flow=advocacy&at=1');
  const body = new URLSearchParams({
    _csrf: fields.csrf,
    at: '0',
    response: fields.response,
    action: 'save',
  });
  body.append('codes', two!.code);
  body.append('codes', one!.code);
  const again = await fetch(`${f.h.origin}/dashboard/coding/q9`, {
    method: 'POST',
    redirect: 'manual',
    headers: {
      cookie: [...client.cookies].map(([k, v]) => `${k}=${v}`).join('; '),
      'content-type': 'application/x-www-form-urlencoded',
    },
    body: body.toString(),
  });
  assert.equal(again.status, 303);
  const mine = await collect(
    f.stores.codings.scanCodings({ flowId: 'advocacy', question: 'q9', coder: member.id }),
  );
  assert.deepEqual(
    mine.map((c) => [c.responseId, c.codes]),
    [[items[0]!.responseId, [one!.code, two!.code]]],
  );

  // "No code applies" on the second answer.
  const second = form((await client.get('/dashboard/coding/q9?at=1')).text);
  assert.equal(
    (await client.request('POST', '/dashboard/coding/q9', { ...second, _csrf: fields.csrf, action: 'none' }))
      .status,
    303,
  );

  // A forged code, an answer that is not at that place, a position out of range, an unknown question.
  const forgeries: Record<string, string>[] = [
    { at: '2', response: items[2]!.responseId, action: 'save', codes: 'nonsense' },
    { at: '2', response: items[3]!.responseId, action: 'save', codes: one!.code },
    { at: String(items.length + 5), response: items[2]!.responseId, action: 'save' },
    { at: '2', response: items[2]!.responseId, action: 'delete' },
  ];
  for (const forged of forgeries) {
    const answer = await client.request('POST', '/dashboard/coding/q9', { ...forged, _csrf: fields.csrf });
    assert.equal(answer.status, 400, JSON.stringify(forged));
  }
  assert.equal((await client.get('/dashboard/coding/q1')).status, 404);
  assert.equal((await client.get('/dashboard/coding/q99')).status, 404);
  const after = await collect(
    f.stores.codings.scanCodings({ flowId: 'advocacy', question: 'q9', coder: member.id }),
  );
  assert.deepEqual(
    after.map((c) => [c.responseId, c.codes]).sort(),
    [
      [items[0]!.responseId, [one!.code, two!.code]],
      [items[1]!.responseId, []],
    ].sort(),
  );
  const page = await client.get('/dashboard/coding/q9?at=2');
  assert.match(page.text, new RegExp(`Answer 3 of ${items.length}; you have coded 2\\.`));
});

test("agreement on the web: the two coders' kappa per code and pooled as computed, and their two disagreements", async (t) => {
  const f = await withCoding(t);
  if (!f) return;
  const client = await f.h.signIn(await f.h.directory.add('cli', { name: 'Ada', role: 'admin' }));
  const page = await client.get('/dashboard/coding/q9/agreement?a=alice&b=bob');
  assert.equal(page.status, 200);
  const expected = agreement(
    f.codes.map((c) => c.code),
    fixtureCodings(),
    'alice',
    'bob',
  );
  assert.equal(expected.answers, 20);
  const pooled = new Intl.NumberFormat('en', { minimumFractionDigits: 2, maximumFractionDigits: 2 }).format(
    expected.pooled!,
  );
  assert.match(
    page.text,
    new RegExp(`20 answers coded by both; 18 given the very same codes; pooled kappa ${pooled}\\.`),
  );
  const disagreements = page.text.slice(page.text.indexOf('id="disagreements"'));
  assert.deepEqual(
    [...disagreements.matchAll(/href="\/dashboard\/responses\/(r\d+)"/g)].map((m) => m[1]),
    ['r004', 'r017'],
  );
  // The final coder settles, and is not one of the coders to compare.
  assert.ok(!/<option value="final"/.test(page.text));
});

test('a coder scoped to a campaign codes only the answers of its respondents', async (t) => {
  const f = await withCoding(t);
  if (!f) return;
  const member = await f.h.directory.add('cli', {
    name: 'Scoped',
    role: 'coordinator',
    scope: { campaigns: ['pilot'], regions: [] },
  });
  const client = await f.h.signIn(member);
  const all = await answersToCode(f.stores.responses, f.stores.codings, flow, 'q9', member.id);
  // The pilot campaign invited r000–r034.
  const pilot = all.filter((i) => Number(i.responseId.slice(1)) < 35);
  assert.ok(pilot.length > 0 && pilot.length < all.length);
  const page = await client.get('/dashboard/coding/q9');
  assert.match(page.text, new RegExp(`Answer 1 of ${pilot.length};`));
  const last = await client.get(`/dashboard/coding/q9?at=${pilot.length}`);
  assert.match(last.text, /id="done"/);
});

test('in a real browser: coding q9 with the keyboard alone', async (t) => {
  const browser = await launchChromium(t);
  if (!browser) return;
  const f = await withCoding(t);
  if (!f) return;
  const member = await f.h.directory.add('cli', { name: 'Keys', role: 'interviewer' });
  const items = await answersToCode(f.stores.responses, f.stores.codings, flow, 'q9', member.id);
  const page = await browser.newPage();
  await page.goto(await f.h.links.issue(member, 'test'));
  await page.click('#signin');
  await page.waitForURL(/\/dashboard$/);
  await page.goto(`${f.h.url}/coding/q9`);
  const [one, , three] = f.codes;
  const mine = async () =>
    (await collect(f.stores.codings.scanCodings({ flowId: 'advocacy', question: 'q9', coder: member.id })))
      .map((c) => [c.responseId, c.codes])
      .sort();

  await page.keyboard.press('1');
  await page.keyboard.press('3');
  await page.keyboard.press('Enter');
  await page.waitForURL(/at=1$/);
  assert.deepEqual(await mine(), [[items[0]!.responseId, [one!.code, three!.code]]]);

  await page.keyboard.press('ArrowLeft');
  await page.waitForURL(/at=0$/);
  assert.equal(await page.isChecked(`input[value="${one!.code}"]`), true);
  await page.keyboard.press('Escape');
  assert.equal(await page.isChecked(`input[value="${one!.code}"]`), false);
  await page.keyboard.press('0');
  await page.waitForURL(/at=1$/);
  await page.keyboard.press('ArrowRight');
  await page.waitForURL(/at=2$/);
  await page.keyboard.press('2');
  await page.keyboard.press('Enter');
  await page.waitForURL(/at=3$/);
  assert.deepEqual(
    await mine(),
    [
      [items[0]!.responseId, []],
      [items[2]!.responseId, [f.codes[1]!.code]],
    ].sort(),
  );
  // u: from the first answer to the next one not coded yet (the second).
  await page.goto(`${f.h.url}/coding/q9?at=0`);
  await page.keyboard.press('u');
  await page.waitForURL(/at=1$/);
  assert.match((await page.textContent('#progress')) ?? '', /you have coded 2/);
});
