import type { RefusalCode } from './input.ts';

/** No typed input longer than this is read at all (Telegram allows 4096). */
export const MAX_INPUT_LENGTH = 4000;

// C0 and C1 controls other than tab and newline, and lone surrogates: never valid in an answer.
const FORBIDDEN =
  /[\u0000-\u0008\u000B-\u001F\u007F-\u009F]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

// Something a reader can see: not a space, a format character (zero-width, direction marks and
// controls, BOM, soft hyphen...), a filler that renders blank, or a lone joiner or selector.
const VISIBLE = /[^\s\p{Z}\p{Cf}\u034F\u115F\u1160\u2800\u3164\uFFA0\uFE00-\uFE0F\u{E0100}-\u{E01EF}]/u;

/**
 * Normalises typed text (NFC, trimmed) or says why it cannot be an answer. Text made only of
 * invisible or formatting characters is empty, as plain spaces are; inside visible text they are
 * kept as typed.
 */
export function cleanText(
  raw: string,
  limits: { min?: number; max?: number } = {},
): { ok: true; text: string } | { ok: false; code: RefusalCode } {
  if (raw.length > MAX_INPUT_LENGTH) return { ok: false, code: 'too_long' };
  const text = raw.replace(/\r\n?/g, '\n').normalize('NFC').trim();
  if (FORBIDDEN.test(text)) return { ok: false, code: 'invalid_characters' };
  if (!VISIBLE.test(text)) return { ok: false, code: 'empty' };
  const length = [...text].length;
  if (limits.max !== undefined && length > limits.max) return { ok: false, code: 'too_long' };
  if (limits.min !== undefined && length < limits.min) return { ok: false, code: 'too_short' };
  return { ok: true, text };
}

/** Arabic-Indic and Persian digits read as ASCII digits, so "٣" picks choice 3. */
export function asciiDigits(text: string): string {
  return text.replace(/[\u0660-\u0669\u06F0-\u06F9]/g, (d) => String((d.charCodeAt(0) & 0xf) % 10));
}

/**
 * Reads typed choice numbers such as "2", "1,3,5" or "3 1 2" (1-based). Returns null when the
 * text is not a list of numbers, so it can be read as something else.
 */
export function parseNumbers(text: string): number[] | null {
  const t = asciiDigits(text).trim();
  if (!/^\d{1,3}(\s*[,;،\s]\s*\d{1,3})*$/.test(t)) return null;
  return t.split(/[\s,;،]+/).map(Number);
}

/**
 * Lower-case, accent-free, punctuation-free form for matching typed names. Letters typed
 * interchangeably are made one: ё and е; Arabic ة and ه, ى and ي (hamza seats go with the marks).
 */
export function foldForMatch(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLocaleLowerCase('en')
    .replace(/ё/g, 'е')
    .replace(/ة/g, 'ه')
    .replace(/ى/g, 'ي')
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}
