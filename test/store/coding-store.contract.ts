import assert from 'node:assert/strict';
import { describe, test, type TestContext } from 'node:test';
import type { Codebook, Coding, CodingStore } from '../../src/store/coding-store.ts';
import { collect } from '../../src/store/response-store.ts';

export type OpenCodingStore = (t: TestContext) => Promise<CodingStore | null>;

export function codebook(over: Partial<Codebook> = {}): Codebook {
  return {
    flowId: 'advocacy',
    question: 'q9',
    codes: [
      { code: 'financing', labels: { en: 'Financing', ru: 'Финансирование' }, description: 'money, budget' },
      { code: 'lack_of_time', labels: { en: 'Lack of time' } },
    ],
    updatedAt: new Date('2025-03-01T10:00:00.000Z'),
    ...over,
  };
}

export function coding(over: Partial<Coding> = {}): Coding {
  return {
    flowId: 'advocacy',
    question: 'q9',
    responseId: 'r-1',
    respondent: 'p-1',
    coder: 'alice',
    codes: ['financing'],
    at: new Date('2025-03-02T10:00:00.000Z'),
    ...over,
  };
}

/** One contract for every CodingStore. */
export function codingStoreContract(name: string, open: OpenCodingStore): void {
  describe(`CodingStore contract: ${name}`, () => {
    test('a codebook reads back whole, per flow and question; saving again replaces it', async (t) => {
      const s = await open(t);
      if (!s) return;
      await s.saveCodebook(codebook());
      assert.deepEqual(await s.getCodebook('advocacy', 'q9'), codebook());
      assert.equal(await s.getCodebook('advocacy', 'q8'), null);
      assert.equal(await s.getCodebook('other', 'q9'), null);
      const changed = codebook({ codes: [{ code: 'other', labels: { ar: 'أخرى' } }] });
      await s.saveCodebook(changed);
      await s.saveCodebook(codebook({ question: 'q13' }));
      await s.saveCodebook(codebook({ flowId: 'other' }));
      assert.deepEqual(await s.listCodebooks('advocacy'), [codebook({ question: 'q13' }), changed]);
    });

    test('one coding per answer and coder: saving again replaces, other coders keep theirs', async (t) => {
      const s = await open(t);
      if (!s) return;
      await s.saveCoding(coding());
      await s.saveCoding(coding({ coder: 'bob', codes: ['lack_of_time', 'financing'] }));
      await s.saveCoding(coding({ codes: [] }));
      await s.saveCoding(coding({ responseId: 'r-0', respondent: 'p-0' }));
      await s.saveCoding(coding({ question: 'q8', responseId: 'r-0' }));
      await s.saveCoding(coding({ flowId: 'other' }));
      assert.deepEqual(await collect(s.scanCodings({ flowId: 'advocacy', question: 'q9' })), [
        coding({ responseId: 'r-0', respondent: 'p-0' }),
        coding({ codes: [] }),
        coding({ coder: 'bob', codes: ['lack_of_time', 'financing'] }),
      ]);
      assert.deepEqual(
        (await collect(s.scanCodings({ flowId: 'advocacy', coder: 'bob' }))).map((c) => c.codes),
        [['lack_of_time', 'financing']],
      );
      assert.equal((await collect(s.scanCodings({ flowId: 'advocacy' }))).length, 4);
    });

    test('a coding can be taken back', async (t) => {
      const s = await open(t);
      if (!s) return;
      await s.saveCoding(coding());
      assert.equal(await s.deleteCoding(coding()), true);
      assert.equal(await s.deleteCoding(coding()), false);
      assert.deepEqual(await collect(s.scanCodings({ flowId: 'advocacy' })), []);
    });

    test('erasing a respondent erases their codings by every coder, only theirs', async (t) => {
      const s = await open(t);
      if (!s) return;
      await s.saveCoding(coding());
      await s.saveCoding(coding({ coder: 'bob' }));
      await s.saveCoding(coding({ responseId: 'r-2', respondent: 'p-2' }));
      assert.equal(await s.deleteByRespondent('p-1'), 2);
      assert.equal(await s.deleteByRespondent({ $ne: 'x' } as unknown as string), 0);
      assert.deepEqual(
        (await collect(s.scanCodings({ flowId: 'advocacy' }))).map((c) => c.responseId),
        ['r-2'],
      );
    });
  });
}
