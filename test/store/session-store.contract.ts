import assert from 'node:assert/strict';
import { describe, test, type TestContext } from 'node:test';
import { SESSION_SCHEMA_VERSION, type Session } from '../../src/engine/session.ts';
import { isCorrupt, type SessionStore } from '../../src/store/session-store.ts';

export interface SessionStoreUnderTest {
  store: SessionStore;
  /** Writes data under a key behind the store's back, as a corrupted or foreign write would. */
  putRaw(key: string, json: string, version: number | null): Promise<void>;
}

/** How a contract run gets a fresh, empty store; null when its server is absent (test skipped). */
export type OpenSessionStore = (t: TestContext) => Promise<SessionStoreUnderTest | null>;

export function session(over: Partial<Session> = {}): Session {
  return {
    schema: SESSION_SCHEMA_VERSION,
    id: 'sess-1',
    flowId: 'advocacy',
    flowVersion: 1,
    locale: 'ru',
    status: 'active',
    current: 'q6',
    step: '',
    draft: { selected: ['libraries'] },
    answers: {
      language: { status: 'answered', value: 'ru' },
      q1: { status: 'answered', value: { option: 'other', other: 'Ассоциация «$gt» {"$ne": 1}' } },
      q2: { status: 'declined' },
      q5a: { status: 'answered', value: { amount: 1500.5, currency: 'EUR' } },
    },
    path: ['language', 'q1', 'q2', 'q5a'],
    version: 1,
    startedAt: 1_700_000_000_000,
    updatedAt: 1_700_000_100_000,
    promptedAt: 1_700_000_100_000,
    durations: { q1: 1200, q2: 800 },
    meta: { channel: 'telegram', respondent: 'abc123', chat: '42' },
    applied: ['1001'],
    ...over,
  };
}

