/** The stored values of a record's sealed fields (those that hold a value), by field. */
export type SealedValues = Readonly<Record<string, string>>;

/**
 * A rotation's write-back: a record's sealed fields replaced only while they still hold the
 * values read. Every write through a sealed store seals its fields anew (a fresh nonce each
 * time), so a record updated or erased meanwhile no longer matches and is left as that write
 * left it: nothing erased comes back, no update is undone. Other fields are not touched.
 * Comparing the fields that hold a value is enough: each such write seals a field every record
 * has (a contact's name, an address's chat, a staff member's name).
 */
export interface SealedSwap {
  /** False when the record is gone or one of its sealed fields changed since it was read. */
  swapSealed(id: string, expected: SealedValues, next: SealedValues): Promise<boolean>;
  /** Once records were swapped: no copy of a replaced value stays on disk (the embedded files append). */
  compact(): Promise<void>;
}

/** Whether a stored record's sealed fields still hold `expected`: the embedded stores' check. */
export const holds = (stored: object, expected: SealedValues): boolean =>
  Object.entries(expected).every(([field, value]) => (stored as Record<string, unknown>)[field] === value);
