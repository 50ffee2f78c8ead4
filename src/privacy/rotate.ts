import type { Stores } from '../store/open.ts';
import type { RotationResult } from './sealed-stores.ts';

/**
 * Seals again, with the current key, everything sealed with another key (or stored in clear
 * before sealing was on), store by store. Each record is rewritten on its own, and records already
 * on the current key are skipped, so an interrupted run is resumed by running it again.
 */
export async function rotate(stores: Pick<Stores, 'sealed'>): Promise<RotationResult[]> {
  const results: RotationResult[] = [];
  for (const store of stores.sealed) results.push(await store.reseal());
  return results;
}
