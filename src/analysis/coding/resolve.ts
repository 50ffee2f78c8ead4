import { FINAL_CODER, type Coding, type CodingStore } from '../../store/coding-store.ts';
import type { CodesOf } from '../report.ts';

/**
 * The codes an answer counts under in reports and exports: a final (reviewer's) coding when there
 * is one; else the coders' codes when they all agree (one coder agrees with themself); else
 * 'disputed', counted apart until someone resolves it.
 */
export function resolveCodes(
  codings: readonly Pick<Coding, 'coder' | 'codes'>[],
): readonly string[] | 'disputed' | undefined {
  if (codings.length === 0) return undefined;
  const final = codings.find((c) => c.coder === FINAL_CODER);
  if (final) return [...final.codes].sort();
  const sets = codings.map((c) => [...new Set(c.codes)].sort().join('\n'));
  return sets.every((s) => s === sets[0]) ? [...new Set(codings[0]!.codes)].sort() : 'disputed';
}

/**
 * Reads every coding of the flow's coded questions once, before the responses stream, and
 * answers per answer. Memory: one short entry per coded answer.
 */
export async function loadResolvedCodes(store: CodingStore, flowId: string): Promise<CodesOf> {
  const resolved = new Map<string, readonly string[] | 'disputed'>();
  let key = '';
  let group: Coding[] = [];
  const flush = () => {
    const codes = resolveCodes(group);
    if (codes) resolved.set(key, codes);
  };
  for await (const c of store.scanCodings({ flowId })) {
    const k = `${c.question}\u0000${c.responseId}`;
    if (k !== key) {
      if (group.length) flush();
      key = k;
      group = [];
    }
    group.push(c);
  }
  if (group.length) flush();
  return (question, responseId) => resolved.get(`${question}\u0000${responseId}`);
}
