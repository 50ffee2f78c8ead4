import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { MAX_AMOUNT, readAmount } from '../../src/engine/amount-text.ts';
import { next } from '../../src/engine/engine.ts';
import { answerOf, choose, flow, play, setup, text, translator } from '../support/flow.ts';

const LOCALES = ['en', 'ru', 'ar', 'es', 'fr'] as const;

/** A session at q5a, the amount question, in a language. */
const atAmount = (lng: string) =>
  play([...setup(lng), choose('public'), choose('no'), text('Chile'), choose('up_to_4999'), choose('yes')]);

/** What q5a stores for a typed amount, confirmed (and its currency picked when not typed). */
function stored(typed: string, lng: string): unknown {
  let step = next(flow, atAmount(lng).session, text(typed), 1e6);
  if (step.refusal) return step.refusal.code;
  if (step.session.step === 'currency') step = next(flow, step.session, choose('USD'), 1e6 + 1);
  assert.equal(step.session.step, 'confirm', 'read back before it is stored');
  assert.equal(step.session.answers.q5a, undefined);
  step = next(flow, step.session, choose('yes'), 1e6 + 2);
  return answerOf(step.session, 'q5a');
}

// Defect 1 of issue 11: amounts misread silently.
const defects: { typed: string; lng: string; expected: unknown }[] = [
  { typed: '2,000,000 USD', lng: 'en', expected: { amount: 2_000_000, currency: 'USD' } },
  { typed: '1.500.000', lng: 'es', expected: { amount: 1_500_000, currency: 'USD' } },
  { typed: '1.500.000', lng: 'fr', expected: { amount: 1_500_000, currency: 'USD' } },
  { typed: '1.500.000', lng: 'ru', expected: { amount: 1_500_000, currency: 'USD' } },
  { typed: '1,2,4,5', lng: 'en', expected: 'amount_invalid' },
  { typed: '1.2.3', lng: 'en', expected: 'amount_invalid' },
  { typed: '١٥٬٠٠٠', lng: 'ar', expected: { amount: 15_000, currency: 'USD' } },
  { typed: '١٥٫٥', lng: 'ar', expected: { amount: 15.5, currency: 'USD' } },
  { typed: '1.500', lng: 'en', expected: 'amount_ambiguous' },
  { typed: '1,500', lng: 'es', expected: 'amount_ambiguous' },
  { typed: '1.500', lng: 'es', expected: { amount: 1500, currency: 'USD' } },
  { typed: '1,500', lng: 'en', expected: { amount: 1500, currency: 'USD' } },
  { typed: '1 500 000,50 €', lng: 'fr', expected: { amount: 1_500_000.5, currency: 'EUR' } },
  { typed: '1\u202F500\u202F000', lng: 'fr', expected: { amount: 1_500_000, currency: 'USD' } },
  { typed: "1'500", lng: 'fr', expected: { amount: 1500, currency: 'USD' } },
  { typed: '1500 руб.', lng: 'ru', expected: { amount: 1500, currency: 'RUB' } },
  { typed: '2 000 000 рублей', lng: 'ru', expected: 'currency:RUB,BYN' },
  { typed: '15000 جنيه مصري', lng: 'ar', expected: { amount: 15_000, currency: 'EGP' } },
  { typed: '\u200F15,000.00 ج.م.\u200F', lng: 'ar', expected: { amount: 15_000, currency: 'EGP' } },
  { typed: '۱۵۰۰ دولار أمريكي', lng: 'ar', expected: { amount: 1500, currency: 'USD' } },
  { typed: '300 dólares estadounidenses', lng: 'es', expected: { amount: 300, currency: 'USD' } },
  { typed: '€300', lng: 'en', expected: { amount: 300, currency: 'EUR' } },
  { typed: '$300 USD', lng: 'en', expected: { amount: 300, currency: 'USD' } },
  { typed: '0,50', lng: 'fr', expected: { amount: 0.5, currency: 'USD' } },
];

