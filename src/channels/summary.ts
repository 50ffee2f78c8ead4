import { questionAt, type Flow } from '../engine/flow.ts';
import { countryCode } from '../engine/country.ts';
import type { Prompt, Text } from '../engine/prompt.ts';
import type {
  AmountValue,
  Answer,
  ContactValue,
  MultiValue,
  RankingValue,
  SingleValue,
  Specified,
  TextValue,
} from '../engine/session.ts';
import type { Translate } from '../i18n/translator.ts';
import { neutralizeBidi } from '../safe-text.ts';

type QuestionPrompt = Extract<Prompt, { kind: 'question' }>;

/** The lines above a question's choices: progress, the question, an earlier answer and a hint. */
export function questionLines(flow: Flow, prompt: QuestionPrompt, t: Translate): string[] {
  const lines: string[] = [];
  if (prompt.progress) lines.push(t({ key: 'common:progress', params: { ...prompt.progress } }));
  if (prompt.heading) lines.push(`— ${t(prompt.heading)} —`);
  lines.push(t(prompt.text));
  if (prompt.help) lines.push(t(prompt.help));
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
      return t(optionLabel(flow, question.id, v.option, v.option === 'other' ? v : {}));
    }
    case 'multi': {
      const v = value as MultiValue;
      return v.options.map((o) => t(optionLabel(flow, question.id, o, o === 'other' ? v : {}))).join('; ');
    }
    case 'ranking': {
      const v = value as RankingValue;
      const source = question.itemsFrom ?? question.id;
      // Ranked choices of an earlier question carry that question's "other" text; an item of this
      // ranking that was specified carries its own.
      const from = answers[source];
      const specified: Specified = question.itemsFrom
        ? from?.status === 'answered'
          ? (from.value as MultiValue)
          : {}
        : v;
      const label = (id: string) =>
        t(optionLabel(flow, source, id, id === 'other' || question.specify.includes(id) ? specified : {}));
      const ranked = v.order.map((id, i) => `${i + 1}. ${label(id)}`).join('  ');
      const notes: string[] = [];
      if (v.na.length > 0)
        notes.push(t({ key: 'common:summary.ranking_na', params: { items: v.na.map(label).join(', ') } }));
      const items = question.items ?? [];
      const unranked = items.filter((id) => !v.order.includes(id) && !v.na.includes(id));
      if (unranked.length > 0)
        notes.push(
          t({ key: 'common:summary.ranking_unranked', params: { items: unranked.map(label).join(', ') } }),
        );
      return [ranked, ...notes.map((n) => `(${n})`)].join('  ');
    }
    case 'amount': {
      const v = value as AmountValue;
      if ('dontKnow' in v) return t({ key: 'common:summary.dont_know' });
      if ('noBudgetLine' in v) return t({ key: 'common:amount.no_budget_line' });
      return t({ key: 'common:amount.value', params: { value: v.amount, currency: v.currency } });
    }
    case 'country': {
      const code = countryCode(value);
      return code ? t({ key: 'common:country.option', params: { code } }) : '';
    }
    case 'contact': {
      const v = value as ContactValue;
      return v.agreed === 'yes'
        ? t({ key: 'common:summary.contact_yes', params: { name: v.name } })
        : t({ key: 'common:summary.contact_no' });
    }
    case 'text': {
      const v = value as TextValue;
      // Typed text is echoed without direction overrides, which could reorder the text around it.
      if (typeof v === 'string') return shorten(neutralizeBidi(v), 300);
      if ('option' in v) return t({ key: `${flow.ns}:${question.id}.options.${v.option}` });
      return shorten(neutralizeBidi(v.text), 300);
    }
    case 'note':
      return t({ key: 'common:note.continue' });
    case 'acknowledge':
      return t({ key: 'common:acknowledge.ok' });
    case 'integer':
    case 'decimal':
      return new Intl.NumberFormat(t.lng, { maximumFractionDigits: 20 }).format(value as number);
    default:
      // Typed text is echoed without direction overrides, which could reorder the text around it.
      return shorten(neutralizeBidi(String(value)), 300);
  }
}

/**
 * The label of a chosen option, with what specifies it when it is "other" (or a ranked item that
 * asks for it): the text the respondent gave, or a mark that they chose not to give it.
 */
function optionLabel(flow: Flow, questionId: string, id: string, specified: Specified): Text {
  const own: Text =
    id === 'other' ? { key: 'common:option.other_short' } : { key: `${flow.ns}:${questionId}.options.${id}` };
  if (specified.other !== undefined)
    return { key: 'common:option.named', params: { label: own, text: neutralizeBidi(specified.other) } };
  if (specified.otherDeclined) return { key: 'common:option.unspecified', params: { label: own } };
  return own;
}

export function shorten(text: string, max: number): string {
  const chars = [...text];
  return chars.length <= max ? text : chars.slice(0, max - 1).join('') + '…';
}
