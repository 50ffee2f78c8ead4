import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { FileContactStore, FileResponseStore } from '../../src/store/file-response-store.ts';
import { MongoContactStore, MongoResponseStore } from '../../src/store/mongo-response-store.ts';
import { mongoFor } from '../support/stores.ts';
import { response, responseStoreContract } from './response-store.contract.ts';

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

test("MongoDB: a respondent's responses are found through an index on respondent and flow", async (t) => {
  const mongo = await mongoFor(t);
  if (!mongo) return;
  const indexes = await mongo.connection.collection('responses').indexes();
  assert.ok(
    indexes.some((i) => JSON.stringify(i.key) === JSON.stringify({ respondent: 1, flowId: 1 })),
    JSON.stringify(indexes.map((i) => i.key)),
  );
});

test('JSON-lines files: the respondent index is rebuilt from the file when the store opens again', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'survey-responses-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const first = new FileResponseStore(dir);
  await first.save(response({ id: 'a', respondent: 'p-7' }));
  await first.close();
  const again = new FileResponseStore(dir);
  assert.deepEqual(
    (await again.byRespondent('p-7', 'advocacy')).map((r) => r.id),
    ['a'],
  );
  await again.close();
});
