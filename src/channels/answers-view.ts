import { META_TYPES, type Flow } from '../engine/flow.ts';
import type { Answer, ContactValue } from '../engine/session.ts';
import type { Translate } from '../i18n/translator.ts';
import { shorten, summarize } from './summary.ts';

/**
 * A respondent's own answers shown back to them ("see my answers"): one entry per question
 * answered, in the flow's order, the question shortened and the answer as a summary (typed text
 * without direction overrides). The set-up steps (language, consent) are left out.
 */
export function answerEntries(flow: Flow, answers: Readonly<Record<string, Answer>>, t: Translate): string[] {
  const entries: string[] = [];
  for (const q of flow.questions) {
    const answer = answers[q.id];
    if (!answer || META_TYPES.has(q.type)) continue;
    const question = shorten(t({ key: `${flow.ns}:${q.id}.text` }), 160);
    // A stored response keeps only "agreed" of the contact answer; the details live apart.
    const said =
      q.type === 'contact' && answer.status === 'answered'
        ? t({
            key: (answer.value as ContactValue).agreed === 'yes' ? 'common:answer.yes' : 'common:answer.no',
          })
        : summarize(flow, q.id, answer, t, answers);
    entries.push(`${entries.length + 1}. ${question}\n→ ${said}`);
  }
  return entries;
}

/** Entries packed into as few messages of at most `limit` characters as they fit in, in order. */
export function packEntries(heading: string, entries: readonly string[], limit: number): string[] {
  const messages: string[] = [];
  let current = heading;
  for (const entry of entries) {
    const piece = shorten(entry, limit);
    if (current.length + 2 + piece.length <= limit) current += `\n\n${piece}`;
    else {
      messages.push(current);
      current = piece;
    }
  }
  messages.push(current);
  return messages;
}
