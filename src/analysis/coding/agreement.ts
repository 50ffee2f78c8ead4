import type { Coding } from '../../store/coding-store.ts';
import { cohenKappa } from '../stats.ts';

export interface CodeAgreement {
  code: string;
  /** Answers both coded: [both gave it, only A, only B, neither]. */
  both: number;
  onlyA: number;
  onlyB: number;
  neither: number;
  kappa: number | null;
}

export interface Disagreement {
  responseId: string;
  a: string[];
  b: string[];
}

export interface Agreement {
  coders: [string, string];
  /** Answers coded by both coders: the base of every figure here. */
  answers: number;
  /** Answers given the very same codes. */
  identical: number;
  perCode: CodeAgreement[];
  /** Kappa of all codes' yes/no decisions pooled (De Vries et al., 2008): one figure for the question. */
  pooled: number | null;
  /**
   * Classic Cohen's kappa over the codes as categories, when both coders gave exactly one code to
   * every answer; null otherwise.
   */
  single: number | null;
  disagreements: Disagreement[];
}

/**
 * How far two coders agree on one question's answers. An answer may carry several codes, so each
 * code is a yes/no decision per answer with its own kappa; the pooled kappa sums those tables.
 */
export function agreement(
  codebook: readonly string[],
  codings: readonly Pick<Coding, 'responseId' | 'coder' | 'codes'>[],
  a: string,
  b: string,
): Agreement {
  const byA = new Map<string, Set<string>>();
  const byB = new Map<string, Set<string>>();
  for (const c of codings) {
    if (c.coder === a) byA.set(c.responseId, new Set(c.codes));
    if (c.coder === b) byB.set(c.responseId, new Set(c.codes));
  }
  const shared = [...byA.keys()].filter((id) => byB.has(id)).sort();
  const codes = [...new Set([...codebook, ...shared.flatMap((id) => [...byA.get(id)!, ...byB.get(id)!])])];
  const pooled = [
    [0, 0],
    [0, 0],
  ];
  const perCode = codes.map((code): CodeAgreement => {
    let both = 0;
    let onlyA = 0;
    let onlyB = 0;
    let neither = 0;
    for (const id of shared) {
      const inA = byA.get(id)!.has(code);
      const inB = byB.get(id)!.has(code);
      if (inA && inB) both++;
      else if (inA) onlyA++;
      else if (inB) onlyB++;
      else neither++;
    }
    pooled[0]![0]! += both;
    pooled[0]![1]! += onlyA;
    pooled[1]![0]! += onlyB;
    pooled[1]![1]! += neither;
    const table = [
      [both, onlyA],
      [onlyB, neither],
    ];
    return { code, both, onlyA, onlyB, neither, kappa: cohenKappa(table).kappa };
  });
  const same = (x: Set<string>, y: Set<string>) => x.size === y.size && [...x].every((c) => y.has(c));
  const disagreements = shared
    .filter((id) => !same(byA.get(id)!, byB.get(id)!))
    .map((id) => ({ responseId: id, a: [...byA.get(id)!].sort(), b: [...byB.get(id)!].sort() }));
  const oneEach =
    shared.length > 0 && shared.every((id) => byA.get(id)!.size === 1 && byB.get(id)!.size === 1);
  let single: number | null = null;
  if (oneEach) {
    const index = new Map(codes.map((c, i) => [c, i]));
    const table = codes.map(() => codes.map(() => 0));
    for (const id of shared) {
      const [ca] = byA.get(id)!;
      const [cb] = byB.get(id)!;
      table[index.get(ca!)!]![index.get(cb!)!]!++;
    }
    single = cohenKappa(table).kappa;
  }
  return {
    coders: [a, b],
    answers: shared.length,
    identical: shared.length - disagreements.length,
    perCode,
    pooled: shared.length ? cohenKappa(pooled).kappa : null,
    single,
    disagreements,
  };
}
