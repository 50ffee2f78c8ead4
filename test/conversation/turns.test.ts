import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { ConversationService, type Turn } from '../../src/conversation/service.ts';
import type { Input } from '../../src/engine/input.ts';
import { FileCodingStore } from '../../src/store/file-coding-store.ts';
import { FileContactStore, FileResponseStore } from '../../src/store/file-response-store.ts';
import { MemorySessionStore } from '../../src/store/memory-session-store.ts';
import { collect, type ResponseRecord, type ResponseStore } from '../../src/store/response-store.ts';
import { sessionKey } from '../../src/store/session-store.ts';
import { flow } from '../support/flow.ts';
import { DEFAULT_ANSWERS } from '../support/interview.ts';

/** A response store that fails while `down` is set, as a database outage would. */
class FlakyResponses implements ResponseStore {
  down = false;
  saves = 0;
  constructor(private readonly inner: ResponseStore) {}
  async save(record: ResponseRecord) {
    if (this.down) throw new Error('connection refused');
    this.saves++;
    return this.inner.save(record);
  }
  get = (id: string) => this.inner.get(id);
  byRespondent = (r: string, f: string) => this.inner.byRespondent(r, f);
  scan = (...a: Parameters<ResponseStore['scan']>) => this.inner.scan(...a);
  scanHeads = (...a: Parameters<ResponseStore['scanHeads']>) => this.inner.scanHeads(...a);
  page = (...a: Parameters<ResponseStore['page']>) => this.inner.page(...a);
  deleteByRespondent = (r: string) => this.inner.deleteByRespondent(r);
  deleteIds = (ids: string[]) => this.inner.deleteIds(ids);
  close = () => this.inner.close();
}

function setup() {
  const dir = mkdtempSync(join(tmpdir(), 'survey-turns-'));
  const sessions = new MemorySessionStore();
  const responses = new FlakyResponses(new FileResponseStore(dir));
  const contacts = new FileContactStore(dir);
  const codings = new FileCodingStore(dir);
  let now = 1_000_000;
  const service = new ConversationService({
    flow,
    sessions,
    responses,
    contacts,
    codings,
    clock: () => (now += 1000),
    salt: 'test-salt-0123456789',
    abandonAfter: 3600_000,
  });
  const turn = (input: Input, extra: Partial<Turn> = {}) =>
    service.turn({ channel: 'test', user: 'u1', input, ...extra });
  const cleanup = () => {
    service.close();
    rmSync(dir, { recursive: true, force: true });
  };
  return {
    service,
    sessions,
    responses,
    contacts,
    codings,
    turn,
    cleanup,
    advance: (ms: number) => (now += ms),
  };
}

/** Answers with the default plan until the survey ends or `stopAt` is the current question. */
async function answerAll(
  turn: ReturnType<typeof setup>['turn'],
  plan: Record<string, Input> = {},
  stopAt?: string,
) {
  let result = await turn({ type: 'start' });
  for (let i = 0; i < 60 && result.prompt?.kind === 'question'; i++) {
    const p = result.prompt;
    if (p.question === stopAt) return result;
    const planned =
      plan[`${p.question}.${p.step}`] ??
      (p.step === '' ? (plan[p.question] ?? DEFAULT_ANSWERS[p.question]) : undefined);
    result = await turn((planned as Input | undefined) ?? { type: 'decline' });
    assert.equal(result.refusal, undefined, `${p.question}: ${result.refusal?.code}`);
  }
  return result;
}

test('a complete interview stores one response, then removes the session', async () => {
  const { turn, sessions, responses, cleanup } = setup();
  try {
    const result = await answerAll(turn, {}, undefined);
    assert.equal(result.prompt?.kind, 'completed');
    assert.deepEqual(result.notices, [{ key: 'common:end.completed' }]);
    const stored = await collect(responses.scan());
    assert.equal(stored.length, 1);
    assert.equal(stored[0]!.status, 'complete');
    assert.equal(stored[0]!.channel, 'test');
    assert.deepEqual(stored[0]!.answers.q6, {
      status: 'answered',
      value: { options: ['libraries', 'government'] },
    });
    assert.ok(stored[0]!.durations.q1! > 0);
    assert.equal(await sessions.get(sessionKey('test', 'u1')), null);
  } finally {
    cleanup();
  }
});

test('contact details go to the contact store, not into the response', async () => {
  const { turn, responses, contacts, cleanup } = setup();
  try {
    await answerAll(turn, {
      q17: { type: 'choose', option: 'yes' },
      'q17.name': { type: 'text', text: 'Amina' },
      'q17.method': { type: 'choose', option: 'chat' },
      'q17.language': { type: 'choose', option: 'ar' },
    });
    const [response] = await collect(responses.scan());
    assert.deepEqual(response!.answers.q17, { status: 'answered', value: { agreed: 'yes' } });
    assert.ok(!JSON.stringify(response).includes('Amina'));
    const contact = await contacts.get(response!.contactId!);
    assert.equal(contact?.name, 'Amina');
    assert.equal(contact?.chat, 'u1');
    assert.equal(contact?.language, 'ar');
  } finally {
    cleanup();
  }
});

