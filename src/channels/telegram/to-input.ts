import type { InlineKeyboardMarkup, Update } from 'telegraf/types';
import type { Input } from '../../engine/input.ts';
import { parseCallbackData, type CommandAction } from './callback-data.ts';
import { COMMANDS, type CommandName } from './commands.ts';

/** Who an update comes from, and where to answer. */
export interface Origin {
  chat: number;
  user: number;
  /** Telegram's `language_code` of the user, such as "ru" or "pt-br". */
  locale?: string;
  /** The user's first (and last) name as Telegram shows it: the name of a joining staff member. */
  name?: string;
  /** The update's id, so that an update Telegram delivers again is applied once (set by the channel). */
  update?: number;
}

/** A button press: its id must be answered, and the message it sits on can be edited. */
export interface Press {
  id: string;
  message?: number;
}

/** An update, read into what the respondent meant; the adapter's only view of Telegram's input. */
export type TelegramEvent =
  | { kind: 'input'; origin: Origin; input: Input; press?: Press }
  | { kind: 'command'; origin: Origin; command: CommandName; arg?: string }
  /** A command the survey does not know: a staff command, or an unknown one (the router decides). */
  | { kind: 'other_command'; origin: Origin; name: string; arg: string }
  | { kind: 'action'; origin: Origin; action: CommandAction; press: Press }
  | {
      kind: 'invalid';
      origin: Origin;
      reason: 'malformed' | 'unsupported' | 'unknown_command';
      press?: Press;
    }
  /** Something addressed to the bot in a group: the survey is private, so it points there. */
  | { kind: 'group'; origin: Origin; press?: Press }
  /** The user blocked the bot. */
  | { kind: 'blocked'; origin: Origin }
  /** A press on a follow-up invitation's button (Accept / Not now / No). */
  | { kind: 'followup_button'; origin: Origin; data: string; press: Press }
  /**
   * A message in a topic of the interviewers' forum (INTERVIEW_TELEGRAM_GROUP): the staff side of
   * a follow-up conversation. `text` is absent for what is not text (a photo, a sticker).
   */
  | { kind: 'staff_thread'; origin: Origin; thread: number; text?: string }
  | { kind: 'ignore' };

/**
 * Reads one update. Pure: no network, no session. Commands count only with a `bot_command`
 * entity at the start (as Telegram marks them), optionally addressed to this bot by @username.
 */
export function toInput(update: Update, botUsername: string, staffGroup?: number): TelegramEvent {
  if ('callback_query' in update) {
    const query = update.callback_query;
    const chat = query.message?.chat;
    if (!chat || query.from.is_bot) return { kind: 'ignore' };
    const origin = originOf(chat.id, query.from);
    const press: Press = { id: query.id, ...(query.message ? { message: query.message.message_id } : {}) };
    if (chat.type !== 'private') return { kind: 'group', origin, press };
    const data = 'data' in query ? query.data : undefined;
    if (data?.startsWith(FOLLOWUP_PREFIX)) return { kind: 'followup_button', origin, data, press };
    const parsed = parseCallbackData(data);
    if (!parsed) return { kind: 'invalid', origin, reason: 'malformed', press };
    if ('command' in parsed) {
      // A command button acts on the message it sits on (deletes or edits it), so it counts only
      // when Telegram shows that message carrying it: forged on a question, it is refused.
      if (!carries(query.message, data!)) return { kind: 'invalid', origin, reason: 'malformed', press };
      return { kind: 'action', origin, action: parsed, press };
    }
    return { kind: 'input', origin, input: parsed, press };
  }
  if ('my_chat_member' in update) {
    const member = update.my_chat_member;
    if (member.chat.type !== 'private' || member.new_chat_member.status !== 'kicked')
      return { kind: 'ignore' };
    return { kind: 'blocked', origin: originOf(member.chat.id, member.from) };
  }
  if (!('message' in update)) return { kind: 'ignore' };
  const message = update.message;
  if (!message.from || message.from.is_bot) return { kind: 'ignore' };
  const origin = originOf(message.chat.id, message.from);
  const isPrivate = message.chat.type === 'private';
  const thread = (message as { message_thread_id?: unknown }).message_thread_id;
  if (staffGroup !== undefined && message.chat.id === staffGroup) {
    // Only topics hold conversations; the forum's General chat is the staff's own.
    if (typeof thread !== 'number' || !(message as { is_topic_message?: boolean }).is_topic_message)
      return { kind: 'ignore' };
    return { kind: 'staff_thread', origin, thread, ...('text' in message ? { text: message.text } : {}) };
  }
  if (!('text' in message))
    return isPrivate ? { kind: 'invalid', origin, reason: 'unsupported' } : { kind: 'ignore' };

  const command = readCommand(message.text, message.entities, botUsername);
  if (!isPrivate) {
    const mentioned = message.text.toLowerCase().includes(`@${botUsername.toLowerCase()}`);
    return command === 'other_bot' || (!command && !mentioned)
      ? { kind: 'ignore' }
      : { kind: 'group', origin };
  }
  if (command === 'other_bot') return { kind: 'ignore' };
  if (!command) return { kind: 'input', origin, input: { type: 'text', text: message.text } };
  if (!COMMANDS.includes(command.name as CommandName))
    return { kind: 'other_command', origin, name: command.name, arg: command.arg };
  const arg = command.arg;
  return { kind: 'command', origin, command: command.name as CommandName, ...(arg ? { arg } : {}) };
}

/** Callback data of a follow-up invitation's buttons. */
const FOLLOWUP_PREFIX = '!fu:';

/** Whether the pressed message, as Telegram sends it with the press, has a button with this data. */
function carries(message: unknown, data: string): boolean {
  const markup = (message as { reply_markup?: InlineKeyboardMarkup } | undefined)?.reply_markup;
  return (markup?.inline_keyboard ?? []).some((row) =>
    row.some((button) => 'callback_data' in button && button.callback_data === data),
  );
}

function originOf(
  chat: number,
  from: { id: number; language_code?: string; first_name?: string; last_name?: string },
): Origin {
  const name = [from.first_name, from.last_name].filter(Boolean).join(' ').slice(0, 100);
  return {
    chat,
    user: from.id,
    ...(from.language_code ? { locale: from.language_code } : {}),
    ...(name ? { name } : {}),
  };
}

/** "/start abc", "/skip@survey_bot": the command's name and argument, or 'other_bot'. */
function readCommand(
  text: string,
  entities: readonly { type: string; offset: number; length: number }[] | undefined,
  botUsername: string,
): { name: string; arg: string } | 'other_bot' | null {
  const entity = entities?.find((e) => e.type === 'bot_command' && e.offset === 0);
  if (!entity) return null;
  const [name = '', addressee] = text.slice(1, entity.length).split('@');
  if (addressee && addressee.toLowerCase() !== botUsername.toLowerCase()) return 'other_bot';
  return { name: name.toLowerCase(), arg: text.slice(entity.length).trim() };
}

/** The event with its update's id on the origin: the turn it causes is then applied at most once. */
export function withUpdateId(event: TelegramEvent, update: number): TelegramEvent {
  return event.kind === 'ignore' ? event : { ...event, origin: { ...event.origin, update } };
}
