import assert from 'node:assert/strict';
import { describe, test, type TestContext } from 'node:test';
import {
  messageId,
  type ClaimStore,
  type Conversation,
  type ConversationLines,
  type ConversationStore,
  type TranscriptMessage,
} from '../../src/store/followup-store.ts';

type Open<T> = (t: TestContext) => Promise<T | null>;

const at = (s: number) => new Date(Date.parse('2026-11-01T00:00:00Z') + s * 1000);

export function claimStoreContract(name: string, open: Open<ClaimStore>): void {
  describe(`claim store contract: ${name}`, () => {
    test('ten interviewers claim one respondent at the same moment: exactly one wins, the others see who', async (t) => {
      const claims = await open(t);
      if (!claims) return;
      const outcomes = await Promise.all(
        Array.from({ length: 10 }, (_, i) => claims.claim('p1', `i${i}`, at(0))),
      );
      const winners = outcomes.filter((o) => o.ok);
      assert.equal(winners.length, 1);
      const winner = winners[0]!.ok ? winners[0]!.claim.interviewer : '';
      for (const o of outcomes) if (!o.ok) assert.equal(o.holder.interviewer, winner);
      assert.equal((await claims.get('p1'))?.interviewer, winner);
      // Claiming what one holds again is fine; another respondent is free.
      assert.equal((await claims.claim('p1', winner, at(5))).ok, true);
      assert.equal((await claims.claim('p2', 'i9', at(1))).ok, true);
    });

    test('release lets go only of what one holds; an admin reassigns; erasure removes the claim', async (t) => {
      const claims = await open(t);
      if (!claims) return;
      await claims.claim('p1', 'a', at(0));
      await claims.claim('p2', 'a', at(1));
      await claims.claim('p3', 'b', at(2));
      assert.deepEqual(
        (await claims.byInterviewer('a')).map((c) => c.respondent),
        ['p1', 'p2'],
      );
      assert.equal(await claims.release('p1', 'b'), false);
      assert.equal(await claims.release('p1', 'a'), true);
      assert.equal(await claims.get('p1'), null);
      assert.equal((await claims.claim('p1', 'b', at(3))).ok, true);
      assert.deepEqual(await claims.reassign('p3', 'a', at(4)), {
        respondent: 'p3',
        interviewer: 'a',
        at: at(4),
      });
      assert.deepEqual(await claims.get('p3'), { respondent: 'p3', interviewer: 'a', at: at(4) });
      assert.equal(await claims.deleteByRespondent('p3'), 1);
      assert.equal(await claims.deleteByRespondent('p3'), 0);
      assert.equal(await claims.get('p3'), null);
      assert.equal(await claims.get({ $ne: 'x' } as never), null);
    });
  });
}

function conversation(
  id: string,
  respondent: string,
  s: number,
  extra: Partial<Conversation> = {},
): Conversation {
  return {
    id,
    respondent,
    channel: 'telegram',
    flowId: 'advocacy',
    response: `r-${respondent}`,
    interviewer: 'i1',
    status: 'invited',
    createdAt: at(s),
    updatedAt: at(s),
    ...extra,
  };
}

