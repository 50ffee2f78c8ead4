import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileCodingStore } from '../../src/store/file-coding-store.ts';
import { MongoCodingStore } from '../../src/store/mongo-coding-store.ts';
import { mongoFor } from '../support/stores.ts';
import { codingStoreContract } from './coding-store.contract.ts';

codingStoreContract('JSON-lines files', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'survey-codings-'));
  const store = new FileCodingStore(dir);
  t.after(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });
  return store;
});

codingStoreContract('JSON-lines files, reopened', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'survey-codings-'));
  // Every read goes through a fresh store on the same files: what was written is what is read.
  let current = new FileCodingStore(dir);
  const reopen = async () => {
    await current.close();
    current = new FileCodingStore(dir);
    return current;
  };
  t.after(async () => {
    await current.close();
    rmSync(dir, { recursive: true, force: true });
  });
  return {
    saveCodebook: (b) => current.saveCodebook(b),
    getCodebook: async (f, q) => (await reopen()).getCodebook(f, q),
    listCodebooks: async (f) => (await reopen()).listCodebooks(f),
    saveCoding: (c) => current.saveCoding(c),
    deleteCoding: (k) => current.deleteCoding(k),
    scanCodings: (f) => ({
      async *[Symbol.asyncIterator]() {
        yield* (await reopen()).scanCodings(f);
      },
    }),
    deleteByRespondent: (r) => current.deleteByRespondent(r),
    close: () => current.close(),
  };
});

codingStoreContract('MongoDB', async (t) => {
  const mongo = await mongoFor(t);
  return mongo ? new MongoCodingStore(mongo.connection) : null;
});