for (const c of defects) {
  test(`amount ${JSON.stringify(c.typed)} in ${c.lng} is read as meant`, () => {
    if (typeof c.expected === 'string' && c.expected.startsWith('currency:')) {
      // A word several currencies share ("рублей": Russian or Belarusian) asks which.
      const step = next(flow, atAmount(c.lng).session, text(c.typed), 1e6);
      assert.equal(step.session.step, 'currency');
      assert.deepEqual(step.session.draft?.candidates, c.expected.slice('currency:'.length).split(','));
      return;
    }
    assert.deepEqual(stored(c.typed, c.lng), c.expected);
  });
}

// Bad input: a clear translated message with an example in the respondent's language, the same
// question again, nothing stored.
const bad: { typed: string; code: string }[] = [
  { typed: 'about a thousand', code: 'amount_invalid' },
  { typed: '15oo', code: 'amount_invalid' },
  { typed: '1500 USD EUR', code: 'amount_two_currencies' },
  { typed: 'USD 1500 EUR', code: 'amount_two_currencies' },
  { typed: '-5', code: 'amount_negative' },
  { typed: '−1 500', code: 'amount_negative' },
  { typed: 'USD -300', code: 'amount_negative' },
  { typed: '2000000000000', code: 'amount_too_large' },
  { typed: '5 000 000 000 000 EUR', code: 'amount_too_large' },
  { typed: '100 XXQ', code: 'currency_unknown' },
  { typed: '1000-2000', code: 'amount_invalid' },
  { typed: '1e6', code: 'amount_invalid' },
  { typed: '12 34', code: 'amount_invalid' },
  { typed: '1,,500', code: 'amount_invalid' },
  { typed: '15,00,000', code: 'amount_invalid' },
];

for (const c of bad) {
  test(`bad amount ${JSON.stringify(c.typed)} is refused with an example and changes nothing`, () => {
    for (const lng of LOCALES) {
      const before = atAmount(lng);
      const step = next(flow, before.session, text(c.typed), 1e6);
      assert.equal(step.refusal?.code, c.code, lng);
      assert.equal(step.session, before.session, 'the session is the same object');
      const message = translator.translatorFor(lng)(step.refusal!.text);
      assert.ok(message.length > 20 && !message.includes('{{'), `${lng}: ${message}`);
      if (c.code.startsWith('amount_')) {
        const example = new Intl.NumberFormat(lng).format(15000);
        assert.ok(message.includes(example), `${lng}: the example ${example} in: ${message}`);
      }
    }
  });
}

test('an ambiguous amount is refused with both readings in the respondent’s language', () => {
  const step = next(flow, atAmount('en').session, text('1.500'), 1e6);
  assert.equal(
    translator.translatorFor('en')(step.refusal!.text),
    'This figure can be read as 1,500 or as 1.5. Please type it again exactly as one of these.',
  );
  const es = next(flow, atAmount('es').session, text('2,500'), 1e6);
  assert.match(translator.translatorFor('es')(es.refusal!.text), /2500 o como 2,5/);
});

/** Amounts of money: up to 10^12, with at most two decimals. */
const amounts = fc
  .oneof(
    fc.integer({ min: 0, max: 100_000 }),
    fc.integer({ min: 0, max: 1_000_000_000 }),
    fc.integer({ min: 0, max: MAX_AMOUNT / 100 }),
  )
  .chain((whole) =>
    fc.integer({ min: 0, max: 99 }).map((cents) => Math.min(MAX_AMOUNT, (whole * 100 + cents) / 100)),
  );

/** Each language's formats, with Arabic also in Arabic-Indic digits. */
const formats: { lng: string; format: Intl.NumberFormat }[] = [
  ...LOCALES.map((lng) => ({ lng, format: new Intl.NumberFormat(lng, { maximumFractionDigits: 2 }) })),
  { lng: 'ar', format: new Intl.NumberFormat('ar-u-nu-arab', { maximumFractionDigits: 2 }) },
];