export function conversationStoreContract(name: string, open: Open<ConversationStore>): void {
  describe(`conversation store contract: ${name}`, () => {
    test('conversations found by respondent, staff thread and flow; updated in place', async (t) => {
      const store = await open(t);
      if (!store) return;
      const thread = { channel: 'discord' as const, chat: 'c1', thread: 't1' };
      await store.create(conversation('c-a', 'p1', 0));
      await store.create(conversation('c-b', 'p1', 1, { staffThread: thread, status: 'open' }));
      await store.create(conversation('c-c', 'p2', 2, { flowId: 'other', channel: 'discord' }));
      await assert.rejects(store.create(conversation('c-a', 'p1', 0)));
      assert.deepEqual(
        (await store.byRespondent('p1')).map((c) => c.id),
        ['c-a', 'c-b'],
      );
      assert.deepEqual(
        await store.byStaffThread(thread),
        conversation('c-b', 'p1', 1, { staffThread: thread, status: 'open' }),
      );
      assert.equal(await store.byStaffThread({ ...thread, thread: 't2' }), null);
      assert.deepEqual(
        (await store.byFlow('advocacy')).map((c) => c.id),
        ['c-a', 'c-b'],
      );
      const closed = {
        ...conversation('c-b', 'p1', 1, { staffThread: thread }),
        status: 'closed' as const,
        endedBy: 'respondent' as const,
        updatedAt: at(9),
      };
      assert.equal(await store.update(closed), true);
      assert.deepEqual(await store.get('c-b'), closed);
      assert.equal(await store.update(conversation('nope', 'p1', 0)), false);
      assert.equal(await store.get({ $ne: 'x' } as never), null);
    });

    test('an e-mailed invitation keeps how it went and its links’ hashes and expiry', async (t) => {
      const store = await open(t);
      if (!store) return;
      const mailLinks = { accept: 'h-accept', later: 'h-later', no: 'h-no', expires: 1_790_000_000_000 };
      const mailed = conversation('c-m', 'p3', 0, { invitedBy: 'email', mailLinks });
      await store.create(mailed);
      assert.deepEqual(await store.get('c-m'), mailed);
      const accepted = { ...mailed, status: 'open' as const, updatedAt: at(5) };
      assert.equal(await store.update(accepted), true);
      assert.deepEqual(await store.get('c-m'), accepted);
    });

    test('a conditional update writes only over the status and time it was read with: the second of two answers to one invitation changes nothing', async (t) => {
      const store = await open(t);
      if (!store) return;
      const invited = conversation('c-q', 'p4', 0);
      await store.create(invited);
      const accepted = { ...invited, status: 'open' as const, updatedAt: at(5) };
      const declined = { ...invited, status: 'declined' as const, updatedAt: at(5) };
      assert.equal(await store.update(accepted, invited), true);
      assert.equal(await store.update(declined, invited), false);
      assert.deepEqual(await store.get('c-q'), accepted);
      // Same status, another time: still someone else's write.
      assert.equal(await store.update(declined, { status: 'open', updatedAt: at(4) }), false);
      assert.equal(await store.update(declined, accepted), true);
      assert.deepEqual(await store.get('c-q'), declined);
      assert.equal(await store.update(conversation('nope', 'p4', 0), invited), false);
    });

    test('a transcript keeps every message in order with its time, side and author; notes apart; all erased with the respondent', async (t) => {
      const store = await open(t);
      if (!store) return;
      await store.create(conversation('c-a', 'p1', 0));
      await store.create(conversation('c-z', 'p2', 0));
      const sent: TranscriptMessage[] = [];
      // Many in the same millisecond: the id keeps their order.
      for (let i = 0; i < 40; i++) {
        const when = at(1 + Math.floor(i / 10));
        const side = i % 3 === 0 ? 'interviewer' : 'respondent';
        const message: TranscriptMessage = {
          id: messageId(when),
          conversation: 'c-a',
          respondent: 'p1',
          at: when,
          side,
          author: side === 'interviewer' ? 'i1' : 'respondent',
          text: `message ${i} — مرحبا`,
        };
        sent.push(message);
      }
      await Promise.all(sent.map((m) => store.append(m)));
      await store.append({
        id: messageId(at(1)),
        conversation: 'c-z',
        respondent: 'p2',
        at: at(1),
        side: 'respondent',
        author: 'respondent',
        text: 'other',
      });
      assert.deepEqual(await store.transcript('c-a'), sent);
      await store.addNote({
        id: messageId(at(2)),
        conversation: 'c-a',
        respondent: 'p1',
        at: at(2),
        author: 'i1',
        text: 'remember q9a',
      });
      assert.deepEqual(
        (await store.notes('c-a')).map((n) => n.text),
        ['remember q9a'],
      );
      assert.equal(await store.deleteByRespondent('p1'), 1 + 40 + 1);
      assert.deepEqual(await store.transcript('c-a'), []);
      assert.deepEqual(await store.notes('c-a'), []);
      assert.deepEqual(await store.byRespondent('p1'), []);
      assert.equal((await store.transcript('c-z')).length, 1);
    });
  });
}

