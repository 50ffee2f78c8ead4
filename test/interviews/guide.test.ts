import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { guideKey, guideLines, loadGuide } from '../../src/interviews/guide.ts';
import type { ResponseRecord } from '../../src/store/response-store.ts';
import { flow, resources, translator } from '../support/flow.ts';

const response = (answers: ResponseRecord['answers']): ResponseRecord => ({
  id: 'r1',
  flowId: flow.id,
  flowVersion: flow.version,
  locale: 'en',
  channel: 'telegram',
  respondent: 'p1',
  status: 'complete',
  answers,
  durations: {},
  startedAt: new Date(),
  updatedAt: new Date(),
});

test("the questionnaire's guide suggests questions by the answers, in every language", () => {
  const guide = loadGuide(flow);
  assert.ok(guide.length >= 5);
  for (const lng of flow.languages)
    for (const entry of guide) {
      const [ns, ...rest] = guideKey(flow.id, entry.text).split(':');
      const path = rest.join(':').split('.');
      let node: unknown = resources[lng]?.[ns!];
      for (const part of path) node = (node as Record<string, unknown> | undefined)?.[part];
      assert.equal(typeof node, 'string', `${lng}: ${entry.text}`);
    }
  const partly = response({
    q9a: { status: 'answered', value: { option: 'partly' } },
    q2a: { status: 'answered', value: { option: 'officer' } },
  });
  assert.deepEqual(guideLines(flow, guide, partly, translator.translatorFor('en')), [
    'Suggested questions:',
    '• What remains unresolved, and what stands in the way?',
    "• How does your association support members' advocacy? What would you change?",
  ]);
  assert.match(guideLines(flow, guide, partly, translator.translatorFor('ru')).join('\n'), /нерешённым/);
  assert.deepEqual(guideLines(flow, guide, response({}), translator.translatorFor('en')), []);
});

test('a guide naming a question the flow lacks, or malformed, is refused by name', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'guide-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, `${flow.id}.yaml`), '- when: { q: q99, equals: x }\n  text: lost\n');
  assert.throws(() => loadGuide(flow, dir), /lost: no question q99/);
  writeFileSync(join(dir, `${flow.id}.yaml`), '- when: { q: q9a, equals: partly }\n  text: Bad Id\n');
  assert.throws(() => loadGuide(flow, dir), /a-z, 0-9/);
  assert.deepEqual(loadGuide({ ...flow, id: 'none' }, dir), []);
});