test('when the response store is down, the respondent is told the answers are kept, and a retry saves once', async () => {
  const { turn, sessions, responses, cleanup } = setup();
  try {
    await answerAll(turn, {}, 'q17');
    responses.down = true;
    const result = await turn({ type: 'choose', option: 'no' });
    assert.deepEqual(result.notices, [{ key: 'common:end.saved_later' }]);
    assert.ok(await sessions.get(sessionKey('test', 'u1')), 'the session stays until the response is saved');
    // The respondent writes again while the database is still down: nothing is lost.
    const again = await turn({ type: 'text', text: 'hello?' });
    assert.deepEqual(again.notices, [{ key: 'common:end.saved_later' }]);
    responses.down = false;
    const back = await turn({ type: 'start' });
    assert.deepEqual(back.notices, [{ key: 'common:end.completed' }]);
    assert.equal((await collect(responses.scan())).length, 1);
    assert.equal(await sessions.get(sessionKey('test', 'u1')), null);
  } finally {
    cleanup();
  }
});

test('a respondent who does not consent leaves nothing stored', async () => {
  const { turn, sessions, responses, cleanup } = setup();
  try {
    await turn({ type: 'start' });
    await turn({ type: 'choose', option: 'en' });
    const result = await turn({ type: 'choose', option: 'no' });
    assert.equal(result.prompt?.kind, 'withdrawn');
    assert.equal(await sessions.get(sessionKey('test', 'u1')), null);
    assert.deepEqual(await collect(responses.scan()), []);
  } finally {
    cleanup();
  }
});

test('coming back resumes at the same question with a welcome-back notice', async () => {
  const { turn, cleanup } = setup();
  try {
    await answerAll(turn, {}, 'q4');
    const back = await turn({ type: 'start' });
    assert.equal(back.prompt?.kind === 'question' && back.prompt.question, 'q4');
    assert.equal(back.notices[0]?.key, 'common:resumed');
    assert.equal(back.notices[0]?.params?.position, 5);
  } finally {
    cleanup();
  }
});

test('an unreadable stored session is replaced with a clear message, not a crash loop', async () => {
  const { turn, sessions, cleanup } = setup();
  try {
    sessions.putRaw(sessionKey('test', 'u1'), '{"schema":0,"garbage":true}', 7);
    const first = await turn({ type: 'text', text: 'hi' });
    assert.deepEqual(first.notices, [{ key: 'common:session_reset' }]);
    assert.equal(first.prompt?.kind === 'question' && first.prompt.question, 'language');
    const second = await turn({ type: 'choose', option: 'en' });
    assert.equal(second.refusal, undefined);
    assert.equal(second.prompt?.kind === 'question' && second.prompt.question, 'consent');
  } finally {
    cleanup();
  }
});

test('a button made for an older version is refused and changes nothing', async () => {
  const { turn, sessions, cleanup } = setup();
  try {
    const at = await answerAll(turn, {}, 'q2');
    const version = at.prompt!.version;
    await turn({ type: 'choose', option: 'no', bound: { question: 'q2', version } });
    const before = await sessions.get(sessionKey('test', 'u1'));
    const stale = await turn({ type: 'choose', option: 'yes', bound: { question: 'q2', version } });
    assert.equal(stale.refusal?.code, 'stale');
    assert.deepEqual(await sessions.get(sessionKey('test', 'u1')), before);
  } finally {
    cleanup();
  }
});

test('erase removes the session, the responses, their codes and the contact details of one user only', async () => {
  const { service, turn, responses, contacts, codings, cleanup } = setup();
  try {
    await answerAll(turn, {
      q17: { type: 'choose', option: 'yes' },
      'q17.name': { type: 'text', text: 'Ana' },
      'q17.method': { type: 'choose', option: 'email' },
      'q17.email': { type: 'text', text: 'ana@example.org' },
      'q17.language': { type: 'choose', option: 'es' },
    });
    await service.turn({ channel: 'test', user: 'u2', input: { type: 'start' } });
    await service.turn({ channel: 'test', user: 'u2', input: { type: 'choose', option: 'en' } });
    const [mine] = await collect(responses.scan());
    const coded = { flowId: flow.id, question: 'q9', coder: 'alice', codes: ['financing'], at: new Date() };
    await codings.saveCoding({ ...coded, responseId: mine!.id, respondent: mine!.respondent });
    await codings.saveCoding({ ...coded, responseId: 'other', respondent: 'someone else' });
    // One respondent, one response: u1 coming back is told so, and no second session starts.
    assert.deepEqual((await turn({ type: 'start' })).notices, [{ key: 'common:end.already' }]);
    const erased = await service.erase('test', 'u1');
    assert.deepEqual(erased, {
      session: false,
      responses: 1,
      contacts: 1,
      addresses: 0,
      more: [{ name: 'codings', count: 1 }],
    });
    assert.deepEqual(await collect(responses.scan()), []);
    assert.deepEqual(await contacts.list(), []);
    assert.deepEqual(
      (await collect(codings.scanCodings({ flowId: flow.id }))).map((c) => c.responseId),
      ['other'],
    );
    assert.ok(
      (await service.turn({ channel: 'test', user: 'u2', input: { type: 'start' } })).session,
      'u2 is untouched',
    );
  } finally {
    cleanup();
  }
});

test('the sweep archives idle sessions as partial responses that a later completion replaces', async () => {
  const { service, turn, responses, advance, cleanup } = setup();
  try {
    await answerAll(turn, {}, 'q5');
    advance(2 * 3600_000);
    assert.deepEqual(await service.sweep(), { archived: 1, completed: 0 });
    assert.deepEqual(await service.sweep(), { archived: 0, completed: 0 }, 'archived once');
    const [partial] = await collect(responses.scan());
    assert.equal(partial!.status, 'partial');
    assert.ok(partial!.answers.q4);
    const result = await answerAll(turn);
    assert.equal(result.prompt?.kind, 'completed');
    const all = await collect(responses.scan());
    assert.equal(all.length, 1, 'the same record, now complete');
    assert.equal(all[0]!.status, 'complete');
  } finally {
    cleanup();
  }
});
