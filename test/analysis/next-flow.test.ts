import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { wideLayout } from '../../src/analysis/export/wide.ts';
import { formatProblem, importWideCsv } from '../../src/analysis/import/wide-csv-import.ts';
import type { RankingTable, Report, TextTable } from '../../src/analysis/model.ts';
import { exportCsv, prepareExport } from '../../src/analysis/run-export.ts';
import { runReport } from '../../src/analysis/run-report.ts';
import type { Flow } from '../../src/engine/flow.ts';
import type { Answer } from '../../src/engine/session.ts';
import type { ResponseRecord } from '../../src/store/response-store.ts';
import { flow as current } from '../support/flow.ts';
import { collector, embeddedStores, fill, translator } from './setup.ts';

/**
 * The questionnaire as issue 11 changed it (q1 "special", q9's "we met no challenges" button,
 * q9b, q11b with its links, q14's "others" specified): the flow in flows/ now. The analysis reads
 * questions by type and answers by shape, so it needed no change when the flow did.
 */
function nextFlow(): Flow {
  return current;
}

const answered = (value: unknown): Answer => ({ status: 'answered', value });

function responses(): ResponseRecord[] {
  return Array.from({ length: 6 }, (_, i) => {
    const answers: Record<string, Answer> = {
      language: answered('ru'),
      consent: answered('yes'),
      q1: answered(i === 0 ? { option: 'special' } : { option: 'other', other: 'Бибколлектор' }),
      q2: answered('no'),
      q3: answered({ code: 'RU', region: '150', subregion: '151' }),
      q5: answered('yes'),
      q5a: answered(i < 2 ? { noBudgetLine: true } : { amount: 1_500_000, currency: 'RUB' }),
      q6: answered({ options: ['libraries'] }),
      q7: { status: 'answered', value: { order: ['libraries'], na: [] }, auto: true },
      q9: answered(i < 3 ? { option: 'no_challenges' } : 'Нет помещения для встреч'),
      q11: answered('Работа с депутатами'),
      q11b: answered(
        i % 2
          ? {
              text: 'См. https://rba.ru/advocacy и https://example.org/kit',
              links: ['https://rba.ru/advocacy', 'https://example.org/kit'],
            }
          : { text: 'Нет ссылок', links: [] },
      ),
      q14: answered({
        order: ['others', 'libraries'],
        na: ['government', 'business', 'nonprofit', 'associations'],
        other: 'Музеи',
      }),
    };
    if (i >= 3) {
      answers.q9a = answered({ option: i === 5 ? 'no' : 'partly' });
      if (i < 5) answers.q9b = answered('Договорились с администрацией');
    }
    return {
      id: `n${i}`,
      flowId: 'advocacy',
      flowVersion: 2,
      locale: 'ru',
      channel: 'telegram',
      respondent: `pn${i}`,
      status: 'complete',
      answers,
      durations: { q9: 5000 + i },
      startedAt: new Date(Date.UTC(2026, 0, 1, i)),
      updatedAt: new Date(Date.UTC(2026, 0, 1, i, 30)),
      finishedAt: new Date(Date.UTC(2026, 0, 1, i, 30)),
    };
  });
}

test("the next questionnaire's answers: a button on a free-text question, links, a ranked item specified", async (t) => {
  const flow = nextFlow();
  const stores = embeddedStores(t);
  await fill(stores, { responses: responses(), codings: [], invitations: [], codebook: false });
  const out = collector();
  await runReport(stores, flow, translator, { lang: 'ru', format: 'json' }, out.write);
  const report = JSON.parse(out.text()) as Report & {
    texts: Record<string, { text: string; links?: string[] }[]>;
  };
  const table = <T>(q: string) => report.questions.find((x) => x.question === q) as T;
  assert.deepEqual(table<TextTable>('q9').options, [{ key: 'no_challenges', count: 3 }]);
  assert.equal(table<TextTable>('q9').texts, 3);
  assert.deepEqual([table<TextTable>('q9b').answered, table<TextTable>('q9b').notApplicable], [2, 4]);
  assert.equal(table<TextTable>('q11b').withLinks, 3);
  assert.deepEqual(report.texts.q11b![1]!.links, ['https://rba.ru/advocacy', 'https://example.org/kit']);
  assert.deepEqual(
    report.texts['q14.other']!.map((e) => e.text),
    Array(6).fill('Музеи'),
  );
  assert.equal(table<RankingTable>('q14').rows.find((r) => r.key === 'others')!.first, 6);
  assert.deepEqual((report.questions.find((x) => x.question === 'q1') as { rows: unknown[] }).rows.at(-2), {
    key: 'special',
    count: 1,
  });

  // The export carries the new shapes and reads them back the same.
  const csv = collector();
  await exportCsv(await prepareExport(stores, flow, translator, { lang: 'en' }), csv.write);
  const header = csv.text().split('\n')[0]!.split(',');
  assert.ok(
    ['q9', 'q9_button', 'q9b', 'q11b', 'q11b_links', 'q14_other_text'].every((c) => header.includes(c)),
  );
  const path = join(stores.dir, 'next.csv');
  writeFileSync(path, csv.text());
  const into = embeddedStores(t);
  const result = await importWideCsv(path, wideLayout(flow, new Map()), into);
  assert.equal(result.problemCount, 0, result.problems.map(formatProblem).join('\n'));
  const again = collector();
  await exportCsv(await prepareExport(into, flow, translator, { lang: 'en' }), again.write);
  assert.equal(again.text(), csv.text());
  assert.deepEqual((await into.responses.get('n1'))!.answers.q11b, responses()[1]!.answers.q11b);
  assert.deepEqual((await into.responses.get('n0'))!.answers.q9, {
    status: 'answered',
    value: { option: 'no_challenges' },
  });
  assert.deepEqual((await into.responses.get('n0'))!.answers.q5a, {
    status: 'answered',
    value: { noBudgetLine: true },
  });
});
