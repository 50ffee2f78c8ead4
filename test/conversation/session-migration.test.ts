import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConversationService } from '../../src/conversation/service.ts';
import { SESSION_SCHEMA_VERSION, parseSession } from '../../src/engine/session.ts';
import { inflateRawSync } from 'node:zlib';
import { decodeSession } from '../../src/store/session-codec.ts';
import { sessionKey } from '../../src/store/session-store.ts';
import { flow } from '../support/flow.ts';
import { redisFor } from '../support/stores.ts';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileContactStore, FileResponseStore } from '../../src/store/file-response-store.ts';

/** A session as the previous version of the bot stored it (schema 1): applied events in its meta. */
function schemaOne() {
  return {
    schema: 1,
    id: 'old-session',
    flowId: 'advocacy',
    flowVersion: 2,
    locale: 'ru',
    status: 'active',
    current: 'q2',
    step: '',
    draft: null,
    answers: {
      language: { status: 'answered', value: 'ru' },
      consent: { status: 'answered', value: 'yes' },
      q1: { status: 'answered', value: { option: 'public' } },
    },
    path: ['language', 'consent', 'q1'],
    version: 4,
    startedAt: 1_700_000_000_000,
    updatedAt: 1_700_000_060_000,
    promptedAt: 1_700_000_060_000,
    durations: { language: 3000, consent: 5000, q1: 9000 },
    meta: { channel: 'telegram', respondent: 'p1', chat: '77', applied: '501 502' },
  };
}

test('a session stored in schema 1 is migrated when read: its applied events move out of its meta', () => {
  const session = parseSession(schemaOne());
  assert.ok(session);
  assert.equal(session.schema, SESSION_SCHEMA_VERSION);
  assert.deepEqual(session.applied, ['501', '502']);
  assert.deepEqual(session.meta, { channel: 'telegram', respondent: 'p1', chat: '77' });
  assert.deepEqual(session.answers.q1, { status: 'answered', value: { option: 'public' } });
  assert.equal(parseSession({ ...schemaOne(), schema: 0 }), null, 'no migration from an unknown version');
  assert.equal(parseSession({ ...schemaOne(), schema: 3 }), null, 'nor from a later one');
});

test('a respondent whose session Redis holds in schema 1 goes on where they were, not reset', async (t) => {
  const r = await redisFor(t);
  if (!r) return;
  const sessions = r.newStore();
  const dir = mkdtempSync(join(tmpdir(), 'survey-migration-'));
  const responses = new FileResponseStore(dir);
  const contacts = new FileContactStore(dir);
  const service = new ConversationService({ flow, sessions, responses, contacts });
  t.after(async () => {
    await service.close();
    await Promise.all([responses.close(), contacts.close()]);
    rmSync(dir, { recursive: true, force: true });
  });
  // Where and how the previous version of the bot stored it: JSON, under one index for all.
  await r.redis.hset(`${r.prefix}session:${sessionKey('telegram', '77')}`, {
    v: '4',
    j: JSON.stringify(schemaOne()),
  });
  await r.redis.zadd(`${r.prefix}sessions-by-update`, 1_700_000_060_000, sessionKey('telegram', '77'));
  assert.equal(await sessions.migrateLegacyKeys(), 1, 'moved to its group at start-up');
  // The same event again is known as applied (its id moved to `applied`)...
  const replay = await service.turn({
    channel: 'telegram',
    user: '77',
    event: '502',
    input: { type: 'start' },
  });
  assert.equal(replay.replayed, true);
  // ...and a new answer continues the session at q2.
  const next = await service.turn({
    channel: 'telegram',
    user: '77',
    event: '503',
    input: { type: 'choose', option: 'yes' },
  });
  assert.deepEqual(next.notices, []);
  assert.equal(next.session?.id, 'old-session');
  assert.deepEqual(next.session?.answers.q2, { status: 'answered', value: 'yes' });
  const held = (await r.redis.getBuffer(sessions.redisKey(sessionKey('telegram', '77'))))!;
  const data = held.subarray(held.indexOf(':') + 1);
  const text = data[0] === 0 ? inflateRawSync(data.subarray(1)).toString() : data.toString();
  assert.match(text, /^\[3,/, 'written back in the compact form');
  const stored = decodeSession(text, sessionKey('telegram', '77'))!;
  assert.equal(stored.schema, SESSION_SCHEMA_VERSION, 'of the current schema');
  assert.deepEqual(stored.applied, ['501', '502', '503']);
});