for (const { lng, format } of formats) {
  const digits = format.resolvedOptions().numberingSystem;
  test(`property: any amount Intl formats for ${lng} (${digits} digits) reads back to the same number`, () => {
    fc.assert(
      fc.property(amounts, (amount) => {
        const typed = format.format(amount);
        const read = readAmount(typed, lng);
        assert.ok(read.ok, `${typed}: ${JSON.stringify(read)}`);
        assert.equal(read.amount, amount, typed);
        assert.deepEqual(read.currencies, []);
      }),
      { numRuns: 300 },
    );
  });

  test(`property: an amount with its currency as Intl writes it for ${lng} (${digits}) reads back with it`, () => {
    const codes = fc.constantFrom('USD', 'EUR', 'RUB', 'EGP', 'SAR', 'NGN', 'MXN', 'XAF', 'GBP', 'AUD');
    const display = fc.constantFrom('code', 'symbol', 'name') as fc.Arbitrary<'code' | 'symbol' | 'name'>;
    fc.assert(
      fc.property(amounts, codes, display, (amount, currency, currencyDisplay) => {
        const options = format.resolvedOptions();
        const money = new Intl.NumberFormat(options.locale, {
          style: 'currency',
          currency,
          currencyDisplay,
          numberingSystem: options.numberingSystem,
        });
        const typed = money.format(amount);
        // Shown as the currency's minor unit allows (no cents in XAF).
        const unit = 10 ** money.resolvedOptions().maximumFractionDigits!;
        const shown = Math.round(amount * unit) / unit;
        const read = readAmount(typed, lng);
        assert.ok(read.ok, `${typed}: ${JSON.stringify(read)}`);
        assert.equal(read.amount, shown, typed);
        assert.ok(read.currencies.includes(currency), `${typed}: ${read.currencies.join()}`);
      }),
      { numRuns: 200 },
    );
  });
}

/** Texts that are not one amount, built so by construction. */
const notAmounts = fc.oneof(
  // Words only, or words around a figure.
  fc.constantFrom('a lot', 'unknown', 'около тысячи', 'ألف', 'mil', 'beaucoup', 'n/a', '?'),
  fc
    .tuple(
      fc.constantFrom('about', 'roughly', 'от', 'بين', 'unos', 'environ'),
      fc.integer({ min: 1, max: 99999 }),
    )
    .map(([w, n]) => `${w} ${n}`),
  // Two figures: a range, alternatives.
  fc
    .tuple(
      fc.integer({ min: 1, max: 99999 }),
      fc.constantFrom('-', ' or ', ' to ', '/', ' – '),
      fc.integer({ min: 1, max: 99999 }),
    )
    .map(([a, sep, b]) => `${a}${sep}${b}`),
  // Groups that are not groups of three digits: "1,2,4,5", "12.34.5".
  fc
    .tuple(
      fc.integer({ min: 1, max: 999 }),
      fc.array(fc.integer({ min: 0, max: 99 }), { minLength: 2, maxLength: 4 }),
      fc.constantFrom(',', '.', ' ', "'"),
    )
    .map(([head, rest, sep]) => [head, ...rest].join(sep)),
  // A letter inside the figure.
  fc
    .tuple(fc.integer({ min: 10, max: 99999 }), fc.constantFrom('o', 'O', 'l', 'x', 'б'), fc.nat(4))
    .map(([n, letter, at]) => {
      const s = String(n);
      const i = 1 + (at % (s.length - 1));
      return s.slice(0, i) + letter + s.slice(i);
    }),
  // Negative, or more than 10^12.
  fc.integer({ min: 1, max: 99999 }).map((n) => `-${n}`),
  fc.integer({ min: 2, max: 9 }).map((n) => `${n}${'0'.repeat(12)}`),
);

test('property: texts that are not an amount are refused, in every language, never misread', () => {
  fc.assert(
    fc.property(notAmounts, fc.constantFrom(...LOCALES), (typed, lng) => {
      const read = readAmount(typed, lng);
      assert.equal(read.ok, false, `${JSON.stringify(typed)} in ${lng} read as ${JSON.stringify(read)}`);
    }),
    { numRuns: 1000 },
  );
});
