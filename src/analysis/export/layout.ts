import countries from 'i18n-iso-countries';
import { evaluate } from '../../engine/condition.ts';
import { isCountryCode } from '../../engine/country.ts';
import type { Flow, Question, QuestionOf } from '../../engine/flow.ts';
import { regionOf } from '../../engine/regions.ts';
import type { Answer } from '../../engine/session.ts';
import {
  keepsLinks,
  readAmount,
  readCountry,
  readMulti,
  readRanking,
  readSingle,
  readText,
  readYesNo,
  textButtons,
} from '../answers.ts';
import type { Labels } from '../render/labels.ts';
import type { QuestionState } from '../states.ts';
import { AMOUNT_FLAGS } from '../tallies/amount.ts';
import { choiceKeys } from '../tallies/choice.ts';
import { multiKeys } from '../tallies/multi.ts';
import { rankingKeys } from '../tallies/ranking.ts';
import { readDecimal, readInteger, readTextCell, writeNumber, writeText } from './cells.ts';

/**
 * The wide layout: one row per respondent, one or more variables per question. This file is
 * the one place that writes each question type into cells and reads it back, so the CSV, XLSX,
 * SPSS and R exports and the import agree by construction. Missing values are negative codes
 * (answers are never negative), in numeric variables; text variables hold "-1", "-2", "-3".
 */
export const MISSING = {
  declined: -1,
  not_applicable: -2,
  not_reached: -3,
  /** A ranking item the respondent marked "not applicable". */
  item_na: -4,
  not_coded: -8,
  disputed: -9,
} as const;
type MissingName = keyof typeof MISSING;

const STATE_CODE: Record<Exclude<QuestionState['kind'], 'answered'>, number> = {
  declined: MISSING.declined,
  not_applicable: MISSING.not_applicable,
  not_reached: MISSING.not_reached,
};

export interface ValueLabel {
  value: number;
  label: string;
}

export interface Variable {
  name: string;
  type: 'numeric' | 'string';
  /** Bytes of a string variable; digits of a numeric one. */
  width: number;
  decimals?: number;
  question?: string;
  label(L: Labels): string;
  /** Value labels of a numeric variable, missing codes included. */
  values?(L: Labels): ValueLabel[];
  /** The missing codes that apply (numeric), or that text variables hold ("-1"...). */
  missing: MissingName[];
  /** Computed from other data (a region from the country, a campaign from the invitation): not read back. */
  derived?: boolean;
}

/** What a row is made from: the response and where it stands with each question. */
export interface RowSource {
  states: readonly QuestionState[];
  codes: (question: string) => readonly string[] | 'disputed' | undefined;
}

/** Reports a problem with one variable's cell (the importer adds row and column). */
export type Complain = (variable: string, message: string) => void;

/** A question's variables, how to write a row's cells, and how to read them back. */
export interface QuestionColumns {
  question: Question;
  variables: Variable[];
  encode(state: QuestionState, codes: readonly string[] | 'disputed' | undefined): string[];
  /** The answer, absent (undefined), or null after complaining. `cells` has one per variable (undefined: no column). */
  decode(cells: readonly (string | undefined)[], complain: Complain): Answer | undefined | null;
  /** Codes carried in the row (coded free text), as read. */
  decodeCodes?(cells: readonly (string | undefined)[], complain: Complain): string[] | undefined | null;
}

const missingLabels = (L: Labels, names: readonly MissingName[]): ValueLabel[] =>
  names.map((n) => ({ value: MISSING[n], label: L.t(`export.missing.${n}`) }));
const qLabel = (L: Labels, q: Question) => `${q.id}. ${L.question(q.id)}`;
const STATES: MissingName[] = ['declined', 'not_applicable', 'not_reached'];

/** Every M49 region (or sub-region) code some country belongs to, in numeric order. */
function m49Codes(which: 'region' | 'subregion'): string[] {
  const codes = new Set<string>();
  for (const country of Object.keys(countries.getAlpha2Codes())) {
    const r = regionOf(country);
    if (r) codes.add(r[which]);
  }
  return [...codes].sort();
}

