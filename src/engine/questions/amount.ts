import type { QuestionOf } from '../flow.ts';
import type { Choice } from '../prompt.ts';
import type { AmountValue } from '../session.ts';
import { asciiDigits } from '../text.ts';
import { answered, chosenOption, questionKey, refusal, type QuestionHandler } from './handler.ts';

const CURRENCIES = new Set(Intl.supportedValuesOf('currency'));
/** Offered as buttons: the currencies of the 2013 coordinators' regions, then the usual ones. */
const COMMON_CURRENCIES = ['USD', 'EUR', 'RUB', 'EGP', 'NGN', 'MXN', 'XAF', 'GBP'];
const SYMBOLS: Record<string, string> = { $: 'USD', '€': 'EUR', '£': 'GBP', '₽': 'RUB', '₦': 'NGN' };

const currencyChoices: Choice[] = COMMON_CURRENCIES.map((code) => ({
  id: code,
  label: { key: 'common:amount.currency_option', params: { code } },
}));

/** Reads "1 500", "1,500.50", "1.500,50", "2000 USD" or "€300" into an amount and maybe a currency. */
export function parseAmount(raw: string): { amount: number; currency?: string } | null {
  let text = asciiDigits(raw)
    .trim()
    .replace(/[\u00A0\u202F\u2009' ]/g, '');
  let currency: string | undefined;
  const code = /^([A-Za-z]{3})|([A-Za-z]{3})$/.exec(text);
  if (code) {
    currency = (code[1] ?? code[2])!.toUpperCase();
    text = text.replace(/^[A-Za-z]{3}|[A-Za-z]{3}$/, '');
  } else {
    const symbol = Object.keys(SYMBOLS).find((s) => text.startsWith(s) || text.endsWith(s));
    if (symbol) {
      currency = SYMBOLS[symbol];
      text = text.replace(symbol, '');
    }
  }
  if (currency && !CURRENCIES.has(currency)) return null;
  if (!/^\d[\d.,]*$/.test(text)) return null;
  const lastSep = Math.max(text.lastIndexOf('.'), text.lastIndexOf(','));
  const decimals = lastSep >= 0 ? text.length - lastSep - 1 : 0;
  // A single separator followed by exactly three digits groups thousands ("1,500"); otherwise
  // the last separator marks decimals.
  const grouping = lastSep >= 0 && decimals === 3 && text.indexOf(text[lastSep]!) === lastSep;
  const normalized =
    lastSep < 0 || grouping
      ? text.replace(/[.,]/g, '')
      : text.slice(0, lastSep).replace(/[.,]/g, '') + '.' + text.slice(lastSep + 1);
  const amount = Number(normalized);
  if (!Number.isFinite(amount) || amount < 0 || amount >= 1e13) return null;
  return currency ? { amount, currency } : { amount };
}

/** An annual advocacy amount, then its ISO 4217 currency; or "don't know". */
export const amount: QuestionHandler<QuestionOf<'amount'>> = {
  view({ flow, question, step, draft }) {
    if (step === 'currency') {
      return {
        text: { key: 'common:amount.currency', params: { amount: draft?.amount ?? 0 } },
        hint: { key: 'common:amount.currency_hint' },
        choices: currencyChoices,
        accepts: ['choose', 'text'],
      };
    }
    return {
      text: { key: questionKey(flow, question, 'text') },
      hint: { key: 'common:amount.hint' },
      choices: [{ id: 'dont_know', label: { key: 'common:amount.dont_know' } }],
      accepts: ['text', 'choose'],
    };
  },
  apply({ step, draft }, input) {
    if (step === 'currency') {
      const typed = input.type === 'text' ? input.text.trim().toUpperCase() : '';
      const code =
        input.type === 'choose'
          ? input.option
          : CURRENCIES.has(typed)
            ? typed
            : chosenOption(input, currencyChoices);
      if (!CURRENCIES.has(code)) return refusal('currency_unknown');
      return answered({ amount: draft?.amount ?? 0, currency: code } satisfies AmountValue);
    }
    if (input.type === 'choose') {
      return input.option === 'dont_know'
        ? answered({ dontKnow: true } satisfies AmountValue)
        : refusal('unknown_choice');
    }
    if (input.type !== 'text') return refusal('not_accepted');
    const parsed = parseAmount(input.text);
    if (!parsed) return refusal('amount_invalid');
    if (parsed.currency)
      return answered({ amount: parsed.amount, currency: parsed.currency } satisfies AmountValue);
    return { step: 'currency', draft: { amount: parsed.amount } };
  },
};