/** The stored lines, walked and rewritten one by one as a key rotation does. */
export function conversationLinesContract(
  name: string,
  open: Open<ConversationStore & ConversationLines>,
): void {
  describe(`conversation lines contract: ${name}`, () => {
    test('lines are walked in id order in batches; a text is replaced only while it still reads what was read, and an erased line stays erased', async (t) => {
      const store = await open(t);
      if (!store) return;
      await store.create(conversation('c-a', 'p1', 0));
      await store.create(conversation('c-b', 'p2', 0));
      const ids: string[] = [];
      for (let i = 0; i < 7; i++) {
        const when = at(1 + i);
        const id = messageId(when);
        ids.push(id);
        const respondent = i < 5 ? 'p1' : 'p2';
        const conv = i < 5 ? 'c-a' : 'c-b';
        await store.append({
          id,
          conversation: conv,
          respondent,
          at: when,
          side: 'respondent',
          author: 'respondent',
          text: `line ${i}`,
        });
      }
      await store.addNote({
        id: messageId(at(3)),
        conversation: 'c-a',
        respondent: 'p1',
        at: at(3),
        author: 'i1',
        text: 'a note',
      });

      const walked: string[] = [];
      for (let after = '', batch = await store.lines('transcript', after, 3); ;) {
        walked.push(...batch.map((l) => l.id));
        if (batch.length < 3) break;
        after = batch.at(-1)!.id;
        batch = await store.lines('transcript', after, 3);
      }
      assert.deepEqual(walked, ids);
      const [first] = await store.lines('transcript', '', 1);
      assert.equal(first?.text, 'line 0');
      assert.equal(first?.respondent, 'p1');
      assert.deepEqual(
        (await store.lines('notes', '', 10)).map((n) => n.text),
        ['a note'],
      );

      assert.equal(await store.replaceText('transcript', ids[0]!, 'line 0', 'sealed 0'), true);
      assert.equal(
        await store.replaceText('transcript', ids[1]!, 'not what it reads', 'sealed 1'),
        false,
        'the text changed since it was read: left as it is',
      );
      assert.equal(await store.replaceText('notes', ids[0]!, 'line 0', 'x'), false, 'notes are apart');
      const note = (await store.lines('notes', '', 1))[0]!;
      assert.equal(await store.replaceText('notes', note.id, 'a note', 'sealed note'), true);
      const transcript = await store.transcript('c-a');
      assert.deepEqual(
        transcript.map((m) => m.text),
        ['sealed 0', 'line 1', 'line 2', 'line 3', 'line 4'],
      );
      assert.equal(transcript[0]!.side, 'respondent', 'the rest of the line is kept');
      assert.deepEqual(
        (await store.notes('c-a')).map((n) => n.text),
        ['sealed note'],
      );

      // Erased between the read and the rewrite: nothing comes back.
      const [stale] = await store.lines('transcript', ids[5]!, 1);
      await store.deleteByRespondent('p2');
      assert.equal(await store.replaceText('transcript', stale!.id, stale!.text, 'sealed 6'), false);
      assert.deepEqual(await store.transcript('c-b'), []);
      assert.deepEqual(
        (await store.lines('transcript', '', 100)).map((l) => l.id),
        ids.slice(0, 5),
      );
      assert.equal(await store.replaceText('transcript', { $ne: 'x' } as never, 'line 1', 'y'), false);
      await store.compact();
      assert.deepEqual(
        (await store.transcript('c-a')).map((m) => m.text),
        ['sealed 0', 'line 1', 'line 2', 'line 3', 'line 4'],
        'compaction keeps every line as it reads now',
      );
    });
  });
}
