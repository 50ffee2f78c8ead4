import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { parse } from 'csv-parse/sync';
import { runReport } from '../../src/analysis/run-report.ts';
import { FIXTURE_INVITATIONS, fixtureCodings, fixtureResponses } from '../analysis/fixture.ts';
import { ARTIFACTS, launchChromium } from '../support/browser.ts';
import { flow, translator } from '../support/flow.ts';
import { openTestStores } from '../telegram/harness.ts';
import { startDashboardHarness } from './harness.ts';

const NOW = Date.UTC(2026, 5, 1, 12);

/** The analysis fixture (100 respondents, 35 invited by the pilot campaign) behind a dashboard. */
async function withFixture(t: TestContext) {
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
  const h = await startDashboardHarness(t, { stores, config: opened.config, clock: () => NOW });
  const member = (role: 'admin' | 'coordinator' | 'interviewer', campaigns: string[] = []) =>
    h.directory.add('cli', { name: `A ${role}`, role, scope: { campaigns, regions: [] } });
  return { stores, h, member };
}

const reportBody = (page: string) => {
  const start = page.indexOf('<div class="survey-report"');
  assert.ok(start >= 0, 'the page holds the report');
  return page.slice(start, page.indexOf('</section>', start)).trimEnd();
};

test('the Reports page shows the report npm run report writes, with the same filters and split, in the reader’s language', async (t) => {
  const f = await withFixture(t);
  if (!f) return;
  const admin = await f.h.signIn(await f.member('admin'));
  const page = await admin.get('/dashboard/reports?by=language&lang=es&campaign=pilot&cross=q2a%2Cq9a');
  assert.equal(page.status, 200, page.text);
  assert.match(page.text, /<link rel="stylesheet" href="\/dashboard\/assets\/report.css">/);

  let expected = '';
  await runReport(
    f.stores,
    flow,
    translator,
    {
      lang: 'es',
      format: 'body',
      by: 'language',
      campaign: 'pilot',
      cross: ['q2a,q9a'],
      texts: false,
      generatedAt: new Date(NOW),
    },
    (c) => void (expected += c),
  );
  assert.equal(reportBody(page.text), expected.trimEnd());
  assert.ok(expected.includes('lang="es"'));
  // Its cross-tab is there, with its test: the section's heading and the chi-square line.
  assert.ok(expected.includes('Tablas cruzadas'), 'a cross-tab section');
  assert.match(expected, /Chi cuadrado = [\d,.]+, gl = \d+, p = /);

  // The same report as a file: the JSON counts the pilot campaign's 35 respondents (r000–r034).
  const json = await admin.get('/dashboard/reports/file?campaign=pilot&format=json');
  assert.equal(json.status, 200);
  assert.match(
    json.headers.get('content-disposition') ?? '',
    /attachment; filename="advocacy-report-2026-06-01.json"/,
  );
  const report = JSON.parse(json.text) as { respondents: number; filters: { campaign: string } };
  assert.equal(report.respondents, 35);
  assert.equal(report.filters.campaign, 'pilot');
  const all = JSON.parse((await admin.get('/dashboard/reports/file?format=json')).text) as {
    respondents: number;
  };
  assert.equal(all.respondents, 100);
  const html = await admin.get('/dashboard/reports/file?format=html&lang=ar');
  assert.match(html.text, /^<!doctype html>[\s\S]*dir="rtl"/);
});

