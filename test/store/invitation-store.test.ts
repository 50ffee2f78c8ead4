import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileInvitationStore } from '../../src/store/file-invitation-store.ts';
import { MongoInvitationStore } from '../../src/store/mongo-invitation-store.ts';
import { mongoFor } from '../support/stores.ts';
import { invitationStoreContract } from './invitation-store.contract.ts';

invitationStoreContract('JSON-lines file', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'survey-invitations-'));
  const store = new FileInvitationStore(dir);
  t.after(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });
  return store;
});

invitationStoreContract('MongoDB', async (t) => {
  const mongo = await mongoFor(t);
  return mongo ? new MongoInvitationStore(mongo.connection) : null;
});
