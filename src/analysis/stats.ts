import jstat from 'jstat';

/**
 * The statistics the tables print. Quantiles interpolate linearly between order statistics (R's
 * default type 7, Excel's QUARTILE.INC), so a reader can check them in either. The chi-square
 * distribution comes from jStat rather than hand-written special functions.
 */
export function quantile(sorted: ArrayLike<number>, p: number): number | null {
  if (sorted.length === 0) return null;
  const h = (sorted.length - 1) * p;
  const lo = Math.floor(h);
  const hi = Math.min(lo + 1, sorted.length - 1);
  return sorted[lo]! + (h - lo) * (sorted[hi]! - sorted[lo]!);
}

export interface Spread {
  n: number;
  min: number;
  q1: number;
  median: number;
  q3: number;
  max: number;
}

/**
 * n, quartiles and range; null for no values. A typed array is sorted in place (numerically, as
 * typed arrays sort): copied to a plain array, the medians of a report over 100,000 respondents
 * made about 50 MB of garbage at once.
 */
export function spread(values: Uint32Array | Float64Array | number[]): Spread | null {
  if (values.length === 0) return null;
  const sorted = Array.isArray(values) ? [...values].sort((a, b) => a - b) : values.sort();
  return {
    n: sorted.length,
    min: sorted[0]!,
    q1: quantile(sorted, 0.25)!,
    median: quantile(sorted, 0.5)!,
    q3: quantile(sorted, 0.75)!,
    max: sorted[sorted.length - 1]!,
  };
}

export interface ChiSquare {
  chi2: number;
  df: number;
  p: number;
  cramersV: number;
  /** Cells whose expected count is below 5, where the test's p-value is not to be trusted. */
  lowExpected: number;
  cells: number;
  minExpected: number;
}

/**
 * Pearson's chi-square test of independence on a table of counts, with Cramér's V. Rows or
 * columns without any count are left out (they add nothing and would divide by zero); null when
 * fewer than two rows or columns remain.
 */
export function chiSquare(counts: readonly (readonly number[])[]): ChiSquare | null {
  const rowSums = counts.map((row) => row.reduce((a, b) => a + b, 0));
  const colCount = Math.max(0, ...counts.map((r) => r.length));
  const colSums = Array.from({ length: colCount }, (_, j) => counts.reduce((a, row) => a + (row[j] ?? 0), 0));
  const rows = rowSums.map((s, i) => (s > 0 ? i : -1)).filter((i) => i >= 0);
  const cols = colSums.map((s, j) => (s > 0 ? j : -1)).filter((j) => j >= 0);
  if (rows.length < 2 || cols.length < 2) return null;
  const n = rows.reduce((a, i) => a + rowSums[i]!, 0);
  let chi2 = 0;
  let lowExpected = 0;
  let minExpected = Infinity;
  for (const i of rows) {
    for (const j of cols) {
      const expected = (rowSums[i]! * colSums[j]!) / n;
      const observed = counts[i]![j] ?? 0;
      chi2 += (observed - expected) ** 2 / expected;
      if (expected < 5) lowExpected++;
      minExpected = Math.min(minExpected, expected);
    }
  }
  const df = (rows.length - 1) * (cols.length - 1);
  const p = Math.min(1, Math.max(0, 1 - jstat.jStat.chisquare.cdf(chi2, df)));
  const cramersV = Math.sqrt(chi2 / (n * (Math.min(rows.length, cols.length) - 1)));
  return { chi2, df, p, cramersV, lowExpected, cells: rows.length * cols.length, minExpected };
}

/** Cohen's kappa from a square table of two coders' decisions (rows: coder A, columns: coder B). */
export function cohenKappa(table: readonly (readonly number[])[]): {
  kappa: number | null;
  observed: number;
  expected: number;
  n: number;
} {
  const k = table.length;
  const n = table.reduce((a, row) => a + row.reduce((b, c) => b + c, 0), 0);
  if (n === 0) return { kappa: null, observed: 0, expected: 0, n };
  let agree = 0;
  let chance = 0;
  for (let i = 0; i < k; i++) {
    agree += table[i]![i]!;
    const rowSum = table[i]!.reduce((a, b) => a + b, 0);
    const colSum = table.reduce((a, row) => a + row[i]!, 0);
    chance += (rowSum / n) * (colSum / n);
  }
  const observed = agree / n;
  // Both coders always chose one and the same category: agreement is complete but kappa undefined.
  const kappa = chance === 1 ? null : (observed - chance) / (1 - chance);
  return { kappa, observed, expected: chance, n };
}
