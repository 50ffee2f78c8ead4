import { questionAt, type Flow } from '../engine/flow.ts';
import type { Prompt } from '../engine/prompt.ts';
import type {
  AmountValue,
  Answer,
  ContactValue,
  MultiValue,
  RankingValue,
  SingleValue,
} from '../engine/session.ts';
import type { Translate } from '../i18n/translator.ts';
import { neutralizeBidi } from '../safe-text.ts';

type QuestionPrompt = Extract<Prompt, { kind: 'question' }>;

/** The lines above a question's choices: progress, the question, an earlier answer and a hint. */
export function questionLines(flow: Flow, prompt: QuestionPrompt, t: Translate): string[] {
  const lines: string[] = [];
  if (prompt.progress) lines.push(t({ key: 'common:progress', params: { ...prompt.progress } }));
  lines.push(t(prompt.text));
  if (prompt.previous && prompt.step === '') {
    const answer = summarize(flow, prompt.question, prompt.previous, t);
    lines.push(t({ key: 'common:previous', params: { answer } }));
  }
  if (prompt.hint) lines.push(t(prompt.hint));
  return lines;
}

/** A short, translated description of an answer, for marking a question answered. */
export function summarize(
  flow: Flow,
  questionId: string,
  answer: Answer,
  t: Translate,
  answers: Readonly<Record<string, Answer>> = {},
): string {
  if (answer.status === 'declined') return t({ key: 'common:summary.declined' });
  const question = questionAt(flow, questionId);
  const option = (q: string, id: string, other?: string) =>
    id === 'other'
      ? t({ key: 'common:option.other_named', params: { text: neutralizeBidi(other ?? '') } })
      : t({ key: `${flow.id}:${q}.options.${id}` });
  const value = answer.value;
  switch (question.type) {
    case 'language':
      return t({ key: 'common:language.option', params: { code: value as string } });
    case 'consent':
      return t({ key: value === 'yes' ? 'common:consent.yes' : 'common:consent.no' });
    case 'yesno':
      return t({ key: value === 'yes' ? 'common:answer.yes' : 'common:answer.no' });
    case 'single': {
      const v = value as SingleValue;
      return option(question.id, v.option, v.other);
    }
    case 'multi': {
      const v = value as MultiValue;
      return v.options.map((o) => option(question.id, o, v.other)).join('; ');
    }
    case 'ranking': {
      const v = value as RankingValue;
      const source = question.itemsFrom ?? question.id;
      const from = answers[source];
      const other = from?.status === 'answered' ? (from.value as MultiValue).other : undefined;
      const ranked = v.order.map((id, i) => `${i + 1}. ${option(source, id, other)}`).join('  ');
      const na = v.na.map((id) => option(source, id, other)).join(', ');
      return na ? `${ranked}  (${t({ key: 'common:summary.ranking_na', params: { items: na } })})` : ranked;
    }
    case 'amount': {
      const v = value as AmountValue;
      if ('dontKnow' in v) return t({ key: 'common:summary.dont_know' });
      return `${new Intl.NumberFormat(t.lng, { maximumFractionDigits: 2 }).format(v.amount)} ${v.currency}`;
    }
    case 'country':
      return t({ key: 'common:country.option', params: { code: value as string } });
    case 'contact': {
      const v = value as ContactValue;
      return v.agreed === 'yes'
        ? t({ key: 'common:summary.contact_yes', params: { name: v.name } })
        : t({ key: 'common:summary.contact_no' });
    }
    default:
      // Typed text is echoed without direction overrides, which could reorder the text around it.
      return shorten(neutralizeBidi(String(value)), 300);
  }
}

export function shorten(text: string, max: number): string {
  const chars = [...text];
  return chars.length <= max ? text : chars.slice(0, max - 1).join('') + '…';
}
