import assert from 'node:assert/strict';
import { describe, test, type TestContext } from 'node:test';
import type { AddressBook } from '../../src/store/address-book.ts';
import type { AuditLog } from '../../src/store/audit-log.ts';
import type { FlowSnapshot, FlowSnapshotStore } from '../../src/store/flow-snapshots.ts';

type Open<T> = (t: TestContext) => Promise<T | null>;

export function auditLogContract(name: string, open: Open<AuditLog>): void {
  describe(`audit log contract: ${name}`, () => {
    test('entries come back newest first, filtered and paged, exactly as appended', async (t) => {
      const log = await open(t);
      if (!log) return;
      const base = Date.parse('2026-11-01T00:00:00Z');
      const appended = [];
      for (let i = 0; i < 12; i++) {
        appended.push(
          await log.append({
            at: new Date(base + i * 1000),
            actor: i % 3 === 0 ? 'm1' : 'm2',
            action: i % 2 === 0 ? 'response.view' : 'staff.role',
            target: `r${i}`,
            outcome: i === 5 ? 'refused' : 'ok',
            ...(i === 4 ? { details: { role: 'interviewer', count: 2, first: true } } : {}),
          }),
        );
      }
      const newest = await log.list({ limit: 5 });
      assert.deepEqual(newest, appended.slice(-5).reverse());
      const next = await log.list({ limit: 5, before: newest.at(-1)!.id });
      assert.deepEqual(next, appended.slice(2, 7).reverse());
      assert.deepEqual(
        (await log.list({ limit: 100, actor: 'm1' })).map((e) => e.target),
        ['r9', 'r6', 'r3', 'r0'],
      );
      assert.deepEqual(
        (await log.list({ limit: 100, action: 'staff.role', actor: 'm2' })).map((e) => e.target),
        ['r11', 'r7', 'r5', 'r1'],
      );
      assert.deepEqual(appended[4]!.details, { role: 'interviewer', count: 2, first: true });
    });

    test('query values that are not strings filter nothing and never become operators', async (t) => {
      const log = await open(t);
      if (!log) return;
      await log.append({ at: new Date(), actor: 'm1', action: 'signin', outcome: 'ok' });
      const all = await log.list({ limit: 10, actor: { $ne: 'x' } as never });
      assert.ok(all.length <= 1);
    });
  });
}

export function addressBookContract(name: string, open: Open<AddressBook>): void {
  describe(`address book contract: ${name}`, () => {
    test('one address per respondent and channel, replaced by the latest, marked unreachable, erased', async (t) => {
      const book = await open(t);
      if (!book) return;
      const at = new Date('2026-11-01T00:00:00Z');
      await book.put({ respondent: 'p1', channel: 'telegram', chat: '111', locale: 'ru', updatedAt: at });
      await book.put({ respondent: 'p1', channel: 'discord', chat: '222', locale: 'ru', updatedAt: at });
      await book.put({ respondent: 'p2', channel: 'telegram', chat: '333', locale: 'ar', updatedAt: at });
      const later = new Date('2026-11-02T00:00:00Z');
      await book.put({ respondent: 'p1', channel: 'telegram', chat: '444', locale: 'en', updatedAt: later });
      assert.deepEqual(await book.get('p1', 'telegram'), {
        respondent: 'p1',
        channel: 'telegram',
        chat: '444',
        locale: 'en',
        updatedAt: later,
      });
      assert.deepEqual(
        (await book.byRespondent('p1')).map((a) => [a.channel, a.chat]),
        [
          ['discord', '222'],
          ['telegram', '444'],
        ],
      );
      assert.equal(await book.markUnreachable('p2', 'telegram', 'blocked', later), true);
      assert.equal(await book.markUnreachable('p9', 'telegram', 'blocked', later), false);
      assert.deepEqual((await book.get('p2', 'telegram'))?.unreachable, { reason: 'blocked', at: later });
      // Coming back (a new session) clears the mark.
      await book.put({ respondent: 'p2', channel: 'telegram', chat: '333', locale: 'ar', updatedAt: later });
      assert.equal((await book.get('p2', 'telegram'))?.unreachable, undefined);
      assert.equal(await book.deleteByRespondent('p1'), 2);
      assert.deepEqual(await book.byRespondent('p1'), []);
      assert.equal(await book.get('p1', 'discord'), null);
      assert.notEqual(await book.get('p2', 'telegram'), null);
    });
  });
}

export function flowSnapshotContract(name: string, open: Open<FlowSnapshotStore>): void {
  describe(`flow versions contract: ${name}`, () => {
    const snapshot = (over: Partial<FlowSnapshot> = {}): FlowSnapshot => ({
      flowId: 'advocacy',
      version: 1,
      hash: 'h1',
      definition: { id: 'advocacy', version: 1, questions: [{ id: 'q1', type: 'yesno' }] },
      texts: { en: { 'q1.text': 'Yes?' }, ar: { 'q1.text': 'نعم؟' } },
      savedAt: new Date('2026-11-01T00:00:00Z'),
      ...over,
    });

    test('a version is saved once; the same definition again is "same" with new texts, another a conflict', async (t) => {
      const store = await open(t);
      if (!store) return;
      assert.equal(await store.put(snapshot()), 'saved');
      const fixed = { en: { 'q1.text': 'Yes or no?' }, ar: { 'q1.text': 'نعم؟' } };
      assert.equal(await store.put(snapshot({ savedAt: new Date(), texts: fixed })), 'same');
      assert.deepEqual((await store.get('advocacy', 1))?.texts, fixed);
      assert.equal(await store.put(snapshot()), 'same');
      assert.equal(await store.put(snapshot({ hash: 'h2' })), 'conflict');
      assert.equal(await store.put(snapshot({ version: 2, hash: 'h2' })), 'saved');
      assert.deepEqual(await store.get('advocacy', 1), snapshot());
      assert.equal((await store.get('advocacy', 2))?.hash, 'h2');
      assert.equal(await store.get('advocacy', 3), null);
      assert.equal(await store.get('other', 1), null);
    });
  });
}