/** One contract for every SessionStore: what the conversation service relies on. */
export function sessionStoreContract(name: string, open: OpenSessionStore): void {
  describe(`SessionStore contract: ${name}`, () => {
    test('an unknown key reads as nothing', async (t) => {
      const s = await open(t);
      if (!s) return;
      assert.equal(await s.store.get('advocacy:telegram:nobody'), null);
    });

    test('a session is stored only when nothing is there yet, and reads back equal', async (t) => {
      const s = await open(t);
      if (!s) return;
      const key = 'advocacy:telegram:1';
      assert.equal(await s.store.put(key, session(), null), true);
      assert.equal(await s.store.put(key, session({ id: 'other' }), null), false);
      assert.deepEqual(await s.store.get(key), session());
    });

    test('an update needs the stored version; a stale one writes nothing', async (t) => {
      const s = await open(t);
      if (!s) return;
      const key = 'advocacy:discord:2';
      await s.store.put(key, session(), null);
      const v2 = session({ version: 2, current: 'q7', updatedAt: 1_700_000_200_000 });
      assert.equal(await s.store.put(key, v2, 1), true);
      assert.equal(await s.store.put(key, session({ version: 2, current: 'q8' }), 1), false);
      assert.equal(await s.store.put(key, session({ version: 3 }), 5), false);
      assert.deepEqual(await s.store.get(key), v2);
    });

    test('a read given the session it knows returns that very one while the version holds', async (t) => {
      const s = await open(t);
      if (!s) return;
      const key = 'advocacy:telegram:known';
      const v1 = session();
      await s.store.put(key, v1, null);
      assert.equal(await s.store.get(key, v1), v1, 'the same object: nothing read again');
      const v2 = session({ version: 2, current: 'q7' });
      await s.store.put(key, v2, 1);
      assert.deepEqual(await s.store.get(key, v1), v2, 'moved on: the stored one');
      await s.store.delete(key);
      assert.equal(await s.store.get(key, v2), null);
      await s.putRaw(key, '{"not": "a session"}', 2);
      assert.ok(isCorrupt(await s.store.get(key, v1)));
    });

    test('of many writers with the same expected version, exactly one wins', async (t) => {
      const s = await open(t);
      if (!s) return;
      const key = 'advocacy:telegram:race';
      await s.store.put(key, session(), null);
      const results = await Promise.all(
        Array.from({ length: 30 }, (_, i) => s.store.put(key, session({ version: 2, current: `w${i}` }), 1)),
      );
      assert.equal(results.filter(Boolean).length, 1);
      const winner = results.indexOf(true);
      const stored = await s.store.get(key);
      assert.ok(stored && !isCorrupt(stored));
      assert.equal(stored.current, `w${winner}`);
    });

    test('a delete with a stale version keeps the session; with the current one removes it', async (t) => {
      const s = await open(t);
      if (!s) return;
      const key = 'advocacy:telegram:3';
      await s.store.put(key, session({ version: 4 }), null);
      assert.equal(await s.store.delete(key, 3), false);
      assert.notEqual(await s.store.get(key), null);
      assert.equal(await s.store.delete(key, 4), true);
      assert.equal(await s.store.get(key), null);
      assert.equal(await s.store.delete(key, 4), false);
      await s.store.put(key, session(), null);
      assert.equal(await s.store.delete(key), true, 'without a version, any session is removed');
      assert.equal(await s.store.put(key, session(), null), true, 'a removed key can start again');
    });

    test('idle lists sessions untouched since a time, oldest first, up to a limit', async (t) => {
      const s = await open(t);
      if (!s) return;
      for (const [user, updatedAt] of [
        ['a', 3000],
        ['b', 1000],
        ['c', 2000],
        ['d', 9000],
      ] as const) {
        await s.store.put(`advocacy:t:${user}`, session({ id: user, updatedAt }), null);
      }
      const idle = await s.store.idle(5000, 10);
      assert.deepEqual(
        idle.map((i) => i.key),
        ['advocacy:t:b', 'advocacy:t:c', 'advocacy:t:a'],
      );
      assert.equal(idle[0]!.session.id, 'b');
      assert.deepEqual(
        (await s.store.idle(5000, 2)).map((i) => i.key),
        ['advocacy:t:b', 'advocacy:t:c'],
      );
      assert.deepEqual(await s.store.idle(1000, 10), [], 'the cut-off is exclusive');
    });

    test('an archived session leaves idle until it changes; an older version cannot archive it', async (t) => {
      const s = await open(t);
      if (!s) return;
      const key = 'advocacy:t:arch';
      await s.store.put(key, session({ version: 1, updatedAt: 1000 }), null);
      await s.store.put(key, session({ version: 2, updatedAt: 1500 }), 1);
      await s.store.markArchived(key, 1);
      assert.equal((await s.store.idle(5000, 10)).length, 1, 'a stale archive mark is ignored');
      await s.store.markArchived(key, 2);
      assert.deepEqual(await s.store.idle(5000, 10), []);
      assert.equal((await s.store.get(key)) !== null, true, 'archived sessions stay resumable');
      await s.store.put(key, session({ version: 3, updatedAt: 2000 }), 2);
      assert.deepEqual(
        (await s.store.idle(5000, 10)).map((i) => i.session.version),
        [3],
      );
    });

    test('sessions in progress are counted until archived or removed', async (t) => {
      const s = await open(t);
      if (!s) return;
      assert.equal(await s.store.countActive(), 0);
      await s.store.put('advocacy:t:one', session({ updatedAt: 1000 }), null);
      await s.store.put('advocacy:t:two', session({ updatedAt: 1000 }), null);
      await s.store.put('advocacy:t:three', session({ updatedAt: 1000 }), null);
      assert.equal(await s.store.countActive(), 3);
      await s.store.markArchived('advocacy:t:one', 1);
      await s.store.delete('advocacy:t:two');
      assert.equal(await s.store.countActive(), 1);
    });

    test('deleted sessions are not idle', async (t) => {
      const s = await open(t);
      if (!s) return;
      await s.store.put('advocacy:t:gone', session({ updatedAt: 1000 }), null);
      await s.store.delete('advocacy:t:gone');
      assert.deepEqual(await s.store.idle(5000, 10), []);
    });

    for (const [what, json] of [
      ['text that is not JSON', '{"schema":1,"id":'],
      ['JSON of an unknown schema version', JSON.stringify({ ...session(), schema: 99 })],
      ['JSON of an old schema version', JSON.stringify({ schema: 0, id: 'x', answers: [] })],
      ['JSON of the wrong shape', JSON.stringify({ ...session(), answers: 'q1=yes' })],
    ] as const) {
      test(`${what} reads as corrupt, keeps its version, and can be replaced`, async (t) => {
        const s = await open(t);
        if (!s) return;
        const key = 'advocacy:t:broken';
        await s.putRaw(key, json, 7);
        const stored = await s.store.get(key);
        assert.deepEqual(stored, { corrupt: true, version: 7 });
        assert.equal(await s.store.put(key, session({ version: 8 }), 6), false);
        assert.equal(await s.store.put(key, session({ version: 8 }), 7), true);
        assert.equal(((await s.store.get(key)) as Session).version, 8);
      });
    }

    test('data without a readable version is corrupt with no version and replaceable as new', async (t) => {
      const s = await open(t);
      if (!s) return;
      const key = 'advocacy:t:noversion';
      await s.putRaw(key, 'garbage', null);
      assert.deepEqual(await s.store.get(key), { corrupt: true, version: null });
      assert.equal(await s.store.put(key, session(), null), true);
      assert.deepEqual(await s.store.get(key), session());
    });

    test('corrupt sessions are not idle', async (t) => {
      const s = await open(t);
      if (!s) return;
      await s.store.put('advocacy:t:ok', session({ updatedAt: 1000 }), null);
      await s.putRaw('advocacy:t:bad', '][', 3);
      assert.deepEqual(
        (await s.store.idle(5000, 10)).map((i) => i.key),
        ['advocacy:t:ok'],
      );
    });

    test('keys with colons, spaces and non-Latin letters are kept apart', async (t) => {
      const s = await open(t);
      if (!s) return;
      const keys = ['advocacy:telegram:1:2', 'advocacy:telegram:1', 'advocacy:discord:Юля 1', 'advocacy:x:*'];
      for (const [i, key] of keys.entries()) await s.store.put(key, session({ id: `s${i}` }), null);
      for (const [i, key] of keys.entries()) assert.equal(((await s.store.get(key)) as Session).id, `s${i}`);
    });
  });
}
