import { foldForMatch } from './text.ts';

/** ISO 4217 codes the runtime knows (current currencies, from its CLDR data). */
export const CURRENCIES: ReadonlySet<string> = new Set(Intl.supportedValuesOf('currency'));

/** Offered as buttons: the currencies of the 2013 coordinators' regions, then the usual ones. */
export const COMMON_CURRENCIES = ['USD', 'EUR', 'RUB', 'EGP', 'NGN', 'MXN', 'XAF', 'GBP'];

/**
 * Next when a word or symbol fits several: the currencies of the countries the 2013 survey
 * reached (Australia, Oman, Saudi Arabia, Sudan, Lebanon, Jordan...), so "$" offers AUD and CAD.
 */
const SURVEY_CURRENCIES = [
  'AUD',
  'CAD',
  'SAR',
  'AED',
  'OMR',
  'SDG',
  'LBP',
  'JOD',
  'KWD',
  'QAR',
  'MAD',
  'DZD',
  'TND',
  'LYD',
  'IQD',
  'YER',
  'BHD',
  'SYP',
  'CHF',
  'ILS',
  'XOF',
];

/** At most this many currencies are offered when a word or symbol fits several ("dollars", "$"). */
export const MAX_CURRENCY_CHOICES = 8;

/** The languages whose currency names and symbols are read. */
const LANGUAGES = ['en', 'ru', 'ar', 'es', 'fr'];

/**
 * Customary abbreviations and spellings that CLDR does not list as a name or symbol, folded:
 * "руб." and "р." for roubles, the British "roubles", the Egyptian "LE" (livre égyptienne).
 */
const CUSTOMARY: Record<string, string> = {
  руб: 'RUB',
  р: 'RUB',
  rouble: 'RUB',
  roubles: 'RUB',
  le: 'EGP',
  'l e': 'EGP',
  грн: 'UAH',
  тг: 'KZT',
};

/** Folded full name or symbol → codes; a word of a name → every currency whose name has it. */
const byName = new Map<string, Set<string>>();
const byWord = new Map<string, Set<string>>();
const bySymbol = new Map<string, Set<string>>();

const add = (map: Map<string, Set<string>>, key: string, code: string) => {
  if (!key) return;
  let codes = map.get(key);
  if (!codes) map.set(key, (codes = new Set()));
  codes.add(code);
};

for (const lng of LANGUAGES) {
  const display = new Intl.DisplayNames([lng], { type: 'currency' });
  for (const code of CURRENCIES) {
    const names = new Set([display.of(code) ?? code]);
    // The names a number takes in each plural form ("1 российский рубль", "5 российских рублей",
    // "1,50 российского рубля").
    const named = (fraction: number) =>
      new Intl.NumberFormat(lng, {
        style: 'currency',
        currency: code,
        currencyDisplay: 'name',
        minimumFractionDigits: fraction,
        maximumFractionDigits: fraction,
      });
    for (const n of [0, 1, 2, 3, 5, 11, 100]) names.add(currencyPart(named(0), n));
    names.add(currencyPart(named(2), 1.5));
    for (const name of names) {
      const folded = foldForMatch(name);
      add(byName, folded, code);
      for (const word of folded.split(' ')) if ([...word].length >= 3) add(byWord, word, code);
    }
    for (const currencyDisplay of ['symbol', 'narrowSymbol'] as const) {
      const format = new Intl.NumberFormat(lng, { style: 'currency', currency: code, currencyDisplay });
      add(bySymbol, symbolKey(currencyPart(format, 1)), code);
    }
  }
}
for (const [name, code] of Object.entries(CUSTOMARY)) add(byName, name, code);

function currencyPart(format: Intl.NumberFormat, n: number): string {
  return format.formatToParts(n).find((p) => p.type === 'currency')?.value ?? '';
}

/** Symbols compared without spaces, bidi marks or a trailing dot ("ج.م.‏" and "ج.م" alike). */
function symbolKey(symbol: string): string {
  return symbol
    .replace(/[\s\u200E\u200F\u061C]/g, '')
    .replace(/\.$/, '')
    .toLowerCase();
}

/** Common currencies first, then the survey's, then by code, at most MAX_CURRENCY_CHOICES. */
function ranked(codes: Iterable<string>): string[] {
  const order = [...COMMON_CURRENCIES, ...SURVEY_CURRENCIES];
  const rank = (c: string) => {
    const i = order.indexOf(c);
    return i < 0 ? order.length : i;
  };
  return [...codes].sort((a, b) => rank(a) - rank(b) || a.localeCompare(b)).slice(0, MAX_CURRENCY_CHOICES);
}

/**
 * The currencies a typed word stands for: an ISO code ("usd"), a symbol ("$", "€", "ج.م."), a
 * name in any of the five languages ("рублей", "Egyptian pounds", "دولار أمريكي") or one word of
 * such names ("dollars": every dollar, US first). Empty when it is no currency at all.
 */
export function currenciesFor(typed: string): string[] {
  const trimmed = typed.trim();
  if (trimmed === '') return [];
  const upper = trimmed.toUpperCase();
  if (/^[A-Z]{3}$/.test(upper) && CURRENCIES.has(upper)) return [upper];
  const symbol = bySymbol.get(symbolKey(trimmed));
  if (symbol) return ranked(symbol);
  const folded = foldForMatch(trimmed);
  const named = byName.get(folded) ?? byWord.get(folded);
  return named ? ranked(named) : [];
}

/** Whether a typed word looks like a currency code that does not exist ("XXQ"). */
export function looksLikeCurrencyCode(typed: string): boolean {
  return /^[A-Za-z]{3}$/.test(typed.trim());
}