test('a member scoped to a campaign is reported and exported that campaign’s respondents alone; interviewers cannot export; downloads are audited', async (t) => {
  const f = await withFixture(t);
  if (!f) return;
  const coordinator = await f.member('coordinator', ['pilot']);
  const client = await f.h.signIn(coordinator);
  const report = JSON.parse((await client.get('/dashboard/reports/file?format=json')).text) as {
    respondents: number;
    filters: { where: string[] };
  };
  assert.equal(report.respondents, 35);
  assert.deepEqual(report.filters.where, ['scope: campaign=pilot']);

  const csv = await client.get('/dashboard/exports/file?format=csv');
  assert.equal(csv.status, 200);
  const rows = parse(csv.text, { columns: true }) as Record<string, string>[];
  assert.equal(rows.length, 35);
  assert.deepEqual(
    rows.map((r) => r.response_id).sort(),
    Array.from({ length: 35 }, (_, i) => `r${String(i).padStart(3, '0')}`),
  );
  const xlsx = await client.get('/dashboard/exports/file?format=xlsx');
  assert.equal(xlsx.status, 200);
  assert.equal(
    xlsx.headers.get('content-type'),
    'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  );

  // SPSS syntax and the R script read the CSV downloaded beside them, by the name it was given.
  const sps = await client.get('/dashboard/exports/file?format=spss');
  assert.match(sps.headers.get('content-disposition') ?? '', /filename="advocacy-responses-2026-06-01.sps"/);
  assert.match(sps.text, /GET DATA[\s\S]*advocacy-responses-2026-06-01\.csv/);
  const r = await client.get('/dashboard/exports/file?format=r');
  assert.match(r.text, /advocacy-responses-2026-06-01\.csv/);
  const interviewer = await f.h.signIn(await f.member('interviewer'));
  assert.equal((await interviewer.get('/dashboard/exports/file?format=csv')).status, 403);
  assert.equal((await interviewer.get('/dashboard/reports')).status, 200);

  const audited = await f.stores.audit.list({ limit: 20, action: 'export.download' });
  assert.deepEqual(audited.map((e) => [e.actor, e.target, e.details?.format]).sort(), [
    [coordinator.id, 'advocacy', 'csv'],
    [coordinator.id, 'advocacy', 'r'],
    [coordinator.id, 'advocacy', 'spss'],
    [coordinator.id, 'advocacy', 'xlsx'],
  ]);
  assert.equal((await f.stores.audit.list({ limit: 20, action: 'report.download' })).length, 1);
});

test('filters the report cannot read get a translated notice and no report; junk never reaches the analysis', async (t) => {
  const f = await withFixture(t);
  if (!f) return;
  const client = await f.h.signIn(await f.member('admin'));
  const ask = (query: Record<string, string>) =>
    client.get(`/dashboard/reports?${new URLSearchParams(query)}`);
  const queries: Record<string, string>[] = [
    { where: 'q99=1' },
    { where: 'q3' },
    { where: '<script>alert(1)</script>=1' },
    { by: 'nonsense' },
    { lang: 'de' },
    { cross: 'q2a' },
    { cross: 'q1,q6' },
    { cross: 'q2a,q99' },
    { flow: 'missing' },
    { where: Array.from({ length: 11 }, () => 'q3=RU').join('\n') },
  ];
  for (const query of queries) {
    const page = await ask(query);
    assert.equal(page.status, 400, JSON.stringify(query));
    assert.match(page.text, /id="report-invalid"/);
    assert.ok(!page.text.includes('class="survey-report"'), JSON.stringify(query));
    assert.ok(!page.text.includes('<script>alert'), 'what was typed is escaped');
  }
  const file = await client.get('/dashboard/reports/file?where=q99%3D1&format=json');
  assert.equal(file.status, 400);
  assert.equal((await client.get('/dashboard/reports/file?format=pdf')).status, 400);
  assert.equal((await client.get('/dashboard/exports/file?format=sav')).status, 400);
  assert.equal((await f.stores.audit.list({ limit: 20, action: 'report.download' })).length, 0);
});

test('in a real browser: an Arabic-speaking coordinator opens Reports, filters, splits and cross-tabulates, reads it right to left with its style, and downloads each export', async (t) => {
  const browser = await launchChromium(t);
  if (!browser) return;
  const f = await withFixture(t);
  if (!f) return;
  const member = await f.h.directory.add('cli', {
    name: 'سلمى',
    role: 'coordinator',
    scope: { campaigns: [], regions: [] },
    locale: 'ar',
  });
  const page = await browser.newPage();
  const errors: string[] = [];
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  await page.goto(await f.h.links.issue(member, 'test'));
  await page.click('#signin');
  await page.waitForURL(/\/dashboard$/);
  await page.click('nav a[href="/dashboard/reports"]');
  await page.selectOption('select[name="by"]', 'language');
  await page.selectOption('select[name="campaign"]', 'pilot');
  await page.fill('textarea[name="cross"]', 'q2a,q9a');
  await page.click('#show-report');
  await page.waitForURL(/by=language/);
  assert.match(page.url(), /campaign=pilot/);
  assert.match(page.url(), /cross=q2a%2Cq9a/);
  // 35 of the fixture's respondents came through the pilot campaign; the cross-tab has its test line.
  assert.match((await page.textContent('.survey-report')) ?? '', /35/);
  assert.equal(await page.locator('.survey-report h2', { hasText: 'الجداول المتقاطعة' }).count(), 1);
  const report = page.locator('.survey-report');
  assert.equal(await report.getAttribute('dir'), 'rtl');
  assert.equal(
    await page.evaluate(`getComputedStyle(document.querySelector('.survey-report')).direction`),
    'rtl',
  );
  // The report's stylesheet applies (the page's CSP allows no inline style): its tables have borders.
  assert.equal(
    await page.evaluate(`getComputedStyle(document.querySelector('.survey-report td')).borderTopStyle`),
    'solid',
  );
  assert.ok((await page.locator('.survey-report table').count()) > 10);
  await page.screenshot({ path: join(ARTIFACTS, 'dashboard', 'reports-ar.png'), fullPage: false });

  const downloaded = new Map<string, string>();
  for (const format of ['csv', 'xlsx', 'spss', 'r', 'jsonl']) {
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.click(`a[href*="/dashboard/exports/file"][href$="format=${format}"]`),
    ]);
    downloaded.set(format, download.suggestedFilename());
    const file = readFileSync((await download.path())!);
    if (format === 'csv') assert.equal((parse(file, { columns: true }) as unknown[]).length, 35);
    if (format === 'xlsx') assert.equal(file.subarray(0, 2).toString(), 'PK', 'a zip, as workbooks are');
    if (format === 'jsonl') assert.ok(file.toString().split('\n').filter(Boolean).length > 35);
    if (format === 'spss') assert.match(file.toString(), /VALUE LABELS/);
  }
  assert.deepEqual(
    [...downloaded.values()],
    ['csv', 'xlsx', 'sps', 'R', 'jsonl'].map((ext) => `advocacy-responses-2026-06-01.${ext}`),
  );
  // The browser's own favicon request is the only 404 it may meet; nothing is blocked by the CSP.
  assert.deepEqual(
    errors.filter((m) => /Content Security Policy/i.test(m)),
    [],
  );
});
