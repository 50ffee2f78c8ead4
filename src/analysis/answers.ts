import type { Question } from '../engine/flow.ts';
import { regionOf } from '../engine/regions.ts';

/**
 * Readers of stored answer values, one per question type. Each accepts every shape the bot has
 * stored (old responses keep theirs) and returns null for a value it cannot read, which the
 * tables count apart rather than guess at. The shapes are those of the lead's brief:
 * country `'RU'` or `{code, region, subregion}`; text a string, `{option}` (an answer button such
 * as "we met no challenges") or `{text, links}`; amount `{amount, currency}`, `{dontKnow}` or
 * `{noBudgetLine}`; an "other" whose text was declined has `otherDeclined: true`.
 */
export interface Choice {
  option: string;
  other?: string;
  otherDeclined?: boolean;
}

export interface Multi {
  options: string[];
  other?: string;
  otherDeclined?: boolean;
}

export interface Ranking {
  order: string[];
  na: string[];
  other?: string;
  otherDeclined?: boolean;
}

export type Amount = { kind: 'amount'; amount: number; currency: string } | { kind: string };

export interface Country {
  code: string;
  region: string | null;
  subregion: string | null;
}

export type Text = { text: string; links?: string[] } | { option: string };

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;
const isString = (v: unknown): v is string => typeof v === 'string';
const strings = (v: unknown): v is string[] => Array.isArray(v) && v.every(isString);

function otherOf(v: Record<string, unknown>): Pick<Choice, 'other' | 'otherDeclined'> {
  if (isString(v.other)) return { other: v.other };
  return v.otherDeclined === true ? { otherDeclined: true } : {};
}

/** yes/no questions and the contact question's consent, as an option key. */
export function readYesNo(value: unknown): Choice | null {
  if (value === 'yes' || value === 'no') return { option: value };
  if (isObject(value) && (value.agreed === 'yes' || value.agreed === 'no')) return { option: value.agreed };
  return null;
}

export function readSingle(value: unknown): Choice | null {
  if (isObject(value) && isString(value.option)) return { option: value.option, ...otherOf(value) };
  return null;
}

export function readMulti(value: unknown): Multi | null {
  if (isObject(value) && strings(value.options))
    return { options: [...new Set(value.options)], ...otherOf(value) };
  return null;
}

export function readRanking(value: unknown): Ranking | null {
  if (!isObject(value) || !strings(value.order)) return null;
  const na = strings(value.na) ? value.na : [];
  return { order: value.order, na, ...otherOf(value) };
}

export function readAmount(value: unknown): Amount | null {
  if (!isObject(value)) return null;
  if (typeof value.amount === 'number' && Number.isFinite(value.amount) && isString(value.currency)) {
    return { kind: 'amount', amount: value.amount, currency: value.currency };
  }
  // "don't know", "no separate budget line" and any such answer are stored as a flag set to true.
  const flag = Object.keys(value).find((k) => value[k] === true);
  return flag ? { kind: flag } : null;
}

export function readCountry(value: unknown): Country | null {
  const code = isString(value) ? value : isObject(value) && isString(value.code) ? value.code : null;
  if (!code) return null;
  const stored = isObject(value) && isString(value.region) ? value : null;
  const known = regionOf(code);
  return {
    code,
    region: stored ? (value as { region: string }).region : (known?.region ?? null),
    subregion:
      stored && isString(stored.subregion) ? stored.subregion : stored ? null : (known?.subregion ?? null),
  };
}

export function readText(value: unknown): Text | null {
  if (isString(value)) return { text: value };
  if (!isObject(value)) return null;
  if (isString(value.option)) return { option: value.option };
  if (isString(value.text))
    return { text: value.text, ...(strings(value.links) ? { links: value.links } : {}) };
  return null;
}

/** The fixed answers a free-text question offers as buttons ("we met no challenges"). */
export function textButtons(q: Question): string[] {
  return q.type === 'text' ? q.answers : [];
}

/** Whether a free-text question keeps the links found in it (`links: true`). */
export function keepsLinks(q: Question): boolean {
  return q.type === 'text' && q.links;
}
