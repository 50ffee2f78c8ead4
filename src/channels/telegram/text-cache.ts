import type { Text } from '../../engine/prompt.ts';
import type { Translate, Translator } from '../../i18n/translator.ts';

/**
 * Translators that remember what they translated. Texts do not change while the bot runs, and
 * a question's message repeats the same labels for every respondent, so each (language, key,
 * values) is translated once. The cache is bounded: typed answers interpolated into texts
 * (an "other" label) would otherwise grow it without end.
 */
export class TextCache {
  private readonly byLanguage = new Map<string, Translate>();

  constructor(
    private readonly translator: Translator,
    private readonly capacity = 20_000,
  ) {}

  translatorFor(lng: string): Translate {
    const known = this.byLanguage.get(lng);
    if (known) return known;
    const t = this.translator.translatorFor(lng);
    const texts = new Map<string, string>();
    const cached = Object.assign(
      (text: Text) => {
        const id = text.params ? `${text.key}\u0000${JSON.stringify(text.params)}` : text.key;
        let value = texts.get(id);
        if (value === undefined) {
          if (texts.size >= this.capacity) texts.clear();
          value = t(text);
          texts.set(id, value);
        }
        return value;
      },
      { lng },
    );
    this.byLanguage.set(lng, cached);
    return cached;
  }
}
