import { isCountryCode, matchCountry } from '../country.ts';
import type { QuestionOf } from '../flow.ts';
import { cleanText } from '../text.ts';
import { answered, questionKey, refusal, type QuestionHandler } from './handler.ts';

/** A country typed in any supported language; an unclear name gets a short list to pick from. */
export const country: QuestionHandler<QuestionOf<'country'>> = {
  view({ flow, question, step, draft }) {
    const base = { text: { key: questionKey(flow, question, 'text') }, hint: { key: 'common:country.hint' } };
    if (step !== 'pick') return { ...base, choices: [], accepts: ['text'] };
    return {
      text: { key: 'common:country.pick' },
      hint: { key: 'common:country.hint' },
      choices: (draft?.candidates ?? []).map((code) => ({
        id: code,
        label: { key: 'common:country.option', params: { code } },
      })),
      accepts: ['choose', 'text'],
    };
  },
  apply(ctx, input) {
    if (input.type === 'choose') {
      const candidates = ctx.draft?.candidates ?? [];
      return candidates.includes(input.option) && isCountryCode(input.option)
        ? answered(input.option)
        : refusal('unknown_choice');
    }
    if (input.type !== 'text') return refusal('not_accepted');
    if (ctx.step === 'pick') {
      const n = Number(input.text.trim());
      const candidate = Number.isInteger(n) ? ctx.draft?.candidates?.[n - 1] : undefined;
      if (candidate) return answered(candidate);
    }
    const cleaned = cleanText(input.text, { max: 100 });
    if (!cleaned.ok) return refusal(cleaned.code);
    const match = matchCountry(cleaned.text);
    if ('exact' in match) return answered(match.exact);
    if (match.suggestions.length === 0) return refusal('country_unknown');
    return { step: 'pick', draft: { candidates: match.suggestions } };
  },
};
