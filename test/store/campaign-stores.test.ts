import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import type { Connection } from 'mongoose';
import { FileCampaignStore } from '../../src/store/file-campaign-store.ts';
import { FileInviteeStore } from '../../src/store/file-invitee-store.ts';
import { FileSendLog } from '../../src/store/file-send-log.ts';
import { MongoCampaignStore } from '../../src/store/mongo-campaign-store.ts';
import { MongoInviteeStore } from '../../src/store/mongo-invitee-store.ts';
import { MongoSendLog } from '../../src/store/mongo-send-log.ts';
import { mongoFor } from '../support/stores.ts';
import { SealedInviteeStore } from '../../src/privacy/sealed-invitees.ts';
import { testKeyring } from '../support/servers.ts';
import {
  campaignStoreContract,
  inviteeRowsContract,
  inviteeStoreContract,
  sendLogContract,
} from './campaign-stores.contract.ts';

function inFolder<T extends { close(): Promise<void> }>(make: (dir: string) => T) {
  return async (t: TestContext) => {
    const dir = mkdtempSync(join(tmpdir(), 'survey-campaigns-'));
    const store = make(dir);
    t.after(async () => {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    });
    return store;
  };
}

function onMongo<T>(make: (connection: Connection) => T) {
  return async (t: TestContext) => {
    const mongo = await mongoFor(t);
    return mongo ? make(mongo.connection) : null;
  };
}

campaignStoreContract(
  'JSON-lines file',
  inFolder((dir) => new FileCampaignStore(dir)),
);
campaignStoreContract(
  'MongoDB',
  onMongo((c) => new MongoCampaignStore(c)),
);
inviteeStoreContract(
  'JSON-lines file',
  inFolder((dir) => new FileInviteeStore(dir)),
);
inviteeStoreContract(
  'MongoDB',
  onMongo((c) => new MongoInviteeStore(c)),
);
inviteeStoreContract(
  'sealed, over the JSON-lines file',
  inFolder((dir) => new SealedInviteeStore(new FileInviteeStore(dir), testKeyring(), () => {})),
  { order: 'any' },
);
inviteeStoreContract(
  'sealed, over MongoDB',
  onMongo((c) => new SealedInviteeStore(new MongoInviteeStore(c), testKeyring(), () => {})),
  { order: 'any' },
);
inviteeRowsContract(
  'JSON-lines file',
  inFolder((dir) => new FileInviteeStore(dir)),
);
inviteeRowsContract(
  'MongoDB',
  onMongo((c) => new MongoInviteeStore(c)),
);
sendLogContract(
  'JSON-lines file',
  inFolder((dir) => new FileSendLog(dir)),
);
sendLogContract(
  'MongoDB',
  onMongo((c) => new MongoSendLog(c)),
);
