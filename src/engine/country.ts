import countries from 'i18n-iso-countries';
import ar from 'i18n-iso-countries/langs/ar.json' with { type: 'json' };
import en from 'i18n-iso-countries/langs/en.json' with { type: 'json' };
import es from 'i18n-iso-countries/langs/es.json' with { type: 'json' };
import fr from 'i18n-iso-countries/langs/fr.json' with { type: 'json' };
import ru from 'i18n-iso-countries/langs/ru.json' with { type: 'json' };
import { foldForMatch } from './text.ts';

for (const lang of [ar, en, es, fr, ru]) countries.registerLocale(lang);

/** Folded name or code → ISO 3166-1 alpha-2, over every supported language, built once. */
const byName = new Map<string, string>();
for (const code of Object.keys(countries.getAlpha2Codes())) {
  byName.set(foldForMatch(code), code);
  const alpha3 = countries.alpha2ToAlpha3(code);
  if (alpha3) byName.set(foldForMatch(alpha3), code);
}
for (const lang of ['en', 'ru', 'ar', 'es', 'fr']) {
  for (const [code, names] of Object.entries(countries.getNames(lang, { select: 'all' }))) {
    for (const name of names) if (!byName.has(foldForMatch(name))) byName.set(foldForMatch(name), code);
  }
}
const entries = [...byName.entries()].filter(([name]) => name.length > 3);

export const MAX_SUGGESTIONS = 6;

export function isCountryCode(code: string): boolean {
  return countries.isValid(code) && code.length === 2 && code === code.toUpperCase();
}

/**
 * Matches a typed country name in any supported language: one code when the name is exact,
 * otherwise up to MAX_SUGGESTIONS codes whose names start with (or contain) the text.
 */
export function matchCountry(typed: string): { exact: string } | { suggestions: string[] } {
  const folded = foldForMatch(typed);
  if (folded.length === 0) return { suggestions: [] };
  const exact = byName.get(folded);
  if (exact) return { exact };
  if (folded.length < 3) return { suggestions: [] };
  const starts = new Set<string>();
  const contains = new Set<string>();
  for (const [name, code] of entries) {
    if (name.startsWith(folded) || name.includes(` ${folded}`)) starts.add(code);
    else if (name.includes(folded)) contains.add(code);
  }
  return { suggestions: [...starts, ...contains].slice(0, MAX_SUGGESTIONS) };
}
