import assert from 'node:assert/strict';
import { describe, test, type TestContext } from 'node:test';
import {
  collect,
  type ContactRecord,
  type ContactStore,
  type ResponseFilter,
  type ResponseRecord,
  type ResponseStore,
} from '../../src/store/response-store.ts';

export type OpenResponseStores = (
  t: TestContext,
) => Promise<{ responses: ResponseStore; contacts: ContactStore } | null>;

export function response(over: Partial<ResponseRecord> = {}): ResponseRecord {
  return {
    id: 'r-1',
    flowId: 'advocacy',
    flowVersion: 1,
    locale: 'ar',
    channel: 'telegram',
    respondent: 'p-1',
    invitation: 'CAMPAIGN-2024',
    status: 'complete',
    answers: {
      language: { status: 'answered', value: 'ar' },
      consent: { status: 'answered', value: 'yes' },
      q1: { status: 'answered', value: { option: 'other', other: 'جمعية المكتبات' } },
      q2: { status: 'declined' },
      q3: { status: 'answered', value: 'EG' },
      q5a: { status: 'answered', value: { amount: 1250.75, currency: 'EGP' } },
      q6: { status: 'answered', value: { options: ['libraries', 'other'], other: 'a.b $where' } },
      q7: { status: 'answered', value: { order: ['libraries'], na: [] }, auto: true },
      q11: { status: 'answered', value: '{"$gt": ""} and $ne: null' },
      q17: { status: 'answered', value: { agreed: 'yes' } },
    },
    durations: { language: 1200, q1: 4100, q11: 600_000 },
    startedAt: new Date('2024-05-01T10:00:00.000Z'),
    updatedAt: new Date('2024-05-01T10:20:00.000Z'),
    finishedAt: new Date('2024-05-01T10:20:00.000Z'),
    contactId: 'r-1',
    ...over,
  };
}

/** A record with no optional field: it must read back without any (no nulls added). */
export function bareResponse(over: Partial<ResponseRecord> = {}): ResponseRecord {
  const { invitation: _i, finishedAt: _f, contactId: _c, ...bare } = response({ status: 'partial', ...over });
  return { ...bare, answers: {}, durations: {}, ...over };
}

export function contact(over: Partial<ContactRecord> = {}): ContactRecord {
  return {
    id: 'r-1',
    flowId: 'advocacy',
    respondent: 'p-1',
    channel: 'discord',
    chat: '998877',
    name: 'Ана-Мария',
    email: 'ana@example.org',
    viaChat: false,
    language: 'es',
    createdAt: new Date('2024-05-01T10:20:00.000Z'),
    ...over,
  };
}

