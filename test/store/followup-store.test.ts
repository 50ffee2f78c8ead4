import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import { FileClaimStore, FileConversationStore } from '../../src/store/file-followup-store.ts';
import { MongoClaimStore, MongoConversationStore } from '../../src/store/mongo-followup-store.ts';
import { mongoFor } from '../support/stores.ts';
import { SealedConversationStore } from '../../src/privacy/sealed-conversations.ts';
import { testKeyring } from '../support/servers.ts';
import {
  claimStoreContract,
  conversationLinesContract,
  conversationStoreContract,
} from './followup-store.contract.ts';

function inFolder<T extends { close(): Promise<void> }>(make: (dir: string) => T) {
  return async (t: TestContext) => {
    const dir = mkdtempSync(join(tmpdir(), 'survey-followup-'));
    const store = make(dir);
    t.after(async () => {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    });
    return store;
  };
}

function onMongo<T>(
  make: (connection: NonNullable<Awaited<ReturnType<typeof mongoFor>>>['connection']) => T,
) {
  return async (t: TestContext) => {
    const mongo = await mongoFor(t);
    return mongo ? make(mongo.connection) : null;
  };
}

claimStoreContract(
  'JSON-lines file',
  inFolder((dir) => new FileClaimStore(dir)),
);
claimStoreContract(
  'MongoDB',
  onMongo((c) => new MongoClaimStore(c)),
);
conversationStoreContract(
  'JSON-lines file',
  inFolder((dir) => new FileConversationStore(dir)),
);
conversationStoreContract(
  'MongoDB',
  onMongo((c) => new MongoConversationStore(c)),
);
conversationStoreContract(
  'sealed, over the JSON-lines file',
  inFolder((dir) => new SealedConversationStore(new FileConversationStore(dir), testKeyring(), () => {})),
);
conversationLinesContract(
  'JSON-lines file',
  inFolder((dir) => new FileConversationStore(dir)),
);
conversationLinesContract(
  'MongoDB',
  onMongo((c) => new MongoConversationStore(c)),
);
