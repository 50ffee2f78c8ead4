import type { Flow, Question } from '../../engine/flow.ts';
import { regionName } from '../../engine/regions.ts';
import type { Answer } from '../../engine/session.ts';
import type { Translate } from '../../i18n/translator.ts';
import { neutralizeBidi } from '../../safe-text.ts';
import { countryCodeOf, type ResponseRecord } from '../../store/response-store.ts';

/** A piece of an answer as shown: our own label, or the respondent's words (shown isolated, as text). */
export type Part = { label: string } | { quote: string };

export interface AnswerRow {
  question: string;
  label: string;
  state: 'answered' | 'declined' | 'not_asked';
  parts: Part[];
  /** Time spent on the question, in seconds. */
  seconds?: number;
}

type Value = Record<string, unknown>;
const quote = (text: unknown): Part => ({ quote: neutralizeBidi(String(text)) });
const isObject = (v: unknown): v is Value => typeof v === 'object' && v !== null && !Array.isArray(v);
const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((s) => typeof s === 'string') : []);

/**
 * Every question of a response's flow, labelled in the reader's language: the answer (options by
 * their label, the respondent's own words as quotes), declined or not asked, and the time spent.
 * Values of shapes this code does not know are shown as their JSON, never dropped.
 */
export function answerRows(flow: Flow, record: ResponseRecord, t: Translate): AnswerRow[] {
  const rows: AnswerRow[] = [];
  const seen = new Set<string>();
  for (const question of flow.questions) {
    seen.add(question.id);
    rows.push(row(flow, question, record, t));
  }
  // Answers to questions the flow no longer has (a response read with another version).
  for (const [id, answer] of Object.entries(record.answers)) {
    if (seen.has(id)) continue;
    rows.push({
      question: id,
      label: id,
      state: answer.status === 'declined' ? 'declined' : 'answered',
      parts: answer.status === 'answered' ? [quote(JSON.stringify(answer.value))] : [],
      ...seconds(record, id),
    });
  }
  return rows;
}

function seconds(record: ResponseRecord, id: string): { seconds?: number } {
  const ms = record.durations[id];
  return typeof ms === 'number' ? { seconds: Math.round(ms / 1000) } : {};
}

function row(flow: Flow, question: Question, record: ResponseRecord, t: Translate): AnswerRow {
  const answer: Answer | undefined = record.answers[question.id];
  const label =
    question.type === 'language' || question.type === 'consent'
      ? t({ key: `dashboard:question.${question.type}` })
      : t({ key: `${flow.ns}:${question.id}.text` });
  const base = { question: question.id, label, ...seconds(record, question.id) };
  if (!answer) return { ...base, state: 'not_asked', parts: [] };
  if (answer.status === 'declined') return { ...base, state: 'declined', parts: [] };
  return { ...base, state: 'answered', parts: valueParts(flow, question, answer.value, record, t) };
}

function valueParts(flow: Flow, q: Question, value: unknown, record: ResponseRecord, t: Translate): Part[] {
  const say = (key: string, params?: Record<string, string | number>): Part => ({
    label: t({ key, ...(params ? { params } : {}) }),
  });
  const option = (source: string, id: string, other?: unknown, otherDeclined?: unknown): Part[] => {
    if (id !== 'other') return [say(`${flow.ns}:${source}.options.${id}`)];
    if (typeof other === 'string') return [say('dashboard:answer.other'), quote(other)];
    return [say(otherDeclined ? 'dashboard:answer.other_declined' : 'dashboard:answer.other')];
  };
  switch (q.type) {
    case 'language':
      return typeof value === 'string' ? [say('common:language.option', { code: value })] : [quote(value)];
    case 'consent':
      if (value !== 'yes' && value !== 'no') break;
      return [say(value === 'yes' ? 'common:consent.yes' : 'common:consent.no')];
    case 'yesno':
      if (value !== 'yes' && value !== 'no') break;
      return [say(value === 'yes' ? 'common:answer.yes' : 'common:answer.no')];
    case 'single':
      if (!isObject(value) || typeof value.option !== 'string') break;
      return option(q.id, value.option, value.other, value.otherDeclined);
    case 'multi':
      if (!isObject(value)) break;
      return strings(value.options).flatMap((o) => option(q.id, o, value.other, value.otherDeclined));
    case 'ranking': {
      if (!isObject(value)) break;
      const source = q.itemsFrom ?? q.id;
      const from = record.answers[source];
      const sourceValue = from?.status === 'answered' && isObject(from.value) ? from.value : {};
      const item = (id: string) => option(source, id, value.other ?? sourceValue.other);
      const parts = strings(value.order).flatMap((id, i) => [{ label: `${i + 1}.` }, ...item(id)]);
      const na = strings(value.na);
      if (na.length) parts.push(say('dashboard:answer.not_applicable'), ...na.flatMap(item));
      return parts;
    }
    case 'text':
      if (typeof value === 'string') return [quote(value)];
      if (isObject(value) && typeof value.option === 'string') return option(q.id, value.option);
      if (isObject(value) && typeof value.text === 'string')
        return [quote(value.text), ...strings(value.links).map(quote)];
      break;
    case 'amount':
      if (!isObject(value)) break;
      if (value.dontKnow) return [say('common:summary.dont_know')];
      if (value.noBudgetLine) return [say('dashboard:answer.no_budget_line')];
      if (typeof value.amount === 'number' && typeof value.currency === 'string') {
        const amount = new Intl.NumberFormat(t.lng, { maximumFractionDigits: 2 }).format(value.amount);
        return [{ label: `${amount} ${value.currency}` }];
      }
      break;
    case 'country': {
      const code = countryCodeOf({ status: 'answered', value });
      if (code) return [{ label: regionName(code, t.lng) }];
      break;
    }
    case 'contact':
      if (isObject(value)) return [say(value.agreed === 'yes' ? 'common:answer.yes' : 'common:answer.no')];
      break;
  }
  return [quote(JSON.stringify(value))];
}
