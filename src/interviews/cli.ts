import { writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import type { App } from '../app.ts';
import type { Conversation } from '../store/followup-store.ts';
import {
  TRANSCRIPT_FORMATS,
  transcriptsAsHtml,
  transcriptsAsJson,
  transcriptsAsText,
  type ConversationExport,
  type TranscriptFormat,
} from './export.ts';

export const TRANSCRIPTS_USAGE = `usage: npm run transcripts -- [--flow <id>] [--conversation <id>] [--format text|json|html] [--language xx] [--out <file>]
  every follow-up conversation of a flow (the default flow unless named), or one conversation,
  with every message (time, side, author) and the interviewers' notes; printed, or written to --out`;

/** `transcripts`: exports conversations; the export is audited (actor cli, count), as any export of personal data. */
export async function transcriptsCli(app: App, args: string[], out: (text: string) => void): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      flow: { type: 'string' },
      conversation: { type: 'string' },
      format: { type: 'string', default: 'text' },
      language: { type: 'string', default: 'en' },
      out: { type: 'string' },
    },
    strict: true,
  });
  const format = values.format as TranscriptFormat;
  if (!TRANSCRIPT_FORMATS.includes(format)) {
    out(TRANSCRIPTS_USAGE);
    return 2;
  }
  const store = app.stores.conversations;
  let conversations: Conversation[];
  if (values.conversation) {
    const one = await store.get(values.conversation);
    conversations = one ? [one] : [];
  } else conversations = await store.byFlow(values.flow ?? app.flow.id);
  const names = new Map<string, string>();
  const exports: ConversationExport[] = [];
  for (const conversation of conversations) {
    const [messages, notes] = await Promise.all([
      store.transcript(conversation.id),
      store.notes(conversation.id),
    ]);
    for (const id of [
      conversation.interviewer,
      ...messages.map((m) => m.author),
      ...notes.map((n) => n.author),
    ]) {
      if (id !== 'respondent' && !names.has(id)) names.set(id, (await app.directory.get(id))?.name ?? id);
    }
    exports.push({ conversation, messages, notes, names });
  }
  const t = app.translator.translatorFor(values.language ?? 'en');
  const text =
    format === 'json'
      ? transcriptsAsJson(exports)
      : format === 'html'
        ? transcriptsAsHtml(exports, t)
        : transcriptsAsText(exports, t);
  await app.stores.audit.append({
    at: new Date(),
    actor: 'cli',
    action: 'transcript.export',
    target: values.conversation ?? values.flow ?? app.flow.id,
    outcome: 'ok',
    details: { format, conversations: exports.length },
  });
  if (values.out) {
    await writeFile(values.out, text);
    out(`wrote ${exports.length} conversation(s) to ${values.out}`);
  } else out(text);
  return 0;
}
