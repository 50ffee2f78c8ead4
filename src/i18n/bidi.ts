/** Languages written right to left among those a flow may offer. */
const RTL = new Set(['ar', 'fa', 'he', 'ur']);

export function isRightToLeft(lng: string): boolean {
  return RTL.has(lng.split('-')[0]!);
}

const LRI = '\u2066';
const PDI = '\u2069';

// One left-to-right word: Latin letters or ASCII digits, with what joins them inside a number, an
// e-mail address, a URL or a code ("15,000", "a@b.org", "https://x.org/a", "delete_my_data").
const WORD = String.raw`[#+$€£₽]?[\p{Script=Latin}0-9](?:[\p{Script=Latin}0-9._:/@%+'’,=?&~-]*[\p{Script=Latin}0-9%/])?`;
// A fragment: an optional command slash, then words separated by spaces ("/survey delete-my-data",
// "15,000 EGP"), starting where a word starts. A span already isolated is matched whole and kept.
const FRAGMENT = new RegExp(
  String.raw`[\u2066-\u2068][^\u2069]*\u2069|(?<![\p{L}\p{N}/_@-])/?${WORD}(?:[ \u00A0\u202F]+${WORD})*`,
  'gu',
);

/**
 * Wraps each left-to-right fragment of a right-to-left text (numbers with units, e-mail
 * addresses, URLs, commands, codes) in a left-to-right isolate, so the surrounding Arabic does
 * not reorder it ("/delete_my_data." would otherwise show its dot on the wrong side). Texts in
 * left-to-right languages are returned as they are.
 */
export function isolateLeftToRight(text: string, lng: string): string {
  if (!isRightToLeft(lng)) return text;
  return text.replace(FRAGMENT, (fragment) =>
    /^[\u2066-\u2068]/.test(fragment) ? fragment : `${LRI}${fragment}${PDI}`,
  );
}
