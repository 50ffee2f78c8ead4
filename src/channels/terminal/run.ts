import { writeFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { holdsAnything, myDataJson, myDataLines } from '../../privacy/render.ts';
import { neutralizeBidi } from '../../safe-text.ts';
import type { ConversationService, TurnResult } from '../../conversation/service.ts';
import type { Translator } from '../../i18n/translator.ts';
import type { ResponseStore } from '../../store/response-store.ts';
import { parseLine } from './parse.ts';
import { renderErased, renderPrompt } from './render.ts';

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
  /** Where /my_data writes its JSON file; unset, the JSON is printed after the summary. */
  myDataFile?: string;
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
  const lines = createInterface({ input: opts.input, terminal: false });
  // The iterator is taken at once: it buffers the lines piped in while the first turn is under
  // way (readline drops lines emitted before anyone listens).
  const pending = lines[Symbol.asyncIterator]();
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
    write('\n' + renderPrompt(result.flow, prompt, t));
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

  const printStored = async (id: string) => {
    const stored = await opts.responses.get(id);
    if (stored) {
      write(translator.translatorFor(locale)({ key: 'terminal:stored' }));
      write(JSON.stringify(stored, null, 2));
    }
    return stored?.id ?? null;
  };

  /** /my_data: a summary, and every record as JSON in a file (owner only) or printed. */
  const showMyData = async (t: ReturnType<Translator['translatorFor']>) => {
    const data = await service.dataOf('terminal', opts.user);
    if (!holdsAnything(data)) {
      write(t({ key: 'common:privacy.my_data.nothing' }));
      return;
    }
    write(t({ key: 'common:privacy.my_data.intro' }));
    for (const item of myDataLines(data, t)) write(`  - ${neutralizeBidi(item)}`);
    if (opts.myDataFile) {
      writeFileSync(opts.myDataFile, myDataJson(data), { mode: 0o600 });
      write(t({ key: 'common:privacy.my_data.saved', params: { path: opts.myDataFile } }));
    } else write(myDataJson(data));
  };

  let result = await turn({ type: 'start' });
  let finished = show(result);
  // Finished before this run (one respondent, one response): the stored response is shown, and
  // only commands are taken (/delete_my_data, /lang, /help, /quit); answers start nothing.
  const before = result.completed?.response;
  let toldComplete = Boolean(before);
  if (before) {
    await printStored(before);
    finished = false;
  }
  // After /delete_my_data, the next line confirms it (the localized "yes", or "yes") or keeps the data.
  let confirmingErase = false;
  let erased = false;
  for await (const line of { [Symbol.asyncIterator]: () => pending }) {
    if (finished) break;
    if (echo) write(`> ${line}`);
    const t = translator.translatorFor(locale);
    if (confirmingErase) {
      confirmingErase = false;
      const answer = line.trim().toLocaleLowerCase(locale);
      if (answer === 'yes' || answer === t({ key: 'terminal:delete.yes' }).toLocaleLowerCase(locale)) {
        write(renderErased(await service.erase('terminal', opts.user), t));
        write(t({ key: 'terminal:delete.ended' }));
        erased = true;
        break;
      }
      write(t({ key: 'terminal:delete.cancelled' }));
      if (result.prompt?.kind === 'question') write('\n' + renderPrompt(result.flow, result.prompt, t));
      continue;
    }
    const parsed = parseLine(line, result.prompt);
    if (before && !('command' in parsed)) {
      if (parsed.type === 'language' && service.flow.languages.includes(parsed.locale)) {
        locale = parsed.locale;
        write(translator.translatorFor(locale)({ key: 'common:language.changed' }));
      } else if (!toldComplete) write(t({ key: 'common:end.already' }));
      // Said once: piped input of a whole interview would otherwise repeat it on every line.
      toldComplete = true;
      continue;
    }
    if ('command' in parsed) {
      if (parsed.command === 'quit') break;
      if (parsed.command === 'delete') {
        write(t({ key: 'terminal:delete.confirm' }));
        confirmingErase = true;
      } else if (parsed.command === 'my_data') await showMyData(t);
      else write(t({ key: 'terminal:help' }));
      continue;
    }
    result = await turn(parsed);
    finished = show(result);
  }
  lines.close();
  const t = translator.translatorFor(locale);
  if (erased) return null;
  if (before) return before;
  if (result.prompt?.kind !== 'completed' || !result.session) {
    if (result.prompt?.kind !== 'withdrawn') write(t({ key: 'terminal:unfinished' }));
    return null;
  }
  return printStored(result.session.id);
}
