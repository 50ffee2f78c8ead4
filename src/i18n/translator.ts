import i18next, { type TFunction } from 'i18next';
import type { Text, TextParam } from '../engine/prompt.ts';
import type { Resources } from '../engine/validate.ts';
import { isolateLeftToRight } from './bidi.ts';

/** Translates into one fixed language, named by `lng`. */
export type Translate = ((text: Text) => string) & { readonly lng: string };

/**
 * One i18next instance per process, never switched globally: every message is translated with
 * a translator fixed to the respondent's language (`translatorFor`).
 */
export class Translator {
  private readonly i18n = i18next.createInstance();

  constructor(
    resources: Resources,
    readonly languages: readonly string[],
  ) {
    // A flow in a language the bot lacks still shows the bot's own texts, in English.
    const fallback = [...new Set([languages[0] ?? 'en', 'en'])];
    void this.i18n.init({
      resources: resources as never,
      fallbackLng: fallback,
      supportedLngs: [...new Set([...languages, ...fallback])],
      ns: [...new Set(Object.values(resources).flatMap((byNs) => Object.keys(byNs)))],
      defaultNS: 'common',
      initAsync: false,
      interpolation: { escapeValue: false },
      returnNull: false,
    });
    const formatter = this.i18n.services.formatter!;
    // Names of languages, countries and currencies come from the runtime's ICU data (CLDR).
    formatter.add('selfLanguage', (code: string) => displayName(code, 'language', code));
    formatter.add('countryName', (code: string, lng) => displayName(lng ?? 'en', 'region', code));
    formatter.add('currencyName', (code: string, lng) => displayName(lng ?? 'en', 'currency', code));
  }

  /**
   * A translator fixed to one language, for one message or one respondent. Texts given as values
   * are translated first (a list joined as the language joins lists); in a right-to-left language
   * the result has its left-to-right fragments isolated, once, on the whole text.
   */
  translatorFor(lng: string, options: { isolate?: boolean } = {}): Translate {
    const t: TFunction = this.i18n.getFixedT(lng);
    const list = new Intl.ListFormat(lng, { type: 'conjunction' });
    const plain = (text: Text): string => {
      if (!text.params) return t(text.key) as string;
      const values: Record<string, string | number> = {};
      for (const [name, value] of Object.entries(text.params)) values[name] = param(value);
      return t(text.key, values) as string;
    };
    const param = (value: TextParam): string | number => {
      if (typeof value !== 'object') return value;
      return Array.isArray(value) ? list.format(value.map(plain)) : plain(value);
    };
    if (options.isolate === false) return Object.assign(plain, { lng });
    return Object.assign((text: Text) => isolateLeftToRight(plain(text), lng), { lng });
  }

  /** Adds a namespace of texts (an earlier flow version's), per language. */
  addNamespace(ns: string, texts: Record<string, unknown>): void {
    for (const [lng, tree] of Object.entries(texts)) {
      if (tree && typeof tree === 'object') this.i18n.addResourceBundle(lng, ns, tree, true, true);
    }
  }

  /** Whether a key has a text in a language (without fallback). */
  has(lng: string, key: string): boolean {
    return this.i18n.exists(key, { lng, fallbackLng: false });
  }
}

const displayNames = new Map<string, Intl.DisplayNames>();

function displayName(locale: string, type: 'language' | 'region' | 'currency', code: string): string {
  try {
    const cacheKey = `${locale}\0${type}`;
    let names = displayNames.get(cacheKey);
    if (!names) displayNames.set(cacheKey, (names = new Intl.DisplayNames([locale], { type })));
    const name = names.of(code) ?? code;
    // Names of languages in their own language start with a capital for a menu ("Русский").
    return type === 'language' ? name.charAt(0).toLocaleUpperCase(locale) + name.slice(1) : name;
  } catch {
    return code;
  }
}