/** One contract for every ResponseStore and ContactStore pair. */
export function responseStoreContract(name: string, open: OpenResponseStores): void {
  describe(`ResponseStore contract: ${name}`, () => {
    test('a saved response reads back whole: answers by key, declined marked, times, durations', async (t) => {
      const s = await open(t);
      if (!s) return;
      await s.responses.save(response());
      assert.deepEqual(await s.responses.get('r-1'), response());
      assert.equal(await s.responses.get('r-2'), null);
    });

    test('deleteIds removes exactly those responses and contacts (retention), ids of nothing count nothing', async (t) => {
      const s = await open(t);
      if (!s) return;
      for (const id of ['r-1', 'r-2', 'r-3']) {
        await s.responses.save(response({ id, respondent: `p-${id}` }));
        await s.contacts.save(contact({ id, respondent: `p-${id}` }));
      }
      assert.equal(await s.responses.deleteIds(['r-1', 'r-3', 'r-9']), 2);
      assert.equal(await s.contacts.deleteIds(['r-2', 'r-9']), 1);
      assert.equal(await s.responses.deleteIds([{ $ne: 'x' } as unknown as string]), 0);
      assert.deepEqual(
        (await collect(s.responses.scan())).map((r) => r.id),
        ['r-2'],
      );
      assert.deepEqual((await s.contacts.list()).map((c) => c.id).sort(), ['r-1', 'r-3']);
      assert.deepEqual(await s.responses.byRespondent('p-r-1', 'advocacy'), []);
    });

    test('a response without optional fields reads back without them', async (t) => {
      const s = await open(t);
      if (!s) return;
      await s.responses.save(bareResponse());
      assert.deepEqual(await s.responses.get('r-1'), bareResponse());
    });

    test('saving the same response again updates the one record', async (t) => {
      const s = await open(t);
      if (!s) return;
      await s.responses.save(response());
      await s.responses.save(response({ locale: 'fr' }));
      await s.responses.save(response({ locale: 'fr' }));
      assert.deepEqual(await collect(s.responses.scan()), [response({ locale: 'fr' })]);
    });

    test('many completions of one session at once still make one record', async (t) => {
      const s = await open(t);
      if (!s) return;
      await Promise.all(Array.from({ length: 10 }, () => s.responses.save(response())));
      assert.equal((await collect(s.responses.scan())).length, 1);
    });

    test('a partial response never replaces a complete one; a complete one replaces a partial', async (t) => {
      const s = await open(t);
      if (!s) return;
      const partial = response({ status: 'partial', finishedAt: undefined });
      delete partial.finishedAt;
      await s.responses.save(partial);
      assert.deepEqual(await s.responses.get('r-1'), partial);
      await s.responses.save(partial);
      await s.responses.save(response());
      await s.responses.save(partial);
      assert.deepEqual(await collect(s.responses.scan()), [response()]);
    });

    test('scan filters by flow, status, channel and invitation, in order of start', async (t) => {
      const s = await open(t);
      if (!s) return;
      const at = (m: number) => new Date(Date.UTC(2024, 4, 1, 10, m));
      const records = [
        response({ id: 'c', startedAt: at(3), channel: 'discord' }),
        response({ id: 'a', startedAt: at(1) }),
        bareResponse({ id: 'b', startedAt: at(2) }),
        response({ id: 'd', startedAt: at(4), flowId: 'other', invitation: 'X-1' }),
      ];
      for (const r of records) await s.responses.save(r);
      const ids = async (filter?: ResponseFilter) =>
        (await collect(s.responses.scan(filter))).map((r) => r.id);
      assert.deepEqual(await ids(), ['a', 'b', 'c', 'd']);
      assert.deepEqual(await ids({ flowId: 'advocacy' }), ['a', 'b', 'c']);
      assert.deepEqual(await ids({ flowId: 'advocacy', status: 'complete' }), ['a', 'c']);
      assert.deepEqual(await ids({ status: 'partial' }), ['b']);
      assert.deepEqual(await ids({ channel: 'discord' }), ['c']);
      assert.deepEqual(await ids({ invitation: 'X-1' }), ['d']);
      assert.deepEqual(await ids({ invitation: 'nope' }), []);
    });

    test('scan with updatedAfter gives what was saved after a time, and nothing before', async (t) => {
      const s = await open(t);
      if (!s) return;
      const at = (m: number) => new Date(Date.UTC(2024, 4, 1, 10, m));
      await s.responses.save(response({ id: 'old', updatedAt: at(1) }));
      await s.responses.save(response({ id: 'new', updatedAt: at(5), respondent: 'p-2' }));
      const ids = async (filter: ResponseFilter) =>
        (await collect(s.responses.scan(filter))).map((r) => r.id);
      assert.deepEqual(await ids({ updatedAfter: at(1) }), ['new'], 'the time itself is excluded');
      assert.deepEqual(await ids({ updatedAfter: at(0), flowId: 'advocacy' }), ['new', 'old']);
      assert.deepEqual(await ids({ updatedAfter: at(5) }), []);
    });

    test('page gives a window of the matching responses, newest first, and how many match', async (t) => {
      const s = await open(t);
      if (!s) return;
      const at = (d: number) => new Date(Date.UTC(2024, 4, d, 10));
      const country = (code: string, shape: 'old' | 'new') => ({
        status: 'answered' as const,
        value: shape === 'old' ? code : { code, region: '150', subregion: '151' },
      });
      const records = [
        response({ id: 'r1', startedAt: at(1), answers: { q3: country('EG', 'old') } }),
        response({ id: 'r2', startedAt: at(2), locale: 'ru', answers: { q3: country('RU', 'new') } }),
        response({ id: 'r3', startedAt: at(3), channel: 'discord', invitation: 'X-1', answers: {} }),
        bareResponse({ id: 'r4', startedAt: at(4), answers: { q3: country('EG', 'new') } }),
        response({ id: 'r5', startedAt: at(5), flowId: 'other', answers: {} }),
      ];
      for (const r of records) await s.responses.save(r);
      const page = async (query: Parameters<ResponseStore['page']>[0], skip = 0, limit = 10) => {
        const found = await s.responses.page(query, { skip, limit });
        return [found.records.map((r) => r.id).join(','), found.total];
      };
      assert.deepEqual(await page({}), ['r5,r4,r3,r2,r1', 5]);
      assert.deepEqual(await page({ flowId: 'advocacy' }, 1, 2), ['r3,r2', 4]);
      assert.deepEqual(await page({ flowId: 'advocacy' }, 10, 2), ['', 4], 'past the end: empty');
      assert.deepEqual(await page({ status: 'partial' }), ['r4', 1]);
      assert.deepEqual(await page({ channel: 'discord' }), ['r3', 1]);
      assert.deepEqual(await page({ locale: 'ru' }), ['r2', 1]);
      assert.deepEqual(await page({ invitations: ['X-1', 'Y-2'] }), ['r3', 1]);
      assert.deepEqual(await page({ invitations: [] }), ['', 0]);
      assert.deepEqual(await page({ country: { question: 'q3', codes: ['EG'] } }), ['r4,r1', 2]);
      assert.deepEqual(await page({ country: { question: 'q3', codes: ['RU', 'EG'] } }, 1, 1), ['r2', 3]);
      assert.deepEqual(await page({ startedFrom: at(2), startedBefore: at(4) }), ['r3,r2', 2]);
      assert.deepEqual(
        (await s.responses.page({ flowId: 'advocacy' }, { skip: 0, limit: 1 })).records,
        [records[3]],
        'records come whole',
      );
      // Values of the wrong type (a forged query) match nothing rather than something else.
      assert.deepEqual(await page({ locale: { $ne: '' } as never }), ['', 0]);
    });

    test('scanHeads gives each scanned response without its answers, in the same order', async (t) => {
      const s = await open(t);
      if (!s) return;
      const at = (m: number) => new Date(Date.UTC(2024, 4, 1, 10, m));
      await s.responses.save(response({ id: 'b', startedAt: at(1) }));
      await s.responses.save(bareResponse({ id: 'a', startedAt: at(1), respondent: 'p-2' }));
      await s.responses.save(response({ id: 'c', startedAt: at(0), status: 'partial' }));
      const heads = await collect(s.responses.scanHeads());
      const head = (r: ResponseRecord) => {
        const { id, flowId, flowVersion, status, channel, invitation, respondent, startedAt, updatedAt } = r;
        return {
          id,
          flowId,
          flowVersion,
          status,
          channel,
          ...(invitation ? { invitation } : {}),
          respondent,
          startedAt,
          updatedAt,
        };
      };
      assert.deepEqual(heads, (await collect(s.responses.scan())).map(head));
      assert.deepEqual(
        heads.map((h) => h.id),
        ['c', 'a', 'b'],
      );
      assert.deepEqual(
        (await collect(s.responses.scanHeads({ status: 'partial' }))).map((h) => h.id),
        ['c', 'a'],
      );
    });

    test('scan goes through more responses than one read holds, each once and whole', async (t) => {
      const s = await open(t);
      if (!s) return;
      const count = 1200;
      const saved: ResponseRecord[] = [];
      for (let i = 0; i < count; i++) {
        saved.push(
          response({
            id: `r${String(i).padStart(5, '0')}`,
            respondent: `p-${i}`,
            startedAt: new Date(Date.UTC(2024, 0, 1) + (count - i) * 1000),
            answers: { q11: { status: 'answered', value: `answer ${i} ${'é'.repeat(i % 40)}` } },
          }),
        );
      }
      for (let i = 0; i < count; i += 250)
        await Promise.all(saved.slice(i, i + 250).map((r) => s.responses.save(r)));
      let n = 0;
      let last = -Infinity;
      for await (const r of s.responses.scan({ flowId: 'advocacy' })) {
        assert.ok(r.startedAt.getTime() > last, 'in order of start');
        last = r.startedAt.getTime();
        assert.deepEqual(r, saved[count - 1 - n]);
        n++;
      }
      assert.equal(n, count);
    });

    test('a scan under way is not disturbed by saves and erasures; the next scan sees them', async (t) => {
      const s = await open(t);
      if (!s) return;
      const at = (m: number) => new Date(Date.UTC(2024, 4, 1, 10, m));
      for (let m = 0; m < 5; m++)
        await s.responses.save(response({ id: `r${m}`, respondent: `p-${m}`, startedAt: at(m) }));
      const seen: string[] = [];
      for await (const r of s.responses.scan()) {
        seen.push(r.id);
        if (r.id === 'r1') {
          await s.responses.save(response({ id: 'r9', respondent: 'p-9', startedAt: at(9) }));
          await s.responses.save(response({ id: 'r3', respondent: 'p-3', startedAt: at(3), locale: 'ru' }));
          await s.responses.deleteByRespondent('p-0');
        }
      }
      assert.deepEqual(seen.slice(0, 2), ['r0', 'r1']);
      assert.ok(seen.includes('r2') && seen.includes('r4'));
      const after = await collect(s.responses.scan());
      assert.deepEqual(
        after.map((r) => r.id),
        ['r1', 'r2', 'r3', 'r4', 'r9'],
      );
      assert.equal(after[2]!.locale, 'ru');
    });

    test('text that looks like a query operator is stored and matched as plain text', async (t) => {
      const s = await open(t);
      if (!s) return;
      await s.responses.save(response({ id: 'x', invitation: '$ne' }));
      await s.responses.save(response({ id: 'y', invitation: 'y' }));
      assert.deepEqual(
        (await collect(s.responses.scan({ invitation: '$ne' }))).map((r) => r.id),
        ['x'],
      );
      assert.equal((await s.responses.get('x'))!.answers.q11!.status, 'answered');
    });

    test('objects smuggled in where a string belongs match nothing and delete nothing', async (t) => {
      const s = await open(t);
      if (!s) return;
      await s.responses.save(response());
      await s.contacts.save(contact());
      const operator = { $ne: 'nobody' } as unknown as string;
      assert.equal(await s.responses.get(operator), null);
      assert.deepEqual(await collect(s.responses.scan({ status: operator as never })), []);
      assert.deepEqual(await collect(s.responses.scan({ flowId: { $regex: '.*' } as never })), []);
      assert.equal(await s.responses.deleteByRespondent(operator), 0);
      assert.equal(await s.contacts.deleteByRespondent(operator), 0);
      assert.equal(await s.contacts.get(operator), null);
      assert.equal((await collect(s.responses.scan())).length, 1);
      assert.equal((await s.contacts.list()).length, 1);
    });

    test("a respondent's responses to one flow, oldest first; nobody else's, no other flow's", async (t) => {
      const s = await open(t);
      if (!s) return;
      const at = (m: number) => new Date(Date.UTC(2024, 4, 1, 10, m));
      await s.responses.save(response({ id: 'late', respondent: 'p-1', startedAt: at(9) }));
      await s.responses.save(bareResponse({ id: 'early', respondent: 'p-1', startedAt: at(1) }));
      await s.responses.save(response({ id: 'other-flow', respondent: 'p-1', flowId: 'other' }));
      await s.responses.save(response({ id: 'someone-else', respondent: 'p-2' }));
      assert.deepEqual(await s.responses.byRespondent('p-1', 'advocacy'), [
        bareResponse({ id: 'early', respondent: 'p-1', startedAt: at(1) }),
        response({ id: 'late', respondent: 'p-1', startedAt: at(9) }),
      ]);
      assert.deepEqual(
        (await s.responses.byRespondent('p-1', 'other')).map((r) => r.id),
        ['other-flow'],
      );
      assert.deepEqual(await s.responses.byRespondent('p-3', 'advocacy'), []);
      // A partial that becomes complete is still one response; an erased respondent has none.
      await s.responses.save(response({ id: 'early', respondent: 'p-1', startedAt: at(1) }));
      assert.deepEqual(
        (await s.responses.byRespondent('p-1', 'advocacy')).map((r) => [r.id, r.status]),
        [
          ['early', 'complete'],
          ['late', 'complete'],
        ],
      );
      await s.responses.deleteByRespondent('p-1');
      assert.deepEqual(await s.responses.byRespondent('p-1', 'advocacy'), []);
      const operator = { $ne: 'nobody' } as unknown as string;
      assert.deepEqual(await s.responses.byRespondent(operator, 'advocacy'), []);
      assert.deepEqual(await s.responses.byRespondent('p-2', operator), []);
    });

    test('deleting by respondent removes only that respondent', async (t) => {
      const s = await open(t);
      if (!s) return;
      await s.responses.save(response({ id: 'a', respondent: 'p-1' }));
      await s.responses.save(bareResponse({ id: 'b', respondent: 'p-1' }));
      await s.responses.save(response({ id: 'c', respondent: 'p-2' }));
      assert.equal(await s.responses.deleteByRespondent('p-1'), 2);
      assert.deepEqual(
        (await collect(s.responses.scan())).map((r) => r.id),
        ['c'],
      );
      assert.equal(await s.responses.deleteByRespondent('p-1'), 0);
    });
  });

  describe(`ContactStore contract: ${name}`, () => {
    test('contact details are kept apart and read back by the response id', async (t) => {
      const s = await open(t);
      if (!s) return;
      await s.contacts.save(contact());
      assert.deepEqual(await s.contacts.get('r-1'), contact());
      assert.equal(await s.responses.get('r-1'), null, 'contacts are not responses');
      const { chat: _c, email: _e, ...viaChatOnly } = contact({ id: 'r-2', viaChat: true });
      await s.contacts.save(viaChatOnly);
      assert.deepEqual(await s.contacts.get('r-2'), viaChatOnly);
    });

    test('saving again replaces; deleting by respondent erases only that person', async (t) => {
      const s = await open(t);
      if (!s) return;
      await s.contacts.save(contact());
      await s.contacts.save(contact({ name: 'Ana' }));
      await s.contacts.save(
        contact({ id: 'r-9', respondent: 'p-9', createdAt: new Date('2024-06-01T00:00:00Z') }),
      );
      assert.deepEqual(
        (await s.contacts.list()).map((c) => [c.id, c.name]),
        [
          ['r-1', 'Ana'],
          ['r-9', 'Ана-Мария'],
        ],
      );
      assert.equal(await s.contacts.deleteByRespondent('p-1'), 1);
      assert.equal(await s.contacts.get('r-1'), null);
      assert.notEqual(await s.contacts.get('r-9'), null);
    });
  });
}
