import assert from 'node:assert/strict';
import { test } from 'node:test';
import { planReply } from '../../src/channels/discord/reply.ts';
import { ConversationService, type TurnResult } from '../../src/conversation/service.ts';
import type { Input } from '../../src/engine/input.ts';
import type { ContactStore, ResponseStore } from '../../src/store/response-store.ts';
import { MemorySessionStore } from '../../src/store/memory-session-store.ts';
import { flow, translator } from '../support/flow.ts';

/** In-memory record stores: planReply is pure, the service only produces real turn results. */
function service(): ConversationService {
  const records = () => {
    const rows = new Map<string, { id: string; respondent: string }>();
    return {
      save: async (r: { id: string; respondent: string }) => void rows.set(r.id, r),
      get: async (id: string) => rows.get(id) ?? null,
      list: async () => [...rows.values()],
      byRespondent: async (respondent: string) =>
        [...rows.values()].filter((r) => r.respondent === respondent),
      deleteByRespondent: async () => 0,
      close: async () => {},
    };
  };
  return new ConversationService({
    flow,
    sessions: new MemorySessionStore(),
    responses: records() as unknown as ResponseStore,
    contacts: records() as unknown as ContactStore,
  });
}

const t = translator.translatorFor('en');

async function turns(inputs: Input[]) {
  const s = service();
  const results: { result: TurnResult; input: Input }[] = [];
  for (const input of [{ type: 'start' } as Input, ...inputs]) {
    results.push({ result: await s.turn({ channel: 'discord', user: 'u1', locale: 'en-US', input }), input });
  }
  return results.map(({ result, input }) => planReply(flow, t, result, input));
}

test('start: the question in a new message; nothing to mark answered', async () => {
  const [start] = await turns([]);
  assert.equal(start!.notice, null);
  assert.equal(start!.update, null);
  assert.equal(start!.messages.length, 1);
  assert.match(start!.messages[0]!.content, /Please choose your language/);
  assert.deepEqual(start!.showing, { question: 'language', version: 0, in: 'last' });
});

test('an accepted answer marks its message answered and sends the next question', async () => {
  const [, english] = await turns([{ type: 'choose', option: 'en' }]);
  assert.equal(english!.notice, null);
  assert.match(english!.update!.content, /Your answer: \*\*English\*\*/);
  assert.equal(english!.messages.length, 1);
  assert.match(english!.messages[0]!.content, /Do you agree to take part/);
  assert.equal(english!.showing?.question, 'consent');
});

test('a refusal is a notice only: no message changes', async () => {
  const [, , refused] = await turns([
    { type: 'choose', option: 'en' },
    { type: 'choose', option: 'maybe' },
  ]);
  assert.deepEqual(refused, {
    notice: 'That is not one of the options. Please choose one of those shown.',
    update: null,
    messages: [],
    showing: null,
  });
});

test('ranking picks update the message in place; the last pick moves on', async () => {
  const plans = await turns([
    { type: 'choose', option: 'en' },
    { type: 'choose', option: 'yes' },
    { type: 'choose', option: 'public' },
    { type: 'choose', option: 'no' },
    { type: 'text', text: 'Egypt' },
    { type: 'choose', option: 'not_applicable' },
    { type: 'choose', option: 'no' },
    { type: 'choices', options: ['libraries', 'government', 'business'] },
    { type: 'choose', option: 'business' },
    { type: 'choose', option: 'libraries' },
  ]);
  const pick = plans.at(-2)!;
  assert.equal(pick.messages.length, 0);
  assert.match(pick.update!.content, /Ranked so far: 1\. Commercial/);
  assert.equal(pick.showing?.in, 'update');
  const last = plans.at(-1)!;
  assert.match(
    last.update!.content,
    /Your answer: \*\*1\. Commercial organizations or businesses {2}2\. Other libraries {2}3\. Government agencies\*\*/,
  );
  assert.equal(last.showing?.question, 'q8');
});

test('withdrawal and completion end with their texts and show no question', async () => {
  const [, , withdrawn] = await turns([
    { type: 'choose', option: 'en' },
    { type: 'choose', option: 'no' },
  ]);
  assert.match(withdrawn!.update!.content, /Your answer: \*\*I do not agree\*\*/);
  assert.deepEqual(
    withdrawn!.messages.map((m) => m.content),
    ['Thank you for your time. Nothing has been stored.'],
  );
  assert.equal(withdrawn!.showing, null);
});

test('notices go above the question in the same message', async () => {
  const s = service();
  const go = (input: Input) => s.turn({ channel: 'discord', user: 'u2', input });
  await go({ type: 'start' });
  await go({ type: 'choose', option: 'en' });
  await go({ type: 'choose', option: 'yes' });
  const input: Input = { type: 'start' };
  const resumed = planReply(flow, t, await go(input), input);
  assert.equal(resumed.messages.length, 1);
  assert.match(resumed.messages[0]!.content, /^Welcome back![^\n]*\n\n.*What type of library/s);
  const unavailable = planReply(
    flow,
    t,
    { flow, prompt: null, before: null, events: [], notices: [{ key: 'common:unavailable' }], session: null },
    input,
  );
  assert.match(unavailable.notice!, /temporarily unavailable/);
});
