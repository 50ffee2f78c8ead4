import type { Input } from '../../engine/input.ts';

/** Telegram refuses a button whose callback data is longer than this many bytes. */
export const MAX_CALLBACK_BYTES = 64;

/**
 * What a button of a question says, bound to the question and session version it was made for:
 * choose an option, confirm (done), mark not applicable, undo, decline, or go back.
 */
export type QuestionAction =
  | { action: 'choose'; option: string }
  | { action: 'na'; option: string }
  | { action: 'done' | 'undo' | 'decline' | 'back' };

/**
 * Buttons outside the survey's questions: confirmations and pickers of commands, and what a
 * finished respondent is offered (see, change or delete their answers).
 */
export type CommandAction =
  | { command: 'restart' | 'delete'; confirm: boolean }
  | { command: 'start_plain' }
  | { command: 'language'; locale: string }
  | { command: 'answers' | 'change' | 'erase' };

const QUESTION_CODES = { choose: 'c', na: 'n', done: 'd', undo: 'u', decline: 's', back: 'b' } as const;
const BY_CODE = Object.fromEntries(Object.entries(QUESTION_CODES).map(([k, v]) => [v, k])) as Record<
  string,
  QuestionAction['action']
>;

// Ids of the flow (a-z, 0-9, _), ISO codes (upper case) and a version: nothing else is ever read.
const QUESTION_DATA = /^(\d{1,9}):([a-z0-9][a-z0-9_]{0,39}):([cndusb])(?::([A-Za-z0-9_]{1,40}))?$/;
const COMMAND_DATA = /^!(restart|delete):(yes|no)$|^!(start)$|^!lang:([a-z]{2,3})$|^!(answers|change|erase)$/;

/** The callback data of a question's button: `<version>:<question>:<code>[:<option>]`. */
export function questionData(question: string, version: number, action: QuestionAction): string {
  const code = QUESTION_CODES[action.action];
  const data = `${version}:${question}:${code}${'option' in action ? `:${action.option}` : ''}`;
  if (Buffer.byteLength(data) > MAX_CALLBACK_BYTES || !QUESTION_DATA.test(data)) {
    // Flow ids are checked at load; this guards a flow whose ids would not fit a button.
    throw new RangeError(`callback data does not fit Telegram's limit: ${data}`);
  }
  return data;
}

export function commandData(action: CommandAction): string {
  switch (action.command) {
    case 'restart':
    case 'delete':
      return `!${action.command}:${action.confirm ? 'yes' : 'no'}`;
    case 'start_plain':
      return '!start';
    case 'language':
      return `!lang:${action.locale}`;
    default:
      return `!${action.command}`;
  }
}

/**
 * Reads callback data as untrusted input: anything not made by `questionData` or `commandData`
 * is null (the caller refuses it). A well-formed but forged option or version is refused later by
 * the engine (unknown choice, stale), like any other input.
 */
export function parseCallbackData(data: string | undefined): Input | CommandAction | null {
  if (data === undefined || Buffer.byteLength(data) > MAX_CALLBACK_BYTES) return null;
  const q = QUESTION_DATA.exec(data);
  if (q) {
    const [, version, question, code, option] = q as unknown as [
      string,
      string,
      string,
      string,
      string | undefined,
    ];
    const bound = { question, version: Number(version) };
    const action = BY_CODE[code]!;
    const needsOption = action === 'choose' || action === 'na';
    if (needsOption !== (option !== undefined)) return null;
    switch (action) {
      case 'choose':
        return { type: 'choose', option: option!, bound };
      case 'na':
        return { type: 'na', item: option!, bound };
      case 'decline':
        return { type: 'decline', bound };
      default:
        return { type: action, bound };
    }
  }
  const c = COMMAND_DATA.exec(data);
  if (!c) return null;
  if (c[1]) return { command: c[1] as 'restart' | 'delete', confirm: c[2] === 'yes' };
  if (c[3]) return { command: 'start_plain' };
  if (c[5]) return { command: c[5] as 'answers' | 'change' | 'erase' };
  return { command: 'language', locale: c[4]! };
}