/** Reads the cells meant for missing codes: the state they all agree on, 'mixed', or null for none. */
function missingState(cells: readonly (string | undefined)[]): MissingName | 'mixed' | null {
  const present = cells.filter((c): c is string => c !== undefined && c !== '');
  const codes = present.map((c) => Object.entries(MISSING).find(([, v]) => String(v) === c.trim())?.[0]);
  const states = codes.filter((c) => c === 'declined' || c === 'not_applicable' || c === 'not_reached');
  if (states.length === 0) return present.length === 0 ? 'not_applicable' : null;
  return states.length === present.length && states.every((s) => s === states[0])
    ? (states[0] as MissingName)
    : 'mixed';
}

/** Decodes the common part: a question-level missing code, or hands the cells to `answered`. */
function decodeWith(
  q: Question,
  names: readonly string[],
  cells: readonly (string | undefined)[],
  complain: Complain,
  answered: () => Answer | null,
): Answer | undefined | null {
  const state = missingState(cells);
  if (state === 'mixed') {
    complain(names[0]!, `${q.id} is marked missing in some of its columns and answered in others`);
    return null;
  }
  if (state === 'declined') return { status: 'declined' };
  if (state === 'not_applicable' || state === 'not_reached') return undefined;
  return answered();
}

const answer = (value: unknown, auto = false): Answer =>
  auto ? { status: 'answered', value, auto: true } : { status: 'answered', value };

function codedValues(
  keys: readonly string[],
  L: Labels,
  q: Question,
  extra: MissingName[] = [],
): ValueLabel[] {
  return [
    ...keys.map((k, i) => ({ value: i + 1, label: L.option(q.id, k) })),
    ...missingLabels(L, [...STATES, ...extra]),
  ];
}

function oneOf(q: Question, keys: readonly string[], read: (value: unknown) => { option: string } | null) {
  return (state: QuestionState): string => {
    if (state.kind !== 'answered') return String(STATE_CODE[state.kind]);
    const option = read(state.value)?.option;
    const i = option === undefined ? -1 : keys.indexOf(option);
    return i < 0 ? '' : String(i + 1);
  };
}

function yesNoColumns(q: Question): QuestionColumns {
  const keys = ['yes', 'no'];
  const encode = oneOf(q, keys, readYesNo);
  return {
    question: q,
    variables: [
      {
        name: q.id,
        type: 'numeric',
        width: 2,
        question: q.id,
        label: (L) => qLabel(L, q),
        values: (L) => codedValues(keys, L, q),
        missing: STATES,
      },
    ],
    encode: (state) => [encode(state)],
    decode: (cells, complain) =>
      decodeWith(q, [q.id], cells, complain, () => {
        const n = readInteger(cells[0]!);
        if (n !== 1 && n !== 2) {
          complain(q.id, `"${cells[0]}" is not one of 1 (yes), 2 (no) or a missing code`);
          return null;
        }
        const option = keys[n - 1]!;
        return answer(q.type === 'contact' ? { agreed: option } : option);
      }),
  };
}

function singleColumns(q: QuestionOf<'single'>): QuestionColumns {
  const keys = choiceKeys(q);
  const encode = oneOf(q, keys, readSingle);
  const textName = `${q.id}_other_text`;
  const variables: Variable[] = [
    {
      name: q.id,
      type: 'numeric',
      width: 2,
      question: q.id,
      label: (L) => qLabel(L, q),
      values: (L) => codedValues(keys, L, q),
      missing: STATES,
    },
  ];
  if (q.other) {
    variables.push({
      name: textName,
      type: 'string',
      width: 1200,
      question: q.id,
      label: (L) => L.t('export.other_text', { question: qLabel(L, q) }),
      missing: [],
    });
  }
  return {
    question: q,
    variables,
    encode(state) {
      const other = state.kind === 'answered' ? readSingle(state.value)?.other : undefined;
      return [encode(state), ...(q.other ? [other === undefined ? '' : writeText(other)] : [])];
    },
    decode: (cells, complain) =>
      decodeWith(q, [q.id], cells.slice(0, 1), complain, () => {
        const n = readInteger(cells[0]!);
        const option = n !== null && n >= 1 ? keys[n - 1] : undefined;
        if (!option) {
          complain(q.id, `"${cells[0]}" is not an option code (1 to ${keys.length}) or a missing code`);
          return null;
        }
        const text = cells[1] ? readTextCell(cells[1]) : '';
        if (option !== 'other') {
          if (text) complain(textName, `a text is given but the option chosen is not "other"`);
          return text ? null : answer({ option });
        }
        return answer(text ? { option, other: text } : { option, otherDeclined: true });
      }),
  };
}

