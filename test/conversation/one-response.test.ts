import { collect } from '../../src/store/response-store.ts';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { ConversationService, type Turn } from '../../src/conversation/service.ts';
import type { Flow } from '../../src/engine/flow.ts';
import type { Input } from '../../src/engine/input.ts';
import { FileContactStore, FileResponseStore } from '../../src/store/file-response-store.ts';
import { MemorySessionStore } from '../../src/store/memory-session-store.ts';
import { sessionKey } from '../../src/store/session-store.ts';
import { flow as advocacy } from '../support/flow.ts';
import { answerUntil, finished } from './autopilot.ts';

function setup(t: TestContext, responses: Flow['responses'] = advocacy.responses) {
  const dir = mkdtempSync(join(tmpdir(), 'survey-one-response-'));
  const stores = {
    sessions: new MemorySessionStore(),
    responses: new FileResponseStore(dir),
    contacts: new FileContactStore(dir),
  };
  const flow: Flow = { ...advocacy, responses };
  let now = Date.UTC(2024, 4, 1);
  const service = new ConversationService({
    flow,
    ...stores,
    clock: () => (now += 1000),
    salt: 'one-0123456789abcdef',
  });
  t.after(async () => {
    service.close();
    await stores.responses.close();
    await stores.contacts.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const turn = (input: Input, extra: Partial<Turn> = {}) =>
    service.turn({ channel: 'test', user: 'u1', locale: 'fr', input, ...extra });
  const complete = () => answerUntil(turn, finished, 'first');
  const session = () => stores.sessions.get(sessionKey('test', 'u1'));
  return { service, stores, turn, complete, session };
}

test('after completion, text or /start is told the survey is complete and starts nothing', async (t) => {
  const { stores, turn, complete, session } = setup(t);
  const done = await complete();
  assert.deepEqual(done.notices, [{ key: 'common:end.completed' }]);
  for (const input of [{ type: 'text', text: 'hello again' }, { type: 'start' }] as Input[]) {
    const again = await turn(input);
    assert.deepEqual(again.notices, [{ key: 'common:end.already' }]);
    assert.deepEqual(again.prompt, { kind: 'completed', version: 0, locale: 'en' });
    assert.equal(again.session, null);
    assert.deepEqual(again.completed, {
      response: done.session!.id,
      locale: 'en',
      canChange: false,
      canRestart: false,
    });
    assert.equal(await session(), null, 'no session was started');
  }
  // A confirmed /restart changes nothing when the flow takes one response per respondent.
  assert.equal((await turn({ type: 'start' }, { again: true })).completed?.response, done.session!.id);
  assert.equal((await collect(stores.responses.scan())).length, 1);
});

test('a stale press after completion is refused in the language the survey was taken in', async (t) => {
  const { turn, complete } = setup(t);
  await complete();
  const press = await turn({ type: 'choose', option: 'yes', bound: { question: 'q2', version: 4 } });
  assert.equal(press.refusal?.code, 'stale');
  assert.equal(press.prompt?.locale, 'en', 'the respondent answered in English; their platform says French');
});

test('a flow that takes several responses: a confirmed /restart starts a second one', async (t) => {
  const { stores, turn, complete } = setup(t, { perRespondent: 'many', changeAfterCompletion: false });
  const first = await complete();
  assert.equal((await turn({ type: 'text', text: 'hi' })).completed?.canRestart, true);
  const again = await turn({ type: 'start' }, { again: true });
  assert.equal(again.prompt?.kind, 'question');
  assert.notEqual(again.session?.id, first.session!.id);
  await answerUntil(turn, finished, 'second');
  assert.equal((await collect(stores.responses.scan({ status: 'complete' }))).length, 2);
});

test('changing a complete response replaces the same record, contact details included', async (t) => {
  const { stores, service, turn, complete, session } = setup(t, {
    perRespondent: 'one',
    changeAfterCompletion: true,
  });
  const first = await complete();
  const id = first.session!.id;
  const [before] = await collect(stores.responses.scan());
  assert.ok(before?.contactId, 'the autopilot leaves contact details');

  const reopened = await service.reopen({ channel: 'test', user: 'u1' });
  assert.deepEqual(reopened.notices, [{ key: 'common:completed.changing' }]);
  assert.equal(reopened.session?.id, id, 'the same response');
  const prompt = reopened.prompt;
  assert.ok(prompt?.kind === 'question');
  assert.equal(prompt.question, 'q17', 'at the last question answered');
  assert.equal(prompt.canGoBack, true);
  assert.equal(
    prompt.previous?.status === 'answered' && (prompt.previous.value as { name?: string }).name,
    'first name',
  );

  // Back to q16 and change it; q17 keeps its answer, so the response is complete again.
  const bound = (p: typeof prompt) => ({ question: p.question, version: p.version });
  const back = await turn({ type: 'back', bound: bound(prompt) });
  assert.ok(back.prompt?.kind === 'question' && back.prompt.question === 'q16');
  const changed = await turn({ type: 'choices', options: ['mou'], bound: bound(back.prompt) });
  assert.deepEqual(changed.notices, [{ key: 'common:end.completed' }]);
  assert.equal(await session(), null);
  const after = await collect(stores.responses.scan());
  assert.equal(after.length, 1, 'one record');
  assert.equal(after[0]!.id, id);
  assert.deepEqual(after[0]!.answers.q16, { status: 'answered', value: { options: ['mou'] } });
  assert.deepEqual(after[0]!.answers.q17, before!.answers.q17);
  assert.equal(after[0]!.startedAt.getTime(), before!.startedAt.getTime());
  assert.equal((await stores.contacts.list()).length, 1, 'the contact record is the same one');
  assert.equal((await stores.contacts.get(id))!.name, 'first name');
});

test('reopening is refused when the flow does not allow changes; nothing starts', async (t) => {
  const { service, complete, session } = setup(t);
  await complete();
  const result = await service.reopen({ channel: 'test', user: 'u1' });
  assert.deepEqual(result.notices, [{ key: 'common:completed.change_closed' }]);
  assert.equal(result.completed?.canChange, false);
  assert.equal(await session(), null);
});
