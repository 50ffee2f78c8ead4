import { countryValue, isCountryCode, matchCountry } from '../country.ts';
import type { QuestionOf } from '../flow.ts';
import { cleanText, parseNumbers } from '../text.ts';
import { answered, questionText, refusal, type QuestionHandler } from './handler.ts';

/**
 * A country typed in any supported language (official and short names, abbreviations, the
 * country's own name, small typing slips); an unclear name gets a short list to pick from.
 * Stored with its UN M49 region and sub-region: `{ code, region, subregion }`.
 */
export const country: QuestionHandler<QuestionOf<'country'>> = {
  view(ctx) {
    const hint = { key: 'common:country.hint' };
    if (ctx.step !== 'pick') return { text: questionText(ctx), hint, choices: [], accepts: ['text'] };
    return {
      text: { key: 'common:country.pick' },
      hint,
      choices: (ctx.draft?.candidates ?? []).map((code) => ({
        id: code,
        label: { key: 'common:country.option', params: { code } },
      })),
      accepts: ['choose', 'text'],
    };
  },
  apply(ctx, input) {
    const candidates = ctx.draft?.candidates ?? [];
    if (input.type === 'choose') {
      return candidates.includes(input.option) && isCountryCode(input.option)
        ? answered(countryValue(input.option))
        : refusal('unknown_choice');
    }
    if (input.type !== 'text') return refusal('not_accepted');
    if (ctx.step === 'pick') {
      const numbers = parseNumbers(input.text);
      const candidate = numbers?.length === 1 ? candidates[numbers[0]! - 1] : undefined;
      if (candidate) return answered(countryValue(candidate));
    }
    const cleaned = cleanText(input.text, { max: 100 });
    if (!cleaned.ok) return refusal(cleaned.code);
    const match = matchCountry(cleaned.text);
    if ('exact' in match) return answered(countryValue(match.exact));
    if (match.suggestions.length === 0) return refusal('country_unknown');
    return { step: 'pick', draft: { candidates: match.suggestions } };
  },
  leave: () => ({ step: '', draft: null }),
};