function multiColumns(q: QuestionOf<'multi'>): QuestionColumns {
  const keys = [...multiKeys(q), ...q.exclusive];
  const textName = `${q.id}_other_text`;
  const variables: Variable[] = keys.map((key) => ({
    name: `${q.id}_${key}`,
    type: 'numeric',
    width: 2,
    question: q.id,
    label: (L) => L.t('export.option', { question: qLabel(L, q), option: L.option(q.id, key) }),
    values: (L) => [
      { value: 1, label: L.t('export.selected') },
      { value: 0, label: L.t('export.not_selected') },
      ...missingLabels(L, STATES),
    ],
    missing: STATES,
  }));
  if (q.other) {
    variables.push({
      name: textName,
      type: 'string',
      width: 1200,
      question: q.id,
      label: (L) => L.t('export.other_text', { question: qLabel(L, q) }),
      missing: [],
    });
  }
  const names = variables.map((v) => v.name);
  return {
    question: q,
    variables,
    encode(state) {
      if (state.kind !== 'answered') {
        return [...keys.map(() => String(STATE_CODE[state.kind])), ...(q.other ? [''] : [])];
      }
      const multi = readMulti(state.value);
      return [
        ...keys.map((k) => (multi ? (multi.options.includes(k) ? '1' : '0') : '')),
        ...(q.other ? [multi?.other === undefined ? '' : writeText(multi.other)] : []),
      ];
    },
    decode: (cells, complain) =>
      decodeWith(q, names, cells.slice(0, keys.length), complain, () => {
        const options: string[] = [];
        let ok = true;
        keys.forEach((key, i) => {
          const n = readInteger(cells[i] ?? '');
          if (n === 1) options.push(key);
          else if (n !== 0) {
            complain(names[i]!, `"${cells[i] ?? ''}" is not 1 (selected), 0 or a missing code`);
            ok = false;
          }
        });
        if (!ok) return null;
        if (options.length === 0) {
          complain(names[0]!, `${q.id} is answered but no option is selected`);
          return null;
        }
        if (options.length > 1 && options.some((o) => q.exclusive.includes(o))) {
          complain(names[0]!, `${q.id}: "${q.exclusive.join('", "')}" cannot be combined with other options`);
          return null;
        }
        const text = q.other && cells[keys.length] ? readTextCell(cells[keys.length]!) : '';
        if (!options.includes('other')) {
          if (text) complain(textName, 'a text is given but "other" is not selected');
          return text ? null : answer({ options });
        }
        return answer(text ? { options, other: text } : { options, otherDeclined: true });
      }),
  };
}

