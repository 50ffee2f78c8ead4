import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { next, promptFor, rebase, startSession } from '../../src/engine/engine.ts';
import type { Resources } from '../../src/engine/validate.ts';
import { FlowRegistry } from '../../src/flows/registry.ts';
import { FlowError } from '../../src/flows/load.ts';
import { Translator } from '../../src/i18n/translator.ts';
import { FileFlowSnapshots } from '../../src/store/file-flow-snapshots.ts';

const V1 = `id: mini
version: 1
consent: { operator: Test team, contact: test@example.org, retentionMonths: 12 }
questions:
  - { id: language, type: language }
  - { id: consent, type: consent }
  - { id: q1, type: yesno }
  - { id: q2, type: single, options: [a, b] }
  - { id: q3, type: yesno }
`;
/** Version 2 removes q2, adds q4 before q3 and drops option b of nothing that remains. */
const V2 = `id: mini
version: 2
consent: { operator: Test team, contact: test@example.org, retentionMonths: 12 }
questions:
  - { id: language, type: language }
  - { id: consent, type: consent }
  - { id: q1, type: yesno }
  - { id: q4, type: yesno }
  - { id: q3, type: yesno }
`;

const common = {
  language: { text: 'Language?', option: '{{code}}' },
  consent: { text: 'OK?', yes: 'y', no: 'n' },
};
function resourcesWith(mini: Record<string, unknown>): Resources {
  return { en: { common, mini } };
}
const textsV1 = {
  q1: { text: 'One (v1)?' },
  q2: { text: 'Two?', options: { a: 'A', b: 'B' } },
  q3: { text: 'Three?' },
};
const textsV2 = { q1: { text: 'One (v2)?' }, q3: { text: 'Three?' }, q4: { text: 'Four?' } };

function folders(t: TestContext) {
  const root = mkdtempSync(join(tmpdir(), 'survey-registry-'));
  const flows = join(root, 'flows');
  mkdirSync(flows);
  const store = new FileFlowSnapshots(join(root, 'data'));
  t.after(async () => {
    await store.close();
    rmSync(root, { recursive: true, force: true });
  });
  return { flows, store, archive: join(root, 'archive') };
}

async function open(flowsDir: string, archiveDir: string, store: FileFlowSnapshots, resources: Resources) {
  const translator = new Translator(resources, Object.keys(resources));
  const registry = FlowRegistry.open({
    resources,
    translator,
    store,
    defaultFlow: 'mini',
    flowsDir,
    archiveDir,
  });
  await registry.deploy();
  return { registry, translator };
}

test('a session on version 1 keeps version 1, with its texts, after version 2 is deployed', async (t) => {
  const { flows, store, archive } = folders(t);
  writeFileSync(join(flows, 'mini.yaml'), V1);
  const first = await open(flows, archive, store, resourcesWith(textsV1));
  const v1 = first.registry.defaultFlow;
  let step = startSession(v1, { id: 's1', now: 0 });
  for (const input of [
    { type: 'choose', option: 'en' },
    { type: 'choose', option: 'yes' },
  ] as const) {
    step = next(v1, step.session, input, 1);
  }
  assert.equal(step.session.current, 'q1');

  writeFileSync(join(flows, 'mini.yaml'), V2);
  const { registry, translator } = await open(flows, archive, store, resourcesWith(textsV2));
  assert.equal(registry.defaultFlow.version, 2);
  const old = await registry.version('mini', 1);
  assert.ok(old);
  assert.equal(old.ns, 'mini@1');
  assert.equal(await registry.version('mini', 1), old, 'loaded once');
  assert.equal(await registry.version('mini', 2), registry.defaultFlow);
  assert.equal(await registry.version('mini', 7), null);
  assert.equal(await registry.version('other', 1), null);

  const t_ = translator.translatorFor('en');
  const prompt = promptFor(old, step.session);
  assert.equal(prompt.kind === 'question' && t_(prompt.text), 'One (v1)?');
  const current = promptFor(
    registry.defaultFlow,
    startSession(registry.defaultFlow, { id: 'x', now: 0 }).session,
  );
  assert.equal(current.kind, 'question');
  // The old version still walks its own path: q2 (gone from version 2) comes next.
  step = next(old, step.session, { type: 'choose', option: 'yes' }, 2);
  assert.equal(step.session.current, 'q2');
  const q2 = promptFor(old, step.session);
  assert.equal(q2.kind === 'question' && t_(q2.choices[1]!.label), 'B');
});

