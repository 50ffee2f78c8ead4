import fc from 'fast-check';

/**
 * The fuzz tests' building blocks: abstract actions drawn by fast-check from a fixed seed (made
 * concrete against what the bot shows at the time) and mutations of JSON payloads.
 */

/** The seed of a fuzz run: FUZZ_SEED, else a fixed one, so a run is repeated exactly. */
export const FUZZ_SEED = Number(process.env.FUZZ_SEED ?? 18_2026);

/** Strings a person, a broken client or an attacker might send. */
export const ODD_TEXTS = [
  '',
  ' ',
  '\u0000',
  '\u202Eevil\u202C',
  '\u2066isolate\u2069',
  '\u200B\u200C\u200D\uFEFF',
  '\uD800',
  '\uDFFF lone',
  'e\u0301'.repeat(500),
  '👩‍👩‍👧‍👦'.repeat(100),
  '\u2028\u2029',
  'Z̴̡̛̗͖a̷l̸g̶o̴'.repeat(50),
  '=HYPERLINK("http://x")',
  '<script>alert(1)</script>',
  '{"$gt": ""}',
  '../../etc/passwd',
  'مصر',
  'Россия',
  '1500 EUR',
  '-1',
  '1e309',
  'NaN',
  '0x10',
  '3,1',
  '1,2,3,4,5,6,7,8,9',
  'a@b.org',
  'https://example.org/kit',
];

/** A text: typed answers, plausible ones, odd Unicode, random strings, now and then a huge one. */
export const textArb = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.constantFrom('France', 'Egypt', 'Guin', 'yes', 'no', '1', '2', 'A fine answer.'),
  },
  { weight: 3, arbitrary: fc.constantFrom(...ODD_TEXTS) },
  { weight: 2, arbitrary: fc.string({ unit: 'grapheme', maxLength: 60 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 60 }) },
  { weight: 1, arbitrary: fc.integer({ min: 4000, max: 120_000 }).map((n) => 'x'.repeat(n)) },
);

/** A value of the wrong type (or the right type with a wrong value) put in place of a field. */
export const wrongValueArb: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(null, true, false, 0, -1, 1.5, 2 ** 53, -(2 ** 63), 1e308, '', [], {}),
  fc.constantFrom('x'.repeat(70_000), '9'.repeat(40), '-5', '\uD800', '__proto__'),
  fc.jsonValue({ maxDepth: 2 }),
);

export type Mutation =
  | { kind: 'delete' | 'huge' | 'odd'; at: number; pick: number }
  | { kind: 'retype'; at: number; value: unknown }
  | { kind: 'forge'; pick: number; text: string; shift: number }
  | { kind: 'ids'; pick: number }
  | { kind: 'duplicate'; pick: number }
  | { kind: 'unknown'; pick: number; value: unknown };

export const mutationArb: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({
    kind: fc.constantFrom('delete' as const, 'huge' as const, 'odd' as const),
    at: fc.nat(),
    pick: fc.nat(),
  }),
  fc.record({ kind: fc.constant('retype' as const), at: fc.nat(), value: wrongValueArb }),
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('forge' as const),
      pick: fc.nat(),
      text: fc.oneof(fc.string({ maxLength: 80 }), fc.constantFrom(...ODD_TEXTS)),
      shift: fc.integer({ min: -3, max: 3 }),
    }),
  },
  fc.record({ kind: fc.constant('ids' as const), pick: fc.nat() }),
  fc.record({ kind: fc.constant('duplicate' as const), pick: fc.nat() }),
  fc.record({ kind: fc.constant('unknown' as const), pick: fc.nat(), value: fc.jsonValue({ maxDepth: 3 }) }),
);

export type Base = 'press' | 'old' | 'type' | 'command' | 'random';

/** One abstract step of a fuzz run; `who`/`pick` are indices taken modulo what exists. */
export interface FuzzAction {
  who: number;
  base: Base;
  pick: number;
  text: string;
  random: unknown;
  /** Absent for about a third of the steps: the valid update is sent as it is. */
  mutation: Mutation | null;
}

