import { z } from 'zod';
import type { Update } from 'telegraf/types';

/**
 * The shape of the updates the bot reads, as the Bot API documents them: every field that
 * telegraf or `toInput` reads has the type Telegram sends, and the fields Telegram always sends are
 * there. Other fields pass unchecked (Telegram adds fields over time). Telegram sends nothing that
 * fails this, so an update that does comes from a broken or hostile client and is refused before
 * any parser sees it.
 */
const id = z.number().int().min(-Number.MAX_SAFE_INTEGER).max(Number.MAX_SAFE_INTEGER);
const positive = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);

const User = z.looseObject({
  id,
  is_bot: z.boolean(),
  first_name: z.string(),
  language_code: z.string().max(35).optional(),
});

const Chat = z.looseObject({ id, type: z.string() });

const Entity = z.looseObject({ type: z.string(), offset: positive, length: positive });

const Message = z.looseObject({
  message_id: positive,
  date: positive,
  chat: Chat,
  from: User.optional(),
  text: z.string().optional(),
  entities: z.array(Entity).optional(),
});

const Button = z.looseObject({ text: z.string(), callback_data: z.string().optional() });

/** A pressed button's message; an old one may come as "inaccessible" (date 0, nothing else). */
const PressedMessage = z.looseObject({
  message_id: positive,
  date: positive,
  chat: Chat,
  reply_markup: z.looseObject({ inline_keyboard: z.array(z.array(Button)) }).optional(),
});

const CallbackQuery = z.looseObject({
  id: z.string(),
  from: User,
  chat_instance: z.string(),
  message: PressedMessage.optional(),
  data: z.string().optional(),
});

const Member = z.looseObject({ status: z.string(), user: User });

const ChatMemberUpdated = z.looseObject({
  chat: Chat,
  from: User,
  date: positive,
  old_chat_member: Member,
  new_chat_member: Member,
});

const KINDS = ['message', 'callback_query', 'my_chat_member'] as const;

const UpdateShape = z
  .looseObject({
    update_id: positive,
    message: Message.optional(),
    callback_query: CallbackQuery.optional(),
    my_chat_member: ChatMemberUpdated.optional(),
  })
  // An update is one event: Telegram never sends two kinds in one.
  .refine((u) => KINDS.filter((k) => k in u).length <= 1, { message: 'more than one kind of update' });

/** An update that can be read, or why not: the path of the first field in the way, never its value. */
export type CheckedUpdate = { ok: true; update: Update } | { ok: false; id: number | null; field: string };

export function checkUpdate(raw: unknown): CheckedUpdate {
  const parsed = UpdateShape.safeParse(raw);
  // The original object goes on (the schema checked it): telegraf keeps fields the schema does not list.
  if (parsed.success) return { ok: true, update: raw as Update };
  const issue = parsed.error.issues[0];
  const field = issue && issue.path.length > 0 ? issue.path.join('.') : 'update';
  return { ok: false, id: updateIdOf(raw), field };
}

/** The update id of a body, if it has a usable one: Telegram's webhook needs it to be an update at all. */
export function updateIdOf(raw: unknown): number | null {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return null;
  const value = (raw as { update_id?: unknown }).update_id;
  return positive.safeParse(value).success ? (value as number) : null;
}
