import type { Input } from '../../engine/input.ts';
import { decodeComponentId, isOptionValue } from './custom-id.ts';

/** What a press on one of our components asks for. */
export type ComponentRequest =
  | { kind: 'input'; input: Input }
  | { kind: 'take'; invitation?: string }
  | { kind: 'erase'; issuedAt: number }
  | { kind: 'keep' }
  | { kind: 'answers' | 'change' | 'forget' }
  | { kind: 'again'; confirm: boolean }
  /** Not a component we made, or values that cannot be ours: refused, nothing changes. */
  | { kind: 'invalid' };

const invalid: ComponentRequest = { kind: 'invalid' };

/**
 * A button press or select submission as an engine input (bound to the question and version
 * the component was made for) or a control request. `values` are a select's chosen values.
 */
export function componentRequest(customId: string, values: readonly string[] = []): ComponentRequest {
  const id = decodeComponentId(customId);
  if (!id) return invalid;
  if (id.kind !== 'answer') return id;
  const bound = { question: id.question, version: id.version };
  const picked = values.filter(isOptionValue);
  if (picked.length !== values.length) return invalid;
  const one = picked.length === 1 ? picked[0]! : null;
  const input = (i: Input): ComponentRequest => ({ kind: 'input', input: { ...i, bound } });
  switch (id.action) {
    case 'choose':
      return values.length === 0 ? input({ type: 'choose', option: id.option! }) : invalid;
    case 'select':
    case 'rank':
      return one ? input({ type: 'choose', option: one }) : invalid;
    case 'na':
      return one ? input({ type: 'na', item: one }) : invalid;
    case 'multi':
      return picked.length > 0 ? input({ type: 'choices', options: picked }) : invalid;
    case 'undo':
      return values.length === 0 ? input({ type: 'undo' }) : invalid;
    case 'back':
      return values.length === 0 ? input({ type: 'back' }) : invalid;
    case 'decline':
      return values.length === 0 ? input({ type: 'decline' }) : invalid;
  }
}

/**
 * A message typed in the DM with the bot. Typed answers are read by the engine itself (text,
 * amounts, countries, or choice numbers such as "2" and "1,3"), so the text is passed as is.
 */
export function messageInput(content: string): Input {
  return { type: 'text', text: content };
}

/** The `/survey` subcommands and the coordinators' `/survey-button`, by their default names. */
export const SURVEY_COMMAND = 'survey';
export const POST_COMMAND = 'survey-button';
export const SUBCOMMANDS = {
  start: 'start',
  resume: 'resume',
  language: 'language',
  progress: 'progress',
  delete: 'delete-my-data',
  myData: 'my-data',
  stop: 'stop',
} as const;

export type SurveyCommand =
  | { kind: 'start'; code?: string }
  | { kind: 'resume' }
  | { kind: 'language'; locale: string }
  | { kind: 'progress' }
  | { kind: 'erase' }
  | { kind: 'my_data' }
  | { kind: 'stop' }
  | { kind: 'post'; code?: string };

/** The plain data of a slash command, as discord.js reads it from the interaction. */
export interface CommandData {
  name: string;
  subcommand: string | null;
  options: Readonly<Record<string, string | undefined>>;
}

/** A slash command as a request; null for one we do not know (an old registration, say). */
export function commandRequest(data: CommandData): SurveyCommand | null {
  const code = data.options.code?.trim() || undefined;
  if (data.name === POST_COMMAND) return code ? { kind: 'post', code } : { kind: 'post' };
  if (data.name !== SURVEY_COMMAND) return null;
  switch (data.subcommand) {
    case SUBCOMMANDS.start:
      return code ? { kind: 'start', code } : { kind: 'start' };
    case SUBCOMMANDS.resume:
      return { kind: 'resume' };
    case SUBCOMMANDS.language: {
      const locale = data.options.language?.trim().toLowerCase();
      return locale ? { kind: 'language', locale } : null;
    }
    case SUBCOMMANDS.progress:
      return { kind: 'progress' };
    case SUBCOMMANDS.delete:
      return { kind: 'erase' };
    case SUBCOMMANDS.myData:
      return { kind: 'my_data' };
    case SUBCOMMANDS.stop:
      return { kind: 'stop' };
    default:
      return null;
  }
}

/** `/staff` and its subcommands, by their names (the same in every locale). */
export const STAFF_COMMAND = 'staff';
export const STAFF_SUBCOMMANDS = {
  join: 'join',
  whoami: 'whoami',
  invite: 'invite',
  dashboard: 'dashboard',
} as const;

/** A command as the router takes it: its name as typed in a chat, and the rest of the line. */
export interface TypedCommand {
  name: string;
  args: string;
}

/**
 * `/staff <subcommand>` as the chat command it stands for (`/staff join code:x` is `/staff x`,
 * `/staff invite role:coordinator name:Amina` is `/staff_invite coordinator Amina`); null for
 * one we do not know.
 */
export function staffRequest(data: CommandData): TypedCommand | null {
  if (data.name !== STAFF_COMMAND) return null;
  const option = (name: string) => data.options[name]?.trim() ?? '';
  switch (data.subcommand) {
    case STAFF_SUBCOMMANDS.join:
      return { name: 'staff', args: option('code') };
    case STAFF_SUBCOMMANDS.whoami:
      return { name: 'whoami', args: '' };
    case STAFF_SUBCOMMANDS.invite:
      return { name: 'staff_invite', args: `${option('role')} ${option('name')}`.trim() };
    case STAFF_SUBCOMMANDS.dashboard:
      return { name: 'dashboard', args: '' };
    default:
      return null;
  }
}

/**
 * A DM that reads as a command: a slash, a name of letters, digits and _ (as Telegram's), then
 * a space or the end ("/whoami", "/staff_invite coordinator Amina"). Anything else is an answer;
 * "/usr/lib" or "/ unsure" are not commands.
 */
export function typedCommand(content: string): TypedCommand | null {
  const match = /^\/([A-Za-z][A-Za-z0-9_]{0,31})(?:\s+([\s\S]*))?$/.exec(content.trim());
  return match ? { name: match[1]!.toLowerCase(), args: (match[2] ?? '').trim() } : null;
}