function rankingColumns(flow: Flow, q: QuestionOf<'ranking'>): QuestionColumns {
  const items = rankingKeys(flow, q);
  const textName = `${q.id}_other_text`;
  const withText = q.items !== undefined;
  const extra: MissingName[] = q.notApplicable ? ['item_na'] : [];
  const variables: Variable[] = items.map((item) => ({
    name: `${q.id}_${item}`,
    type: 'numeric',
    width: 2,
    question: q.id,
    label: (L) => L.t('export.rank', { question: qLabel(L, q), item: L.option(q.id, item) }),
    values: (L) => missingLabels(L, [...STATES, ...extra]),
    missing: [...STATES, ...extra],
  }));
  if (withText) {
    variables.push({
      name: textName,
      type: 'string',
      width: 1200,
      question: q.id,
      label: (L) => L.t('export.other_text', { question: qLabel(L, q) }),
      missing: [],
    });
  }
  const names = variables.map((v) => v.name);
  return {
    question: q,
    variables,
    encode(state) {
      if (state.kind !== 'answered') {
        return [...items.map(() => String(STATE_CODE[state.kind])), ...(withText ? [''] : [])];
      }
      const r = readRanking(state.value);
      return [
        ...items.map((item) => {
          if (!r) return '';
          const at = r.order.indexOf(item);
          if (at >= 0) return String(at + 1);
          return String(r.na.includes(item) ? MISSING.item_na : MISSING.not_applicable);
        }),
        ...(withText ? [r?.other === undefined ? '' : writeText(r.other)] : []),
      ];
    },
    // Items not offered to this respondent are -2 in an answered ranking, so only a row whose
    // every item is the same state code is a missing answer.
    decode: (cells, complain) => {
      const rankCells = cells.slice(0, items.length);
      const state = missingState(rankCells);
      if (state === 'declined') return { status: 'declined' };
      if (state === 'not_applicable' || state === 'not_reached') return undefined;
      const stateCodes = [MISSING.declined, MISSING.not_reached].map(String);
      if (rankCells.some((c) => stateCodes.includes((c ?? '').trim()))) {
        complain(names[0]!, `${q.id} is marked missing in some of its columns and ranked in others`);
        return null;
      }
      const order: string[] = [];
      const na: string[] = [];
      let ok = true;
      items.forEach((item, i) => {
        const n = readInteger(rankCells[i] ?? '');
        if (n === null) {
          complain(names[i]!, `"${rankCells[i] ?? ''}" is not a rank`);
          ok = false;
        } else if (n === MISSING.item_na && q.notApplicable) na.push(item);
        else if (n === MISSING.not_applicable) return;
        else if (n < 1 || n > items.length) {
          complain(names[i]!, `rank ${n} is out of range (1 to ${items.length})`);
          ok = false;
        } else if (order[n - 1] !== undefined) {
          complain(names[i]!, `rank ${n} is given twice (also to ${order[n - 1]})`);
          ok = false;
        } else order[n - 1] = item;
      });
      if (!ok) return null;
      const ranked = order.filter((x) => x !== undefined);
      if (ranked.length !== order.length || ranked.length === 0) {
        complain(names[0]!, `${q.id}: the ranks must run 1, 2, 3... without a gap`);
        return null;
      }
      const text = withText && cells[items.length] ? readTextCell(cells[items.length]!) : '';
      const value = { order: ranked, na, ...(text ? { other: text } : {}) };
      // The bot fills in a ranking of one chosen item itself.
      return answer(value, q.itemsFrom !== undefined && ranked.length === 1 && na.length === 0);
    },
  };
}

function amountColumns(q: Question): QuestionColumns {
  const kinds = ['amount', ...AMOUNT_FLAGS];
  const variables: Variable[] = [
    {
      name: q.id,
      type: 'numeric',
      width: 2,
      question: q.id,
      label: (L) => qLabel(L, q),
      values: (L) => [
        { value: 1, label: L.t('export.amount_given') },
        ...AMOUNT_FLAGS.map((f, i) => ({ value: i + 2, label: L.t(`amount.${f}`) })),
        ...missingLabels(L, STATES),
      ],
      missing: STATES,
    },
    {
      name: `${q.id}_amount`,
      type: 'numeric',
      width: 16,
      decimals: 2,
      question: q.id,
      label: (L) => L.t('export.amount', { question: qLabel(L, q) }),
      missing: [],
    },
    {
      name: `${q.id}_currency`,
      type: 'string',
      width: 3,
      question: q.id,
      label: (L) => L.t('export.currency', { question: qLabel(L, q) }),
      missing: [],
    },
  ];
  const currencies = new Set(Intl.supportedValuesOf('currency'));
  return {
    question: q,
    variables,
    encode(state) {
      if (state.kind !== 'answered') return [String(STATE_CODE[state.kind]), '', ''];
      const a = readAmount(state.value);
      if (!a) return ['', '', ''];
      if ('amount' in a) return ['1', writeNumber(a.amount), a.currency];
      const i = kinds.indexOf(a.kind);
      return [i < 0 ? '' : String(i + 1), '', ''];
    },
    decode: (cells, complain) =>
      decodeWith(q, [q.id], cells.slice(0, 1), complain, () => {
        const n = readInteger(cells[0]!);
        const kind = n !== null && n >= 1 ? kinds[n - 1] : undefined;
        if (!kind) {
          complain(
            q.id,
            `"${cells[0]}" is not 1 (amount), ${kinds.length > 1 ? `2 to ${kinds.length}` : ''} or a missing code`,
          );
          return null;
        }
        if (kind !== 'amount') {
          if (cells[1] || cells[2]) complain(`${q.id}_amount`, 'an amount is given but the answer has none');
          return cells[1] || cells[2] ? null : answer({ [kind]: true });
        }
        const amount = readDecimal(cells[1] ?? '');
        const currency = (cells[2] ?? '').trim();
        if (amount === null || amount < 0) complain(`${q.id}_amount`, `"${cells[1] ?? ''}" is not an amount`);
        if (!currencies.has(currency))
          complain(`${q.id}_currency`, `"${currency}" is not an ISO 4217 currency code`);
        return amount === null || amount < 0 || !currencies.has(currency)
          ? null
          : answer({ amount, currency });
      }),
  };
}

