import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import mongoose from 'mongoose';
import { importInvitees } from '../src/campaigns/invitees.ts';
import { Keyring } from '../src/privacy/keyring.ts';
import { SealedInviteeStore } from '../src/privacy/sealed-invitees.ts';
import { FileInvitationStore } from '../src/store/file-invitation-store.ts';
import { FileInviteeStore } from '../src/store/file-invitee-store.ts';
import type { InvitationStore } from '../src/store/invitation-store.ts';
import type { InviteeRows, InviteeStore } from '../src/store/invitee-store.ts';
import { MongoInvitationStore } from '../src/store/mongo-invitation-store.ts';
import { inviteeModel, MongoInviteeStore } from '../src/store/mongo-invitee-store.ts';
import { ensureCollections } from '../src/store/mongo-model.ts';
import { modelsOf } from '../src/store/mongo-models.ts';
import { campaign } from '../test/store/campaign-stores.contract.ts';

const SIZES = (process.env.BENCH_INVITEE_ROWS ?? '2000,100000').split(',').map(Number);
const URI = process.env.MONGODB_URI ?? 'mongodb://127.0.0.1:27017';
/** FerretDB 1.x (SQLite) takes about 35 ms per merged row: the merge pass of a larger file is left out there. */
const MONGO_MERGE_MAX = Number(process.env.BENCH_INVITEE_MERGE_MAX ?? 2000);

/**
 * An invitee CSV of 2,000 and 100,000 rows imported into a campaign, sealed (as the bot runs
 * with a key), into the embedded files and into MongoDB; then the same file again (every row
 * merged; on MongoDB up to BENCH_INVITEE_MERGE_MAX rows). Prints the seconds each. `BENCH_INVITEE_ROWS=2000` for the small one only.
 */
export async function run(): Promise<void> {
  const keyring = new Keyring([{ id: 'k1', key: Buffer.alloc(32, 1) }], 'k1', Buffer.alloc(32, 2));
  const seal = (inner: InviteeStore & InviteeRows) => new SealedInviteeStore(inner, keyring, () => {});
  for (const size of SIZES) {
    const file = csv(size);
    const dir = mkdtempSync(join(tmpdir(), 'bench-invitee-import-'));
    await twice(2, 'embedded files', size, file, {
      invitees: seal(new FileInviteeStore(dir)),
      invitations: new FileInvitationStore(dir),
    });
    rmSync(dir, { recursive: true, force: true });

    const connection = await mongoose
      .createConnection(URI, {
        dbName: `bench_invitee_import_${process.pid}`,
        serverSelectionTimeoutMS: 3000,
      })
      .asPromise()
      .catch(() => null);
    if (!connection) {
      console.log(`MongoDB at ${URI} not reachable: skipped`);
      continue;
    }
    try {
      await ensureCollections([inviteeModel(connection), modelsOf(connection).invitations]);
      await twice(size <= MONGO_MERGE_MAX ? 2 : 1, 'MongoDB', size, file, {
        invitees: seal(new MongoInviteeStore(connection)),
        invitations: new MongoInvitationStore(connection),
      });
    } finally {
      await connection.dropDatabase();
      await connection.close();
    }
  }
}

function csv(size: number): Buffer {
  const rows = Array.from(
    { length: size },
    (_, i) => `Person ${i},p${i}@example.org,en,FR,Library ${i % 500},City ${i % 97}`,
  );
  return Buffer.from(['name,email,language,country,organisation,city', ...rows].join('\n'));
}

async function twice(
  passes: number,
  where: string,
  size: number,
  file: Buffer,
  stores: { invitees: InviteeStore; invitations: InvitationStore },
): Promise<void> {
  for (const pass of ['new', 'merged'].slice(0, passes)) {
    const start = performance.now();
    const report = await importInvitees(stores, campaign(), 'm-1', file, new Date());
    const s = (performance.now() - start) / 1000;
    if ('problem' in report) throw new Error(report.problem);
    console.log(
      `${where}: import ${size.toLocaleString('en')} rows (${pass}): ${s.toFixed(1)} s, ${Math.round(size / s).toLocaleString('en')} rows/s (added ${report.added}, merged ${report.merged})`,
    );
  }
  await Promise.all([stores.invitees.close(), stores.invitations.close()]);
}
