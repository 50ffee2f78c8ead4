import m49 from './m49.json' with { type: 'json' };

/**
 * UN M49 regions of a country, as numeric codes ('150' Europe, '151' Eastern Europe...): results
 * split by region the way the 2013 report split them by coordinator region. Codes, not names, are
 * stored; `regionName` gives a name in any language from the platform's CLDR data.
 * Source: UN Statistics Division M49 (unstats.un.org/unsd/methodology/m49), as compiled in
 * github.com/lukes/ISO-3166-Countries-with-Regional-Codes (all/all.json, 2024-06-19).
 */
export interface Region {
  /** '002' Africa, '019' Americas, '142' Asia, '150' Europe, '009' Oceania. */
  region: string;
  subregion: string;
  /** A finer grouping where M49 has one (e.g. '014' Eastern Africa, '005' South America). */
  intermediate?: string;
}

const table = m49 as Record<string, string[]>;

/** The M49 regions of an ISO 3166-1 alpha-2 code; null for an unknown code or one without a region (AQ). */
export function regionOf(code: string): Region | null {
  const [region, subregion, intermediate] = table[code] ?? [];
  if (!region || !subregion) return null;
  return { region, subregion, ...(intermediate ? { intermediate } : {}) };
}

/**
 * Members of the League of Arab States: the 2013 report's "Arab countries" (150 of its 289
 * respondents), which no M49 region matches (they span Northern Africa and Western Asia).
 */
export const ARAB_STATES: ReadonlySet<string> = new Set([
  'AE',
  'BH',
  'DJ',
  'DZ',
  'EG',
  'IQ',
  'JO',
  'KM',
  'KW',
  'LB',
  'LY',
  'MA',
  'MR',
  'OM',
  'PS',
  'QA',
  'SA',
  'SD',
  'SO',
  'SY',
  'TN',
  'YE',
]);

const names = new Map<string, Intl.DisplayNames>();

/** The name of an M49 region code or a country code in `locale` ('ru': '151' → "Восточная Европа"). */
export function regionName(code: string, locale: string): string {
  let display = names.get(locale);
  if (!display) {
    display = new Intl.DisplayNames([locale, 'en'], { type: 'region', fallback: 'code' });
    names.set(locale, display);
  }
  return display.of(code) ?? code;
}
