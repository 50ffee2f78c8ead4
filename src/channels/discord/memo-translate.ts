import type { Text } from '../../engine/prompt.ts';
import type { Translate } from '../../i18n/translator.ts';

/**
 * A translator that remembers what it translated: texts do not change while the bot runs, and
 * every turn renders the same labels, buttons and placeholders again (i18next's lookup was the
 * largest single cost per interaction in the benchmark). Texts carrying long values, such as an
 * answer someone typed, are not kept; the memory is bounded by starting over when full.
 */
export function memoizeTranslate(t: Translate, capacity = 5_000): Translate {
  const cache = new Map<string, string>();
  const translate = (text: Text) => {
    const params = text.params;
    if (params && Object.values(params).some((v) => typeof v === 'string' && v.length > 64)) return t(text);
    const key = params ? `${text.key}\u0000${JSON.stringify(params)}` : text.key;
    let value = cache.get(key);
    if (value === undefined) {
      value = t(text);
      if (cache.size >= capacity) cache.clear();
      cache.set(key, value);
    }
    return value;
  };
  return Object.assign(translate, { lng: t.lng });
}
