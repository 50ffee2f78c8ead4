import { LinkifyIt } from 'linkify-it';

// Links with or without "https://" ("rusla.ru/advocacy"); e-mail addresses are not links to materials.
const linkify = new LinkifyIt({ fuzzyLink: true, fuzzyEmail: false });

/**
 * The URLs in a free-text answer, in order and once each, as linkify-it normalizes them
 * ("www.ala.org" → "http://www.ala.org"); the text itself is kept as typed.
 */
export function findLinks(text: string): string[] {
  const found = linkify.match(text) ?? [];
  return [...new Set(found.filter((m) => m.schema !== 'mailto:').map((m) => m.url))];
}