test('a version deployed again with other questions is refused, naming the flow; corrected texts are not', async (t) => {
  const { flows, store, archive } = folders(t);
  writeFileSync(join(flows, 'mini.yaml'), V1);
  await open(flows, archive, store, resourcesWith(textsV1));
  // Same version, corrected text: accepted, and the stored texts follow.
  const fixed = { ...textsV1, q1: { text: 'One, corrected?' } };
  await open(flows, archive, store, resourcesWith(fixed));
  assert.deepEqual((await store.get('mini', 1))?.texts, { en: fixed });

  writeFileSync(join(flows, 'mini.yaml'), V2.replace('version: 2', 'version: 1'));
  // What the validator reports before a deployment, without storing anything.
  const translator = new Translator(resourcesWith({ ...textsV1, ...textsV2 }), ['en']);
  const dry = FlowRegistry.open({
    resources: resourcesWith({ ...textsV1, ...textsV2 }),
    translator,
    store,
    defaultFlow: 'mini',
    flowsDir: flows,
    archiveDir: archive,
  });
  assert.deepEqual(
    (await dry.check()).map((i) => i.file),
    ['flows/mini.yaml'],
  );
  await assert.rejects(
    open(flows, archive, store, resourcesWith({ ...textsV1, ...textsV2 })),
    (error: unknown) =>
      error instanceof FlowError &&
      /flows\/mini\.yaml: version 1 was deployed before with other questions: raise the version number/.test(
        error.message,
      ),
  );
  assert.equal((await store.get('mini', 1))?.hash !== undefined, true);
});

test('versions kept in the repository archive are loadable though never deployed here', async (t) => {
  const { flows, store, archive } = folders(t);
  writeFileSync(join(flows, 'mini.yaml'), V1);
  const seed = await open(flows, archive, store, resourcesWith(textsV1));
  const snapshot = (await store.get('mini', 1))!;
  mkdirSync(archive);
  const { savedAt, ...archived } = snapshot;
  writeFileSync(join(archive, 'mini@1.json'), JSON.stringify(archived));
  assert.ok(seed);

  const elsewhere = folders(t);
  writeFileSync(join(elsewhere.flows, 'mini.yaml'), V2);
  const { registry } = await open(elsewhere.flows, archive, elsewhere.store, resourcesWith(textsV2));
  assert.equal((await registry.version('mini', 1))?.version, 1);
});

test('a session whose version is gone moves onto the current one: kept answers stay, it goes on where it must', async (t) => {
  const { flows, store, archive } = folders(t);
  writeFileSync(join(flows, 'mini.yaml'), V1);
  const v1 = (await open(flows, archive, store, resourcesWith(textsV1))).registry.defaultFlow;
  let s = startSession(v1, { id: 's', now: 0 }).session;
  for (const input of [
    { type: 'choose', option: 'en' },
    { type: 'choose', option: 'yes' },
    { type: 'choose', option: 'no' },
    { type: 'choose', option: 'b' },
  ] as const) {
    s = next(v1, s, input, 1000).session;
  }
  assert.equal(s.current, 'q3');
  assert.ok('q2' in s.durations);

  writeFileSync(join(flows, 'mini.yaml'), V2);
  const v2 = (await open(flows, join(archive, 'none'), store, resourcesWith(textsV2))).registry.defaultFlow;
  const moved = rebase(v2, s, 5000);
  assert.equal(moved.session.flowVersion, 2);
  assert.equal(moved.session.current, 'q4', 'the new question is asked, not the one that is gone');
  assert.deepEqual(Object.keys(moved.session.answers).sort(), ['consent', 'language', 'q1']);
  assert.ok(!('q2' in moved.session.durations));
  assert.deepEqual(moved.session.path, ['language', 'consent', 'q1']);
  assert.equal(moved.session.version, s.version + 1);
  assert.equal(moved.prompt.kind === 'question' && moved.prompt.question, 'q4');
});
