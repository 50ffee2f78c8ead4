import assert from 'node:assert/strict';
import type { SharedServers } from './replica-process.ts';

interface StoredAnswer {
  status: string;
  value?: unknown;
}

export interface StoredResponse {
  _id: string;
  respondent: string;
  channel: string;
  status: string;
  answers: Record<string, StoredAnswer>;
}

/** Every response document in MongoDB, by respondent pseudonym; fails on a respondent stored twice. */
export async function storedResponses(
  servers: Pick<SharedServers, 'db'>,
): Promise<Map<string, StoredResponse>> {
  const docs = await servers.db.collection<StoredResponse>('responses').find({}).toArray();
  const byRespondent = new Map<string, StoredResponse>();
  for (const doc of docs) {
    assert.ok(!byRespondent.has(doc.respondent), `respondent ${doc.respondent} stored twice`);
    byRespondent.set(doc.respondent, doc);
  }
  return byRespondent;
}

/** Answers as a plan writes them: the value, or 'declined'. */
export function plain(answers: Record<string, StoredAnswer>): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(answers).map(([id, a]) => [id, a.status === 'declined' ? 'declined' : a.value]),
  );
}
