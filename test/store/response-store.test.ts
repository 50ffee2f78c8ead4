import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileContactStore, FileResponseStore } from '../../src/store/file-response-store.ts';
import { MongoContactStore, MongoResponseStore } from '../../src/store/mongo-response-store.ts';
import { mongoFor } from '../support/stores.ts';
import { responseStoreContract } from './response-store.contract.ts';

responseStoreContract('JSON-lines files', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'survey-responses-'));
  const responses = new FileResponseStore(dir);
  const contacts = new FileContactStore(dir);
  t.after(async () => {
    await responses.close();
    await contacts.close();
    rmSync(dir, { recursive: true, force: true });
  });
  return { responses, contacts };
});

responseStoreContract('MongoDB', async (t) => {
  const mongo = await mongoFor(t);
  if (!mongo) return null;
  return {
    responses: new MongoResponseStore(mongo.connection),
    contacts: new MongoContactStore(mongo.connection),
  };
});
