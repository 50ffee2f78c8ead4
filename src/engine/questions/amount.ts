import { readAmount, type AmountReading } from '../amount-text.ts';
import { COMMON_CURRENCIES, CURRENCIES, currenciesFor } from '../currency.ts';
import type { QuestionOf } from '../flow.ts';
import type { RefusalCode } from '../input.ts';
import type { Choice } from '../prompt.ts';
import type { AmountValue, Draft } from '../session.ts';
import { parseNumbers } from '../text.ts';
import {
  answered,
  chosenOption,
  questionText,
  refusal,
  type Context,
  type Outcome,
  type QuestionHandler,
  type View,
} from './handler.ts';

type Amount = QuestionOf<'amount'>;

/** The figure the refusals show, formatted in the respondent's language ("15,000", "15 000"). */
const EXAMPLE = 15000;

const currencyChoice = (code: string): Choice => ({
  id: code,
  label: { key: 'common:amount.currency_option', params: { code } },
});

/** The buttons under the amount: "don't know", and "no separate budget line" where the flow asks. */
function amountChoices(question: Amount): Choice[] {
  const choices: Choice[] = [{ id: 'dont_know', label: { key: 'common:amount.dont_know' } }];
  if (question.noBudgetLine)
    choices.push({ id: 'no_budget_line', label: { key: 'common:amount.no_budget_line' } });
  return choices;
}

/** The currencies offered: those a typed word fitted ("dollars": USD, AUD, CAD...), else the common ones. */
function currencyChoices(draft: Draft | null): Choice[] {
  return (draft?.candidates ?? COMMON_CURRENCIES).map(currencyChoice);
}

/** A read amount goes to its confirmation, or first to its currency when none (or several) fit. */
function afterReading(reading: AmountReading): Outcome {
  if (!reading.ok) {
    switch (reading.problem) {
      case 'currency_unknown':
        return refusal('currency_unknown');
      case 'ambiguous': {
        const [grouped, decimal] = reading.readings;
        return refusal('amount_ambiguous', { grouped, decimal });
      }
      default:
        return refusal(`amount_${reading.problem}` as RefusalCode, { example: EXAMPLE });
    }
  }
  const [only, ...others] = reading.currencies;
  if (only && others.length === 0)
    return { step: 'confirm', draft: { amount: reading.amount, currency: only } };
  return {
    step: 'currency',
    draft: { amount: reading.amount, ...(only ? { candidates: reading.currencies } : {}) },
  };
}

/** A currency picked from the buttons, typed as a number of one, or typed as a code, symbol or name. */
function readCurrency(ctx: Context<Amount>, text: string | null, option: string | null): string | null {
  const offered = currencyChoices(ctx.draft);
  if (option !== null) return offered.some((c) => c.id === option) ? option : null;
  const typed = text ?? '';
  const numbers = parseNumbers(typed);
  if (numbers?.length === 1) return offered[numbers[0]! - 1]?.id ?? null;
  const codes = currenciesFor(typed);
  return codes.length === 1 ? codes[0]! : (codes.find((c) => offered.some((o) => o.id === c)) ?? null);
}

/**
 * An annual advocacy amount read as the respondent's language writes numbers, then its ISO 4217
 * currency when not typed with it, then the amount shown back formatted ("15,000 EGP — is that
 * right?") with Yes / Change: nothing is stored before the respondent says it is right. Or
 * "don't know", or "there is no separate advocacy budget line".
 */
export const amount: QuestionHandler<Amount> = {
  view(ctx): View {
    const { step, draft } = ctx;
    if (step === 'currency') {
      return {
        text: { key: 'common:amount.currency', params: { amount: draft?.amount ?? 0 } },
        hint: { key: 'common:amount.currency_hint' },
        choices: currencyChoices(draft),
        accepts: ['choose', 'text'],
      };
    }
    if (step === 'confirm') {
      return {
        text: {
          key: 'common:amount.confirm',
          params: {
            amount: {
              key: 'common:amount.value',
              params: { value: draft?.amount ?? 0, currency: draft?.currency ?? '' },
            },
            currency: draft?.currency ?? '',
          },
        },
        choices: [
          { id: 'yes', label: { key: 'common:amount.right' } },
          { id: 'change', label: { key: 'common:amount.change' } },
        ],
        accepts: ['choose', 'text'],
      };
    }
    return {
      text: questionText(ctx),
      hint: { key: 'common:amount.hint', params: { example: EXAMPLE } },
      choices: amountChoices(ctx.question),
      accepts: ['text', 'choose'],
    };
  },
  apply(ctx, input) {
    const { step, draft } = ctx;
    if (input.type !== 'text' && input.type !== 'choose') return refusal('not_accepted');
    const typed = input.type === 'text' ? input.text : null;
    const option = input.type === 'choose' ? input.option : null;
    if (step === 'currency') {
      const code = readCurrency(ctx, typed, option);
      if (!code || !CURRENCIES.has(code)) return refusal('currency_unknown');
      return { step: 'confirm', draft: { amount: draft?.amount ?? 0, currency: code } };
    }
    if (step === 'confirm') {
      const choice = chosenOption(input, this.view(ctx).choices);
      if (choice === 'yes')
        return answered({
          amount: draft?.amount ?? 0,
          currency: draft?.currency ?? '',
        } satisfies AmountValue);
      if (choice === 'change') return { step: '', draft: null };
      // A corrected amount typed instead of pressing Change is read afresh.
      return typed === null ? refusal('unknown_choice') : afterReading(readAmount(typed, ctx.session.locale));
    }
    if (option === 'dont_know') return answered({ dontKnow: true } satisfies AmountValue);
    if (option === 'no_budget_line' && ctx.question.noBudgetLine)
      return answered({ noBudgetLine: true } satisfies AmountValue);
    if (option !== null) return refusal('unknown_choice');
    return afterReading(readAmount(typed!, ctx.session.locale));
  },
  leave: () => ({ step: '', draft: null }),
};
