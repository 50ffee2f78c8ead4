import type { Answer } from '../engine/session.ts';
import { regionOf } from '../engine/regions.ts';
import { countryCodeOf } from '../store/response-store.ts';

/** Which consenting respondents an interviewer looks for; every part given must match. */
export interface FollowupFilter {
  flowId?: string;
  campaign?: string;
  /** ISO country code. */
  country?: string;
  /** UN M49 region, subregion or intermediate region code. */
  region?: string;
  /** The language the respondent answered in. */
  locale?: string;
  /** Answers by question id: an option id, yes/no, a country code, or a text answer's button. */
  answers: { question: string; value: string }[];
}

export type FilterParse = { ok: true; filter: FollowupFilter } | { ok: false; bad: string };

const KEYS: Record<string, keyof Omit<FollowupFilter, 'answers'>> = {
  flow: 'flowId',
  campaign: 'campaign',
  country: 'country',
  region: 'region',
  lang: 'locale',
  language: 'locale',
};
const WORD = /^[A-Za-z0-9_.-]{1,64}$/;

/**
 * Reads `country=RU region=150 lang=ru campaign=spring q9a=partly`: named parts, and any other
 * `<question>=<value>` as an answer. A part that is not `key=value` of plain words is refused by
 * name, so a typo never widens the search silently.
 */
export function parseFilter(args: string): FilterParse {
  const filter: FollowupFilter = { answers: [] };
  for (const part of args.trim().split(/\s+/).filter(Boolean)) {
    const [key = '', value = '', ...rest] = part.split('=');
    if (rest.length || !WORD.test(key) || !WORD.test(value)) return { ok: false, bad: part.slice(0, 64) };
    const named = KEYS[key.toLowerCase()];
    if (named === 'country') filter.country = value.toUpperCase();
    else if (named) filter[named] = value;
    else filter.answers.push({ question: key, value });
  }
  return { ok: true, filter };
}

/** Whether a stored answer is, or contains, `value` (whatever the question's type stored). */
export function answerIs(answer: Answer | undefined, value: string): boolean {
  if (answer?.status !== 'answered') return value === 'declined' && answer?.status === 'declined';
  const v = answer.value as unknown;
  if (typeof v === 'string' || typeof v === 'number') return String(v).toLowerCase() === value.toLowerCase();
  if (!v || typeof v !== 'object') return false;
  const o = v as Record<string, unknown>;
  if (o.option === value || o.code === value.toUpperCase()) return true;
  if (Array.isArray(o.options) && o.options.includes(value)) return true;
  if (Array.isArray(o.order) && o.order.includes(value)) return true;
  return o.agreed === value;
}

/** Whether a country (ISO code) lies in an M49 region, subregion or intermediate region. */
export function inRegion(answer: Answer | undefined, region: string): boolean {
  const code = countryCodeOf(answer);
  const found = code ? regionOf(code) : null;
  return !!found && [found.region, found.subregion, found.intermediate].includes(region);
}