function countryColumns(q: Question): QuestionColumns {
  const regionLabels =
    (which: 'region' | 'subregion') =>
    (L: Labels): ValueLabel[] => [
      ...m49Codes(which).map((code) => ({ value: Number(code), label: L.region(code) })),
      ...missingLabels(L, STATES),
    ];
  const variables: Variable[] = [
    { name: q.id, type: 'string', width: 2, question: q.id, label: (L) => qLabel(L, q), missing: STATES },
    {
      name: `${q.id}_region`,
      type: 'numeric',
      width: 3,
      question: q.id,
      label: (L) => L.t('export.region', { question: qLabel(L, q) }),
      values: regionLabels('region'),
      missing: STATES,
      derived: true,
    },
    {
      name: `${q.id}_subregion`,
      type: 'numeric',
      width: 3,
      question: q.id,
      label: (L) => L.t('export.subregion', { question: qLabel(L, q) }),
      values: regionLabels('subregion'),
      missing: STATES,
      derived: true,
    },
  ];
  return {
    question: q,
    variables,
    encode(state) {
      if (state.kind !== 'answered') return Array(3).fill(String(STATE_CODE[state.kind])) as string[];
      const c = readCountry(state.value);
      if (!c) return ['', '', ''];
      return [
        c.code,
        c.region ? String(Number(c.region)) : '',
        c.subregion ? String(Number(c.subregion)) : '',
      ];
    },
    decode: (cells, complain) =>
      decodeWith(q, [q.id], cells.slice(0, 1), complain, () => {
        const code = (cells[0] ?? '').trim();
        if (!isCountryCode(code)) {
          complain(q.id, `"${code}" is not an ISO 3166-1 alpha-2 country code`);
          return null;
        }
        const region = regionOf(code);
        return answer(region ? { code, region: region.region, subregion: region.subregion } : { code });
      }),
  };
}

