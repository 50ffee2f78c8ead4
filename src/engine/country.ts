import countries from 'i18n-iso-countries';
import ar from 'i18n-iso-countries/langs/ar.json' with { type: 'json' };
import en from 'i18n-iso-countries/langs/en.json' with { type: 'json' };
import es from 'i18n-iso-countries/langs/es.json' with { type: 'json' };
import fr from 'i18n-iso-countries/langs/fr.json' with { type: 'json' };
import ru from 'i18n-iso-countries/langs/ru.json' with { type: 'json' };
import { distance } from 'fastest-levenshtein';
import { COUNTRY_ALIASES, OTHER_OFFICIAL_LANGUAGES } from './country-aliases.ts';
import { regionOf } from './regions.ts';
import type { CountryValue } from './session.ts';
import { foldForMatch } from './text.ts';

for (const lang of [ar, en, es, fr, ru]) countries.registerLocale(lang);

const LANGUAGES = ['en', 'ru', 'ar', 'es', 'fr'];
const CODES = Object.keys(countries.getAlpha2Codes());

/**
 * Folded name → ISO 3166-1 alpha-2, built once. The first source to claim a name keeps it:
 * curated aliases, codes, the five languages (i18n-iso-countries' official and short forms, then
 * CLDR's long and short names), then each country's name in its own languages (endonyms).
 */
const byName = new Map<string, string>();
const claim = (name: string, code: string) => {
  const folded = foldForMatch(name);
  if (folded.length === 0) return;
  if (!byName.has(folded)) byName.set(folded, code);
  // "EE. UU." and "EEUU", "U.A.E." and "UAE" alike.
  const compact = folded.replace(/ /g, '');
  if (compact !== folded && compact.length >= 2 && !byName.has(compact)) byName.set(compact, code);
};

for (const [name, code] of Object.entries(COUNTRY_ALIASES)) claim(name, code);
for (const code of CODES) claim(code, code);
for (const code of CODES) {
  const alpha3 = countries.alpha2ToAlpha3(code);
  if (alpha3) claim(alpha3, code);
}
for (const lang of LANGUAGES) {
  for (const [code, names] of Object.entries(countries.getNames(lang, { select: 'all' }))) {
    for (const name of names) claim(name, code);
  }
  for (const style of ['long', 'short'] as const) {
    const display = new Intl.DisplayNames([lang], { type: 'region', style });
    for (const code of CODES) claim(display.of(code) ?? '', code);
  }
}
for (const code of CODES) {
  const own = new Intl.Locale(`und-${code}`).maximize().language;
  for (const lang of new Set([own, ...(OTHER_OFFICIAL_LANGUAGES[code] ?? [])])) {
    const name = new Intl.DisplayNames([lang], { type: 'region', fallback: 'none' }).of(code);
    if (name) claim(name, code);
  }
}

/** Names long enough to suggest from a part or a misspelling. */
const suggestable = [...byName.entries()].filter(([name]) => [...name].length > 3);

export const MAX_SUGGESTIONS = 6;

const ARTICLE = /^(the|la|le|les|el|los|las|l|al) /;

export function isCountryCode(code: string): boolean {
  return countries.isValid(code) && code.length === 2 && code === code.toUpperCase();
}

/**
 * How many typing slips (Levenshtein edits; a swap of two letters counts two) a name of this
 * length may hold and still be suggested: the closest come first, so a generous bound costs
 * nothing but a longer list.
 */
function slipsAllowed(length: number): number {
  if (length < 4) return 0;
  return length === 4 ? 1 : 2;
}

/**
 * Matches a typed country name in any supported language: one code when the name is known,
 * otherwise up to MAX_SUGGESTIONS codes to choose from: names that start with or contain the
 * text, then names within a typing slip or two of it ("Egipt", "Cameron", "Saudi Arbia").
 */
export function matchCountry(typed: string): { exact: string } | { suggestions: string[] } {
  const folded = foldForMatch(typed);
  if (folded.length === 0) return { suggestions: [] };
  const exact =
    byName.get(folded) ?? byName.get(folded.replace(/ /g, '')) ?? byName.get(folded.replace(ARTICLE, ''));
  if (exact) return { exact };
  const length = [...folded].length;
  if (length < 3) return { suggestions: [] };
  const starts = new Set<string>();
  const contains = new Set<string>();
  const near: { code: string; slips: number }[] = [];
  const allowed = slipsAllowed(length);
  for (const [name, code] of suggestable) {
    if (name.startsWith(folded) || name.includes(` ${folded}`)) starts.add(code);
    else if (name.includes(folded)) contains.add(code);
    else if (allowed > 0 && Math.abs([...name].length - length) <= allowed) {
      const slips = distance(name, folded);
      if (slips <= allowed) near.push({ code, slips });
    }
  }
  near.sort((a, b) => a.slips - b.slips);
  const codes = new Set([...starts, ...contains, ...near.map((n) => n.code)]);
  return { suggestions: [...codes].slice(0, MAX_SUGGESTIONS) };
}

/** What a country answer stores: the code with its UN M49 region and sub-region, where M49 has them. */
export function countryValue(code: string): CountryValue {
  const region = regionOf(code);
  return region ? { code, region: region.region, subregion: region.subregion } : { code };
}

/**
 * The ISO code of a stored country answer: `{ code, region, subregion }` from flow version 2 on,
 * the bare code before. Null for anything else.
 */
export function countryCode(value: unknown): string | null {
  if (typeof value === 'string') return isCountryCode(value) ? value : null;
  if (value && typeof value === 'object' && 'code' in value) {
    const code = (value as CountryValue).code;
    return typeof code === 'string' && isCountryCode(code) ? code : null;
  }
  return null;
}
