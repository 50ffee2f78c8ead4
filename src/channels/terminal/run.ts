import { createInterface } from 'node:readline';
import type { ConversationService, TurnResult } from '../../conversation/service.ts';
import type { Translator } from '../../i18n/translator.ts';
import type { ResponseStore } from '../../store/response-store.ts';
import { parseLine } from './parse.ts';
import { renderPrompt } from './render.ts';

export interface TerminalOptions {
  service: ConversationService;
  translator: Translator;
  responses: ResponseStore;
  input: NodeJS.ReadableStream;
  output: NodeJS.WritableStream;
  /** Who is answering: one session per user. */
  user: string;
  /** The system's language, such as "ru_RU.UTF-8". */
  locale?: string;
  /** Repeat each input line in the output; on by default for piped input, so transcripts read as a chat. */
  echo?: boolean;
}

/**
 * The survey as a terminal chat over streams. Works the same with a person typing and with
 * piped input (`printf '1\n1\n...' | npm start`): each line is one turn, handled in order.
 * Returns the id of the stored response, or null when the survey was not finished.
 */
export async function runTerminal(opts: TerminalOptions): Promise<string | null> {
  const { service, translator, output } = opts;
  const interactive = 'isTTY' in opts.input && Boolean(opts.input.isTTY);
  const echo = opts.echo ?? !interactive;
  const reader = createInterface({ input: opts.input, terminal: false });
  // Listen for lines at once: lines read while the first turn awaits a store would be lost (and
  // the end of a short piped input with them, leaving the chat waiting for ever).
  const iterator = reader[Symbol.asyncIterator]();
  const lines = { [Symbol.asyncIterator]: () => iterator };
  const write = (text: string) => output.write(text + '\n');
  let locale = service.flow.languages[0]!;

  const show = (result: TurnResult): boolean => {
    const lng = result.session?.locale ?? result.prompt?.locale ?? locale;
    locale = lng;
    const t = translator.translatorFor(lng);
    if (result.refusal) write(`! ${t(result.refusal.text)}`);
    for (const notice of result.notices) write(t(notice));
    if (result.events.some((e) => e.type === 'language')) write(t({ key: 'common:language.changed' }));
    const prompt = result.prompt;
    if (!prompt) return false;
    if (prompt.kind === 'withdrawn') write(t({ key: 'common:end.withdrawn' }));
    if (prompt.kind !== 'question') return true;
    write('\n' + renderPrompt(service.flow, prompt, t));
    if (interactive) output.write('> ');
    return false;
  };

  const turn = (input: Parameters<ConversationService['turn']>[0]['input']) =>
    service.turn({
      channel: 'terminal',
      user: opts.user,
      ...(opts.locale ? { locale: opts.locale } : {}),
      input,
    });

  let result = await turn({ type: 'start' });
  let finished = show(result);
  for await (const line of lines) {
    if (finished) break;
    if (echo) write(`> ${line}`);
    const parsed = parseLine(line);
    if ('command' in parsed) {
      if (parsed.command === 'quit') break;
      write(translator.translatorFor(locale)({ key: 'terminal:help' }));
      continue;
    }
    result = await turn(parsed);
    finished = show(result);
  }
  reader.close();
  const t = translator.translatorFor(locale);
  if (result.prompt?.kind !== 'completed' || !result.session) {
    if (result.prompt?.kind !== 'withdrawn') write(t({ key: 'terminal:unfinished' }));
    return null;
  }
  const stored = await opts.responses.get(result.session.id);
  if (stored) {
    write(t({ key: 'terminal:stored' }));
    write(JSON.stringify(stored, null, 2));
  }
  return stored?.id ?? null;
}
