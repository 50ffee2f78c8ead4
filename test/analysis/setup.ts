import { mkdtempSync, rmSync } from 'node:fs';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import { readCodebookCsv } from '../../src/analysis/coding/codebook-csv.ts';
import type { AnalysisStores } from '../../src/analysis/sources.ts';
import type { Flow } from '../../src/engine/flow.ts';
import type { Coding } from '../../src/store/coding-store.ts';
import { FileCodingStore } from '../../src/store/file-coding-store.ts';
import { FileInvitationStore } from '../../src/store/file-invitation-store.ts';
import { FileResponseStore } from '../../src/store/file-response-store.ts';
import type { Invitation } from '../../src/store/invitation-store.ts';
import { MongoCodingStore } from '../../src/store/mongo-coding-store.ts';
import { MongoInvitationStore } from '../../src/store/mongo-invitation-store.ts';
import { MongoResponseStore } from '../../src/store/mongo-response-store.ts';
import type { ResponseRecord } from '../../src/store/response-store.ts';
import { flow as advocacy } from '../support/flow.ts';
import { mongoFor } from '../support/stores.ts';
import { FIXTURE_INVITATIONS, fixtureCodings, fixtureResponses } from './fixture.ts';

export { translator } from '../support/flow.ts';

/** The 2013 q9 categories as shipped in codebooks/advocacy/q9.csv. */
export const Q9_CODES = readCodebookCsv(
  readFileSync(join(import.meta.dirname, '../../codebooks/advocacy/q9.csv'), 'utf8'),
);

export interface Filled {
  stores: AnalysisStores & { invitations: FileInvitationStore | MongoInvitationStore };
  dir: string;
  flow: Flow;
}

/** Embedded stores in a fresh folder, removed after the test. */
export function embeddedStores(t: TestContext): Filled['stores'] & { dir: string } {
  const dir = mkdtempSync(join(tmpdir(), 'survey-analysis-'));
  const stores = {
    responses: new FileResponseStore(dir),
    invitations: new FileInvitationStore(dir),
    codings: new FileCodingStore(dir),
  };
  t.after(async () => {
    await Promise.all([stores.responses.close(), stores.invitations.close(), stores.codings.close()]);
    rmSync(dir, { recursive: true, force: true });
  });
  return { ...stores, dir };
}

export async function fill(
  stores: Filled['stores'],
  data: {
    responses?: ResponseRecord[];
    codings?: Coding[];
    invitations?: Invitation[];
    codebook?: boolean;
  } = {},
): Promise<void> {
  for (const r of data.responses ?? fixtureResponses()) await stores.responses.save(r);
  for (const i of data.invitations ?? FIXTURE_INVITATIONS) await stores.invitations.create(i);
  if (data.codebook ?? true) {
    await stores.codings.saveCodebook({
      flowId: 'advocacy',
      question: 'q9',
      codes: Q9_CODES,
      updatedAt: new Date(0),
    });
  }
  for (const c of data.codings ?? fixtureCodings()) await stores.codings.saveCoding(c);
}

/** The fixture in embedded stores. */
export async function embeddedFixture(t: TestContext): Promise<Filled> {
  const stores = embeddedStores(t);
  await fill(stores);
  return { stores, dir: stores.dir, flow: advocacy };
}

/** The fixture in the MongoDB-protocol server; null when it is not there (skipped, or failed under CI). */
export async function mongoFixture(t: TestContext): Promise<Filled | null> {
  const mongo = await mongoFor(t);
  if (!mongo) return null;
  const stores = {
    responses: new MongoResponseStore(mongo.connection),
    invitations: new MongoInvitationStore(mongo.connection),
    codings: new MongoCodingStore(mongo.connection),
  };
  await fill(stores);
  return { stores, dir: '', flow: advocacy };
}

/** Collects what a writer writes. */
export function collector(): { write: (chunk: string) => void; text(): string } {
  const parts: string[] = [];
  return { write: (chunk) => void parts.push(chunk), text: () => parts.join('') };
}
