import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { ConversationService, type TurnResult } from '../../src/conversation/service.ts';
import type { Input } from '../../src/engine/input.ts';
import type { Resources } from '../../src/engine/validate.ts';
import { FlowRegistry } from '../../src/flows/registry.ts';
import { Translator } from '../../src/i18n/translator.ts';
import { FileFlowSnapshots } from '../../src/store/file-flow-snapshots.ts';
import { FileContactStore, FileResponseStore } from '../../src/store/file-response-store.ts';
import { MemorySessionStore } from '../../src/store/memory-session-store.ts';
import { collect } from '../../src/store/response-store.ts';

const consent = 'consent: { operator: Test team, contact: test@example.org, retentionMonths: 12 }';
/** Version 1 asks q1, q2, q3. */
const V1 = `id: mini
version: 1
${consent}
questions:
  - { id: language, type: language }
  - { id: consent, type: consent }
  - { id: q1, type: yesno }
  - { id: q2, type: single, options: [a, b] }
  - { id: q3, type: yesno }
`;
/** Version 2 removes q2 and adds q4 before q3. */
const V2 = V1.replace('version: 1', 'version: 2').replace(
  '  - { id: q2, type: single, options: [a, b] }',
  '  - { id: q4, type: yesno }',
);
const common = {
  language: { text: 'Language?', option: '{{code}}' },
  consent: { text: 'OK?', yes: 'y', no: 'n' },
};
const texts = (mini: Record<string, unknown>): Resources => ({ en: { common, mini } });
const textsV1 = {
  q1: { text: 'One?' },
  q2: { text: 'Two?', options: { a: 'A', b: 'B' } },
  q3: { text: 'Three?' },
};
const textsV2 = { q1: { text: 'One?' }, q3: { text: 'Three?' }, q4: { text: 'Four?' } };

/** The stores one deployment after another shares: sessions, responses, deployed flow versions. */
function shared(t: TestContext) {
  const root = mkdtempSync(join(tmpdir(), 'survey-versions-'));
  const flows = join(root, 'flows');
  mkdirSync(flows);
  const stores = {
    sessions: new MemorySessionStore(),
    responses: new FileResponseStore(join(root, 'data')),
    contacts: new FileContactStore(join(root, 'data')),
    snapshots: new FileFlowSnapshots(join(root, 'data')),
  };
  t.after(async () => {
    await Promise.all([stores.responses.close(), stores.contacts.close(), stores.snapshots.close()]);
    rmSync(root, { recursive: true, force: true });
  });
  /** Deploys what the flow file says now, as a process starting would. */
  const deploy = async (yaml: string, resources: Resources) => {
    writeFileSync(join(flows, 'mini.yaml'), yaml);
    const translator = new Translator(resources, ['en']);
    const registry = FlowRegistry.open({
      resources,
      translator,
      store: stores.snapshots,
      defaultFlow: 'mini',
      flowsDir: flows,
      archiveDir: join(root, 'archive'),
    });
    await registry.deploy();
    const service = new ConversationService({ flows: registry, ...stores });
    t.after(() => service.close());
    return service;
  };
  return { stores, deploy };
}

test('a respondent who started on version 1 finishes on version 1 after version 2 is deployed; a new one gets version 2', async (t) => {
  const { stores, deploy } = shared(t);
  const first = await deploy(V1, texts(textsV1));
  const say = (service: ConversationService, user: string, input: Input): Promise<TurnResult> =>
    service.turn({ channel: 'test', user, input });
  await say(first, 'early', { type: 'start' });
  await say(first, 'early', { type: 'choose', option: 'en' });
  await say(first, 'early', { type: 'choose', option: 'yes' });
  const atQ2 = await say(first, 'early', { type: 'choose', option: 'no' });
  assert.equal(atQ2.prompt?.kind === 'question' && atQ2.prompt.question, 'q2');

  // Version 2 is deployed: q2 is gone from the file, q4 is new.
  const second = await deploy(V2, texts(textsV2));
  const stillQ2 = await say(second, 'early', { type: 'start' });
  assert.equal(stillQ2.flow.version, 1);
  assert.equal(stillQ2.prompt?.kind === 'question' && stillQ2.prompt.question, 'q2');
  await say(second, 'early', { type: 'choose', option: 'b' });
  const done = await say(second, 'early', { type: 'choose', option: 'yes' });
  assert.equal(done.prompt?.kind, 'completed');

  await say(second, 'late', { type: 'start' });
  await say(second, 'late', { type: 'choose', option: 'en' });
  await say(second, 'late', { type: 'choose', option: 'yes' });
  const atQ4 = await say(second, 'late', { type: 'choose', option: 'yes' });
  assert.equal(atQ4.flow.version, 2);
  assert.equal(atQ4.prompt?.kind === 'question' && atQ4.prompt.question, 'q4');

  const [early] = await collect(stores.responses.scan());
  assert.equal(early!.flowVersion, 1, 'the response records the version it was answered on');
  assert.deepEqual(Object.keys(early!.answers).sort(), ['consent', 'language', 'q1', 'q2', 'q3']);
  assert.deepEqual(early!.answers.q2, { status: 'answered', value: { option: 'b' } });
});

test('a flow file changed without a new version does not deploy, and live sessions keep theirs', async (t) => {
  const { deploy } = shared(t);
  await deploy(V1, texts(textsV1));
  await assert.rejects(
    deploy(V2.replace('version: 2', 'version: 1'), texts({ ...textsV1, ...textsV2 })),
    /version 1 was deployed before with other questions: raise the version number/,
  );
});
