import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileStaffStore } from '../../src/store/file-staff-store.ts';
import { createStaffIndexes, MongoStaffStore } from '../../src/store/mongo-staff.ts';
import { mongoFor } from '../support/stores.ts';
import { staffStoreContract } from './staff-store.contract.ts';

staffStoreContract('JSON-lines files', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'survey-staff-'));
  const store = new FileStaffStore(dir);
  t.after(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });
  return store;
});

staffStoreContract('MongoDB', async (t) => {
  const mongo = await mongoFor(t);
  if (!mongo) return null;
  await createStaffIndexes(mongo.connection);
  return new MongoStaffStore(mongo.connection);
});
