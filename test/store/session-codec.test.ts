import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConversationService } from '../../src/conversation/service.ts';
import type { Input } from '../../src/engine/input.ts';
import type { Session } from '../../src/engine/session.ts';
import { loadFlow } from '../../src/flows/load.ts';
import { MemorySessionStore } from '../../src/store/memory-session-store.ts';
import { decodeSession, encodeSession } from '../../src/store/session-codec.ts';
import { answerFor } from '../conversation/autopilot.ts';
import { session } from './session-store.contract.ts';

const records = {
  save: async () => {},
  get: async () => null,
  byRespondent: async () => [],
  deleteByRespondent: async () => 0,
} as never;

/** Every session an interview of the advocacy flow goes through, one per turn. */
async function interviewSessions(): Promise<Session[]> {
  const sessions = new MemorySessionStore();
  const service = new ConversationService({
    flow: loadFlow('advocacy'),
    sessions,
    responses: records,
    contacts: records,
    salt: 'salt',
  });
  const seen: Session[] = [];
  let input: Input = { type: 'start' };
  for (let update = 500_000_001; ; update += 3) {
    const result = await service.turn({
      channel: 'telegram',
      user: '123456789',
      event: String(update),
      input,
    });
    if (result.session) seen.push(result.session);
    if (result.prompt?.kind !== 'question') break;
    input = answerFor(result.prompt, 'Joint visits «$gt» {"$ne": 1}');
  }
  await service.close();
  return seen;
}

test('every session of a whole interview reads back as it was written, and much shorter than JSON', async () => {
  const seen = await interviewSessions();
  assert.ok(seen.length > 20);
  for (const s of seen) {
    const text = encodeSession(s, 'telegram:123456789');
    assert.deepStrictEqual(decodeSession(text, 'telegram:123456789'), s);
    assert.ok(text.length < JSON.stringify(s).length * 0.7, `${text.length} vs ${JSON.stringify(s).length}`);
  }
});

test('what the compact form leaves out is restored exactly, and what it cannot leave out is kept', () => {
  const odd = session({
    id: 'not-a-uuid',
    path: ['q1', 'language', 'q2', 'q5a'],
    durations: { q2: 5, q9: 7 },
    meta: { channel: 'discord', respondent: 'ABC', chat: 'chan-9', invitation: 'tok', _x: 'y', c: 'z' },
    applied: ['10', 'abc', '007'],
    answers: {
      auto: { status: 'answered', value: { order: ['a'], na: [] }, auto: true },
      num: { status: 'answered', value: 3 },
      list: { status: 'answered', value: ['a', 'b'] },
      nil: { status: 'answered', value: null },
      country: { status: 'answered', value: { code: 'FR', region: '150' } },
      old: { status: 'answered', value: 'RU' },
      unknown: { status: 'answered', value: { option: 'x', later: { deep: 1 } } },
      declined: { status: 'declined' },
    },
  });
  for (const key of ['telegram:42', 'discord:chan-9', undefined]) {
    assert.deepStrictEqual(decodeSession(encodeSession(odd, key), key), odd, String(key));
  }
  const plain = session({ meta: { channel: 'telegram', respondent: 'a'.repeat(32), chat: '42' } });
  assert.deepStrictEqual(decodeSession(encodeSession(plain, 'telegram:42'), 'telegram:42'), plain);
  assert.doesNotMatch(
    encodeSession(plain, 'telegram:42'),
    /telegram|"42"/,
    'the key names the channel and chat',
  );
});

test('sessions stored as plain JSON by earlier versions still read; what is not a session reads as null', () => {
  const s = session();
  assert.deepStrictEqual(decodeSession(JSON.stringify(s)), s);
  const { applied, ...older } = s;
  const schemaOne = { ...older, schema: 1, meta: { ...s.meta, applied: applied.join(' ') } };
  assert.deepStrictEqual(decodeSession(JSON.stringify(schemaOne)), s);
  for (const bad of ['', 'x', '[]', '[4]', '[3,"id"]', '{}', 'null', '"text"'])
    assert.equal(decodeSession(bad), null, bad);
});