function textColumns(q: QuestionOf<'text'>, codebook: readonly string[] | undefined): QuestionColumns {
  const buttons = textButtons(q);
  const links = keepsLinks(q);
  const codes = codebook ?? [];
  const variables: Variable[] = [
    {
      name: q.id,
      type: 'string',
      width: Math.min(32767, q.maxLength * 4),
      question: q.id,
      label: (L) => qLabel(L, q),
      missing: STATES,
    },
  ];
  if (buttons.length) {
    variables.push({
      name: `${q.id}_button`,
      type: 'numeric',
      width: 2,
      question: q.id,
      label: (L) => L.t('export.button', { question: qLabel(L, q) }),
      values: (L) => codedValues(buttons, L, q),
      missing: STATES,
    });
  }
  if (links) {
    variables.push({
      name: `${q.id}_links`,
      type: 'string',
      width: 4000,
      question: q.id,
      label: (L) => L.t('export.links', { question: qLabel(L, q) }),
      missing: [],
    });
  }
  const codeStart = variables.length;
  for (const code of codes) {
    variables.push({
      name: `${q.id}_c_${code}`,
      type: 'numeric',
      width: 2,
      question: q.id,
      label: (L) => L.t('export.code', { question: q.id, code: L.code(q.id, code) }),
      values: (L) => [
        { value: 1, label: L.t('export.selected') },
        { value: 0, label: L.t('export.not_selected') },
        ...missingLabels(L, [...STATES, 'not_coded', 'disputed']),
      ],
      missing: [...STATES, 'not_coded', 'disputed'],
    });
  }
  return {
    question: q,
    variables,
    encode(state, coded) {
      const missing = state.kind === 'answered' ? null : String(STATE_CODE[state.kind]);
      const t = state.kind === 'answered' ? readText(state.value) : null;
      const button = t && 'option' in t ? t.option : null;
      const text = t && 'text' in t ? t : null;
      const codeCells = codes.map((code) => {
        if (missing) return missing;
        if (button) return String(MISSING.not_applicable);
        if (coded === 'disputed') return String(MISSING.disputed);
        if (!coded) return String(MISSING.not_coded);
        return coded.includes(code) ? '1' : '0';
      });
      return [
        missing ?? (text ? writeText(text.text) : ''),
        ...(buttons.length ? [missing ?? (button ? String(buttons.indexOf(button) + 1) : '')] : []),
        ...(links ? [text?.links?.join(' ') ?? ''] : []),
        ...codeCells,
      ];
    },
    decode: (cells, complain) => {
      const main = cells[0] ?? '';
      const state = missingState([main]);
      const button = buttons.length ? (cells[1] ?? '') : '';
      if (state === 'declined') return { status: 'declined' };
      if (main === '' && button !== '' && !missingState([button])) {
        const n = readInteger(button);
        const option = n !== null && n >= 1 ? buttons[n - 1] : undefined;
        if (!option) {
          complain(`${q.id}_button`, `"${button}" is not an answer button code`);
          return null;
        }
        return answer({ option });
      }
      if (state === 'not_applicable' || state === 'not_reached') return undefined;
      const text = readTextCell(main);
      if ([...text].length > q.maxLength) {
        complain(q.id, `the text is longer than the ${q.maxLength} characters this question takes`);
        return null;
      }
      if (!links) return answer(text);
      const list = (cells[buttons.length ? 2 : 1] ?? '').split(/\s+/).filter(Boolean);
      return answer({ text, links: list });
    },
    decodeCodes(cells, complain) {
      if (codes.length === 0) return undefined;
      const values = codes.map((_, i) => readInteger(cells[codeStart + i] ?? ''));
      if (values.every((v) => v === null)) return undefined;
      if (values.some((v) => v !== null && v < 0)) return undefined;
      const bad = values.findIndex((v) => v !== 0 && v !== 1);
      if (bad >= 0) {
        complain(
          variables[codeStart + bad]!.name,
          `"${cells[codeStart + bad] ?? ''}" is not 1, 0 or a missing code`,
        );
        return null;
      }
      return codes.filter((_, i) => values[i] === 1);
    },
  };
}

export function questionColumns(
  flow: Flow,
  q: Question,
  codebooks: ReadonlyMap<string, readonly string[]>,
): QuestionColumns | null {
  switch (q.type) {
    case 'yesno':
    case 'contact':
      return yesNoColumns(q);
    case 'single':
      return singleColumns(q);
    case 'multi':
      return multiColumns(q);
    case 'ranking':
      return rankingColumns(flow, q);
    case 'amount':
      return amountColumns(q);
    case 'country':
      return countryColumns(q);
    case 'text':
      return textColumns(q, codebooks.get(q.id));
    default:
      return null;
  }
}

/** Whether an answer fits the flow's branching: a question answered although it does not apply. */
export function branchingProblem(q: Question, answers: Record<string, Answer>): string | null {
  if (!q.when || !answers[q.id]) return null;
  return evaluate(q.when, answers)
    ? null
    : `${q.id} is answered, but by the flow it does not apply to this respondent`;
}
