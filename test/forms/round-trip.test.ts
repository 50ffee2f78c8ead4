import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { parse } from 'yaml';
import { FlowSchema } from '../../src/engine/flow.ts';
import { requiredKeys } from '../../src/engine/validate.ts';
import { FLOWS_DIR, loadFlow, loadResources, withFlowTexts } from '../../src/flows/load.ts';
import { writeXlsForm } from '../../src/forms/export.ts';
import { importFormFile } from '../../src/forms/import-file.ts';
import { flow, resources, translator } from '../support/flow.ts';
import { needPyxform, pyxformCheck } from '../support/pyxform.ts';

function tempDir(t: { after(fn: () => void): void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'form-round-trip-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

const lookup = (tree: unknown, key: string): unknown =>
  key.split('.').reduce<unknown>((node, part) => (node as Record<string, unknown> | undefined)?.[part], tree);

test('the advocacy flow exported as an XLSForm and imported again is the same flow, with the same texts', async (t) => {
  const dir = tempDir(t);
  const xlsx = join(dir, 'advocacy.xlsx');
  await writeXlsForm(flow, translator, xlsx);
  const flows = join(dir, 'flows');
  const report = await importFormFile(xlsx, { flowsDir: flows });
  assert.deepEqual(report.problems, []);
  assert.equal(report.ok, true);

  const original = FlowSchema.parse(parse(readFileSync(join(FLOWS_DIR, 'advocacy.yaml'), 'utf8')));
  const imported = FlowSchema.parse(parse(readFileSync(join(flows, 'advocacy.yaml'), 'utf8')));
  const { languages, ...rest } = imported;
  assert.deepEqual(rest, original);
  // The original's languages are the bot's, English first; the import lists them explicitly.
  assert.deepEqual(languages, [...flow.languages]);

  const again = loadFlow(
    'advocacy',
    withFlowTexts(loadResources(), 'advocacy', join(flows, 'locales')),
    flows,
  );
  assert.deepEqual(again.languages, flow.languages);
  for (const lng of flow.languages) {
    const texts = JSON.parse(readFileSync(join(flows, 'locales', lng, 'advocacy.json'), 'utf8'));
    for (const { key } of requiredKeys(original)) {
      assert.equal(lookup(texts, key), lookup(resources[lng]!.advocacy, key), `${lng} ${key}`);
    }
  }
});

test('pyxform, the converter ODK and KoboToolbox use, accepts the exported advocacy form', async (t) => {
  if (!needPyxform(t)) return;
  const dir = tempDir(t);
  const xlsx = join(dir, 'advocacy.xlsx');
  await writeXlsForm(flow, translator, xlsx);
  const result = pyxformCheck(xlsx, join(dir, 'advocacy.xml'));
  assert.ok([100, 101].includes(result.code), JSON.stringify(result));
  // The one warning: pyxform labels its generated "other" text field in English only.
  for (const warning of result.warnings ?? []) assert.match(warning, /or_other and translations/);
  const xml = readFileSync(join(dir, 'advocacy.xml'), 'utf8');
  for (const q of flow.questions) assert.ok(xml.includes(`/data/${q.id}"`), q.id);
  assert.match(xml, /odk:rank ref="\/data\/q7"/);
  assert.match(xml, /selected\( \/data\/q6 , name\)/);
});
