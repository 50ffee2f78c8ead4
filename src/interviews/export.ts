import type { Translate } from '../i18n/translator.ts';
import { neutralizeBidi, escapeHtml } from '../safe-text.ts';
import type { Conversation, Note, TranscriptMessage } from '../store/followup-store.ts';

/** One conversation as exported: its record, every message in order, the interviewer's notes. */
export interface ConversationExport {
  conversation: Conversation;
  messages: TranscriptMessage[];
  notes: Note[];
  /** Staff names by staff member id (authors of messages and notes). */
  names: ReadonlyMap<string, string>;
}

export const TRANSCRIPT_FORMATS = ['text', 'json', 'html'] as const;
export type TranscriptFormat = (typeof TRANSCRIPT_FORMATS)[number];

const say = (key: string, params?: Record<string, string | number>) => ({
  key: `interviews:export.${key}`,
  ...(params ? { params } : {}),
});

/** Who wrote a line, as staff read it: the interviewer's name, or "Respondent". */
function authorOf(e: ConversationExport, author: string, side: string, t: Translate): string {
  return side === 'respondent' ? t(say('respondent')) : (e.names.get(author) ?? author);
}

const time = (at: Date) => at.toISOString().replace('T', ' ').slice(0, 19);

/**
 * Conversations as plain text: a heading per conversation, then `time  author: text`, then the
 * notes. Respondents' words are kept as written, direction overrides removed.
 */
export function transcriptsAsText(list: readonly ConversationExport[], t: Translate): string {
  const out: string[] = [];
  for (const e of list) {
    const c = e.conversation;
    out.push(
      t(
        say('heading', {
          id: c.id,
          respondent: c.respondent.slice(0, 8),
          interviewer: e.names.get(c.interviewer) ?? c.interviewer,
          status: c.status,
          started: time(c.createdAt),
        }),
      ),
    );
    for (const m of e.messages)
      out.push(`${time(m.at)}  ${authorOf(e, m.author, m.side, t)}: ${neutralizeBidi(m.text)}`);
    if (e.notes.length) {
      out.push(t(say('notes')));
      for (const n of e.notes)
        out.push(`${time(n.at)}  ${e.names.get(n.author) ?? n.author}: ${neutralizeBidi(n.text)}`);
    }
    out.push('');
  }
  return out.join('\n');
}

/** Conversations as JSON: the records as stored (dates in ISO form), names alongside. */
export function transcriptsAsJson(list: readonly ConversationExport[]): string {
  return JSON.stringify(
    list.map((e) => ({
      ...e.conversation,
      interviewerName: e.names.get(e.conversation.interviewer) ?? null,
      messages: e.messages.map(({ respondent: _r, conversation: _c, ...m }) => ({
        ...m,
        text: neutralizeBidi(m.text),
      })),
      notes: e.notes.map(({ respondent: _r, conversation: _c, ...n }) => ({
        ...n,
        text: neutralizeBidi(n.text),
      })),
    })),
    null,
    2,
  );
}

/**
 * Conversations as one printable page: each conversation on its own printed page, each message
 * with its time, side and author; everyone's words escaped and isolated (`<bdi>`), so Arabic and
 * Latin lines keep their own direction.
 */
export function transcriptsAsHtml(list: readonly ConversationExport[], t: Translate): string {
  const dir = ['ar', 'he', 'fa', 'ur'].includes(t.lng) ? 'rtl' : 'ltr';
  const sections = list.map((e) => {
    const c = e.conversation;
    const rows = e.messages
      .map(
        (m) =>
          `<tr class="${m.side}"><td>${time(m.at)}</td><td>${escapeHtml(authorOf(e, m.author, m.side, t))}</td><td><bdi>${escapeHtml(neutralizeBidi(m.text)).replace(/\n/g, '<br>')}</bdi></td></tr>`,
      )
      .join('\n');
    const notes = e.notes.length
      ? `<h3>${escapeHtml(t(say('notes')))}</h3><ul>${e.notes
          .map((n) => `<li>${time(n.at)} — <bdi>${escapeHtml(neutralizeBidi(n.text))}</bdi></li>`)
          .join('')}</ul>`
      : '';
    const heading = t(
      say('heading', {
        id: c.id,
        respondent: c.respondent.slice(0, 8),
        interviewer: e.names.get(c.interviewer) ?? c.interviewer,
        status: c.status,
        started: time(c.createdAt),
      }),
    );
    return `<section><h2>${escapeHtml(heading)}</h2><table>\n${rows}\n</table>${notes}</section>`;
  });
  return `<!doctype html>
<html lang="${escapeHtml(t.lng)}" dir="${dir}"><head><meta charset="utf-8"><title>${escapeHtml(t(say('title')))}</title>
<style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse;width:100%}td{border-top:1px solid #ccc;padding:.3em;vertical-align:top}tr.interviewer td{background:#f4f4f4}td:first-child{white-space:nowrap;width:11em}section{page-break-after:always}@media print{body{margin:0}}</style>
</head><body><h1>${escapeHtml(t(say('title')))}</h1>
${sections.join('\n')}
</body></html>
`;
}
