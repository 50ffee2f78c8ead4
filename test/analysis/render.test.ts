import assert from 'node:assert/strict';
import { test } from 'node:test';
import { renderHtmlBody, REPORT_CSS } from '../../src/analysis/render/html.ts';
import { runReport } from '../../src/analysis/run-report.ts';
import { collector, embeddedFixture, translator, type Filled } from './setup.ts';

async function render(filled: Filled, request: Partial<Parameters<typeof runReport>[3]>) {
  const out = collector();
  await runReport(
    filled.stores,
    filled.flow,
    translator,
    { lang: 'en', format: 'html', ...request },
    out.write,
  );
  return out.text();
}

test('the HTML report is one self-contained page: inline style and SVG charts, nothing fetched, no script', async (t) => {
  const html = await render(await embeddedFixture(t), { by: 'q3=RU', cross: ['q5,q9a'] });
  assert.match(html, /^<!doctype html>/);
  assert.match(html, /<style>[\s\S]*\.survey-report/);
  assert.ok((html.match(/<svg class="bar"/g) ?? []).length > 100, 'bars drawn inline');
  assert.ok(
    !/<script|<link|<img|src=|url\(|@import|https?:\/\/(?!example\.org)/i.test(html),
    'nothing fetched',
  );
  // Every percentage states its base.
  const has = (part: string) => assert.ok(html.includes(part), part);
  has('Percentages of the 95 who answered.');
  has('<td>Other libraries</td><td class="num">31</td><td class="num">16</td>');
  has('<td class="num">2.21</td><td class="num">77</td><td class="num">31');
  has('Chi-square = 1.12, df = 2, p = 0.570; Cramér&#39;s V = 0.16.');
  has('Warning: 1 of 6 cells have an expected count below 5');
  has('Split by q3. In which country do you work? = Russia');
  has('<td>r088</td><td>Spanish</td><td>No answer</td>');
});

test("respondents' texts are escaped, isolated, and shown without direction controls", async (t) => {
  const html = await render(await embeddedFixture(t), {});
  assert.ok(html.includes('<bdi>=HYPERLINK(&quot;http://example.org&quot;,&quot;click&quot;)</bdi>'));
  assert.ok(html.includes('<bdi>مكتبة عامة، &quot;اقتباس&quot;</bdi>'), 'U+202E removed');
  assert.ok(!/[\u202A-\u202E\u2066-\u2069]/.test(html));
  assert.ok(html.includes('lang="ar"'));
});

test('labels come in the language asked for; Arabic runs right to left', async (t) => {
  const filled = await embeddedFixture(t);
  const ru = await render(filled, {});
  assert.ok(ru.includes('Other libraries'));
  const russian = await render(filled, { lang: 'ru', by: 'region' });
  assert.match(russian, /<html lang="ru" dir="ltr">/);
  assert.ok(russian.includes('Другие библиотеки'), 'q14 option in Russian');
  assert.ok(russian.includes('Средний ранг'));
  assert.ok(russian.includes('Европа'), 'M49 region named in Russian');
  assert.ok(russian.includes('Проценты от числа ответивших: 95.'));
  const arabic = await render(filled, { lang: 'ar' });
  assert.match(arabic, /<html lang="ar" dir="rtl">/);
  assert.match(arabic, /<div class="survey-report" dir="rtl" lang="ar">/);
  assert.ok(arabic.includes('متوسط المرتبة'));
});

test('Markdown holds the same tables as pipe tables, texts as a list', async (t) => {
  const out = collector();
  const filled = await embeddedFixture(t);
  await runReport(filled.stores, filled.flow, translator, { lang: 'en', format: 'md' }, out.write);
  const md = out.text();
  assert.match(md, /^# Survey report: advocacy/);
  assert.ok(md.includes('| Other libraries | 31 | 16 | 14 | 15 | 1 | 0 | 5 | 2.21 | 77 | 31 |'));
  assert.ok(md.includes('| Yes | 60 | 63.2 |'));
  assert.ok(
    md.includes('- `r003` (es) line one line two, with a comma'),
    'line breaks do not break the list',
  );
  assert.ok(md.includes('=HYPERLINK("http://example.org","click")'));
  assert.ok(!md.includes('<svg'));
});

test('a page can mount the body alone, scoped under .survey-report', async (t) => {
  const filled = await embeddedFixture(t);
  const json = collector();
  const report = await runReport(
    filled.stores,
    filled.flow,
    translator,
    { lang: 'es', format: 'json', texts: false },
    json.write,
  );
  const body = collector();
  const { Labels } = await import('../../src/analysis/render/labels.ts');
  await renderHtmlBody(report, new Labels(translator, filled.flow, 'es'), null, body.write);
  assert.match(body.text(), /^<div class="survey-report" dir="ltr" lang="es">/);
  assert.ok(!body.text().includes('<html'));
  assert.ok(body.text().includes('Otras bibliotecas'));
  assert.ok(REPORT_CSS.split('}').every((rule) => !rule.trim() || rule.trim().startsWith('.survey-report')));
});
