import type { Flow } from '../engine/flow.ts';
import type { Translate } from '../i18n/translator.ts';
import { answerRows, type Part } from '../dashboard/responses/answer-view.ts';
import type { ResponseRecord } from '../store/response-store.ts';

/** Questions whose answers are a few words: enough to choose whom to interview. */
const SHORT = new Set(['yesno', 'single', 'multi', 'country', 'amount']);

const partText = (p: Part) => ('label' in p ? p.label : `“${p.quote}”`);

/**
 * A response's short answers in the reader's language, one line each ("question: answer"); open
 * answers are left to the guide and the dashboard, where they are shown whole.
 */
export function summaryLines(flow: Flow, response: ResponseRecord, t: Translate): string[] {
  const short = new Set(flow.questions.filter((q) => SHORT.has(q.type)).map((q) => q.id));
  return answerRows(flow, response, t)
    .filter((row) => short.has(row.question) && row.state !== 'not_asked')
    .map((row) => {
      const answer =
        row.state === 'declined'
          ? t({ key: 'interviews:summary.declined' })
          : row.parts.map(partText).join(' ');
      return `${row.label} — ${answer}`;
    });
}
