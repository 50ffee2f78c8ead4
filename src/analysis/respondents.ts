import type { ResponseFilter, ResponseRecord, ResponseStore } from '../store/response-store.ts';

/** How many stored records a read went through, and how many it set aside as the same respondent's. */
export interface ReadCounts {
  records: number;
  /** Records of a respondent who has another one that counts (an earlier unfinished attempt). */
  superseded: number;
}

interface Winner {
  id: string;
  complete: boolean;
  updatedAt: number;
}

/**
 * One response per respondent and flow, as the lead decided: the complete response if there is
 * one (the latest, should there be two), else the latest partial. Two reads: the heads pick the
 * response of each respondent (a few dozen bytes each in memory), then the responses are read one
 * at a time and the others skipped. Yields in order of start.
 */
export async function* onePerRespondent(
  store: ResponseStore,
  filter: ResponseFilter & { flowId: string },
  counts: ReadCounts = { records: 0, superseded: 0 },
): AsyncGenerator<ResponseRecord> {
  const best = new Map<string, Winner>();
  for await (const head of store.scanHeads(filter)) {
    counts.records++;
    const candidate: Winner = {
      id: head.id,
      complete: head.status === 'complete',
      updatedAt: head.updatedAt.getTime(),
    };
    const current = best.get(head.respondent);
    if (!current || better(candidate, current)) best.set(head.respondent, candidate);
  }
  const chosen = new Set<string>();
  for (const w of best.values()) chosen.add(w.id);
  best.clear();
  counts.superseded = counts.records - chosen.size;
  for await (const record of store.scan(filter)) {
    if (chosen.delete(record.id)) yield record;
  }
}

function better(a: Winner, b: Winner): boolean {
  if (a.complete !== b.complete) return a.complete;
  return a.updatedAt > b.updatedAt || (a.updatedAt === b.updatedAt && a.id > b.id);
}
