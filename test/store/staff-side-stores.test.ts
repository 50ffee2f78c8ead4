import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import { FileAddressBook } from '../../src/store/file-address-book.ts';
import { FileAuditLog } from '../../src/store/file-audit-log.ts';
import { FileFlowSnapshots } from '../../src/store/file-flow-snapshots.ts';
import { MongoAddressBook } from '../../src/store/mongo-address-book.ts';
import { MongoAuditLog } from '../../src/store/mongo-audit-log.ts';
import { MongoFlowSnapshots } from '../../src/store/mongo-flow-snapshots.ts';
import { mongoFor } from '../support/stores.ts';
import { addressBookContract, auditLogContract, flowSnapshotContract } from './staff-side-stores.contract.ts';

/** A store over a fresh folder, closed and removed after the test. */
function inFolder<T extends { close(): Promise<void> }>(make: (dir: string) => T) {
  return async (t: TestContext) => {
    const dir = mkdtempSync(join(tmpdir(), 'survey-store-'));
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

auditLogContract(
  'JSON-lines file',
  inFolder((dir) => new FileAuditLog(dir)),
);
auditLogContract(
  'MongoDB',
  onMongo((c) => new MongoAuditLog(c)),
);
addressBookContract(
  'JSON-lines file',
  inFolder((dir) => new FileAddressBook(dir)),
);
addressBookContract(
  'MongoDB',
  onMongo((c) => new MongoAddressBook(c)),
);
flowSnapshotContract(
  'JSON-lines file',
  inFolder((dir) => new FileFlowSnapshots(dir)),
);
flowSnapshotContract(
  'MongoDB',
  onMongo((c) => new MongoFlowSnapshots(c)),
);
