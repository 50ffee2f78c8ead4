/**
 * Languages of XLSForm columns: `label::English (en)`, `label:Français (fr)`, `label::Deutsch`,
 * `label::fr`. The code in brackets wins; otherwise the name is matched against every two-letter
 * code's name, in English and in the language itself.
 */
const CODE = /^[a-z]{2,3}$/;

let byName: Map<string, string> | null = null;

function names(): Map<string, string> {
  if (byName) return byName;
  byName = new Map();
  const english = new Intl.DisplayNames(['en'], { type: 'language', fallback: 'none' });
  for (let a = 97; a <= 122; a++) {
    for (let b = 97; b <= 122; b++) {
      const code = String.fromCharCode(a, b);
      const inEnglish = english.of(code);
      if (!inEnglish) continue;
      byName.set(inEnglish.toLocaleLowerCase('en'), code);
      const own = new Intl.DisplayNames([code], { type: 'language', fallback: 'none' }).of(code);
      if (own && !byName.has(own.toLocaleLowerCase(code))) byName.set(own.toLocaleLowerCase(code), code);
    }
  }
  return byName;
}

/** The language code a column's language part names, or null when it cannot be told. */
export function languageCode(text: string): string | null {
  const trimmed = text.trim();
  const bracket = /\(([A-Za-z]{2,3})(?:[-_][A-Za-z0-9]+)*\)\s*$/.exec(trimmed);
  if (bracket) return bracket[1]!.toLowerCase();
  const lower = trimmed.toLowerCase();
  const base = lower.split(/[-_]/)[0]!;
  if (CODE.test(base) && (lower === base || /^[a-z]{2,3}[-_][a-z0-9]+$/.test(lower))) return base;
  return names().get(trimmed.toLocaleLowerCase()) ?? null;
}

/** A column header split into its base (label, hint...) and its language part, if any. */
export function splitHeader(header: string): { base: string; language: string | null } {
  const m = /^([^:]+?)\s*::?\s*(.+)$/.exec(header);
  if (!m) return { base: header.trim().toLowerCase(), language: null };
  return { base: m[1]!.trim().toLowerCase(), language: m[2]!.trim() };
}

/** How a language is written in an exported column: `English (en)`, named in its own language. */
export function languageColumn(code: string): string {
  const own = new Intl.DisplayNames([code], { type: 'language', fallback: 'code' }).of(code) ?? code;
  return `${own.charAt(0).toLocaleUpperCase(code) + own.slice(1)} (${code})`;
}