export const actionArb: fc.Arbitrary<FuzzAction> = fc.record({
  who: fc.nat(),
  base: fc.oneof(
    { weight: 6, arbitrary: fc.constant('press' as const) },
    { weight: 2, arbitrary: fc.constant('old' as const) },
    { weight: 3, arbitrary: fc.constant('type' as const) },
    { weight: 1, arbitrary: fc.constant('command' as const) },
    { weight: 1, arbitrary: fc.constant('random' as const) },
  ),
  pick: fc.nat(),
  text: textArb,
  random: fc.object({ maxDepth: 3 }),
  mutation: fc.option(mutationArb, { freq: 2, nil: null }),
});

/** `count` actions drawn from `seed`: the same seed gives the same actions. */
export function drawActions(seed: number, count: number): FuzzAction[] {
  return fc.sample(actionArb, { seed, numRuns: count });
}

type Json = Record<string, unknown>;

/** Every path to a field of a JSON object (inner objects included), `skip` fields left out. */
export function pathsOf(value: unknown, skip: readonly string[] = [], prefix: string[] = []): string[][] {
  if (typeof value !== 'object' || value === null) return [];
  const out: string[][] = [];
  for (const [key, inner] of Object.entries(value)) {
    if (prefix.length === 0 && skip.includes(key)) continue;
    const path = [...prefix, key];
    out.push(path, ...pathsOf(inner, skip, path));
  }
  return out;
}

/** A deep copy with the field at `path` set to `value`, or deleted when `value` is `DELETE`. */
export function setAt(value: Json, path: string[], replacement: unknown): Json {
  const copy = structuredClone(value);
  let node = copy as Json;
  for (const key of path.slice(0, -1)) node = node[key] as Json;
  const last = path.at(-1)!;
  if (replacement === DELETE) delete node[last];
  else node[last] = replacement;
  return copy;
}
export const DELETE = Symbol('delete');

/**
 * The structural mutations (delete, huge, odd, retype) of a payload; null for the kinds each
 * channel makes itself (forged data, ids, duplicates, unknown kinds).
 */
export function mutateShape(payload: Json, mutation: Mutation, skip: readonly string[] = []): Json | null {
  if (!['delete', 'huge', 'odd', 'retype'].includes(mutation.kind)) return null;
  const paths = pathsOf(payload, skip);
  if (paths.length === 0) return payload;
  const m = mutation as Extract<Mutation, { at: number }>;
  const path = paths[m.at % paths.length]!;
  switch (m.kind) {
    case 'delete':
      return setAt(payload, path, DELETE);
    case 'huge':
      return setAt(payload, path, 'x'.repeat(5000 + (m.pick % 100_000)));
    case 'odd':
      return setAt(payload, path, ODD_TEXTS[m.pick % ODD_TEXTS.length]);
    default:
      return setAt(payload, path, m.value);
  }
}

/** Ids no platform gives a user: negative, zero, past 2^53, fractions, strings. */
export const ODD_IDS: unknown[] = [-1, 0, -(2 ** 52), 2 ** 53 + 2, 1e21, 7.5, '7000', '', null];

/** Runs `work` over `items`, `size` at a time, each batch awaited before the next. */
export async function inBatches<T>(
  items: T[],
  size: number,
  work: (item: T, index: number) => Promise<void>,
) {
  for (let i = 0; i < items.length; i += size) {
    await Promise.all(items.slice(i, i + size).map((item, j) => work(item, i + j)));
  }
}

/** Collects unhandled rejections and uncaught exceptions while a fuzz run lasts. */
export function watchCrashes(): { crashes: string[]; stop(): void } {
  const crashes: string[] = [];
  const onError = (error: unknown) =>
    crashes.push(error instanceof Error ? (error.stack ?? error.message) : String(error));
  process.on('unhandledRejection', onError);
  process.on('uncaughtException', onError);
  return {
    crashes,
    stop() {
      process.off('unhandledRejection', onError);
      process.off('uncaughtException', onError);
    },
  };
}
