import type { Resources } from '../engine/validate.ts';

const PLURAL = /_(zero|one|two|few|many|other)$/;

/** Every text of a language as "namespace:dotted.key" → text. */
export function flattenTexts(resources: Resources, lng: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (node: unknown, prefix: string) => {
    for (const [k, v] of Object.entries(node as Record<string, unknown>)) {
      const key = prefix.endsWith(':') ? `${prefix}${k}` : `${prefix}.${k}`;
      if (typeof v === 'string') out.set(key, v);
      else walk(v, key);
    }
  };
  for (const [ns, tree] of Object.entries(resources[lng] ?? {})) walk(tree, `${ns}:`);
  return out;
}

/**
 * Keys that English has and another language lacks, with the plural forms each language needs
 * (Intl.PluralRules: Russian one/few/many/other, Arabic zero/one/two/few/many/other...).
 */
export function missingTexts(resources: Resources, lng: string, reference = 'en'): string[] {
  const own = flattenTexts(resources, lng);
  const categories = new Intl.PluralRules(lng).resolvedOptions().pluralCategories;
  const missing = new Set<string>();
  for (const key of flattenTexts(resources, reference).keys()) {
    if (PLURAL.test(key)) {
      const stem = key.replace(PLURAL, '');
      for (const c of categories) if (!own.get(`${stem}_${c}`)?.trim()) missing.add(`${stem}_${c}`);
    } else if (!own.get(key)?.trim()) missing.add(key);
  }
  return [...missing];
}

/** Keys a language has that the reference lacks (typos, leftovers). */
export function extraTexts(resources: Resources, lng: string, reference = 'en'): string[] {
  const stems = new Set([...flattenTexts(resources, reference).keys()].map((k) => k.replace(PLURAL, '')));
  return [...flattenTexts(resources, lng).keys()].filter((k) => !stems.has(k.replace(PLURAL, '')));
}
