import assert from 'node:assert/strict';
import type { InlineKeyboardButton } from 'telegraf/types';
import type { ApiCall, StoredMessage, TelegramApiStandIn } from '../support/telegram-api.ts';
import { TelegramUser } from '../support/telegram-api.ts';

export type Button = { text: string; data: string };

/** What a respondent does on one question: press a button, or type. */
export type Step = { choose: string } | { na: string } | { type: string } | 'done' | 'undo' | 'skip' | 'back';

/**
 * A Telegram user in a private chat with the bot, seen through the stand-in: they read the
 * chat's messages and press the buttons the bot put there, as a person would. Each action
 * resolves when the bot has handled it, with the API calls the bot made meanwhile.
 */
export class Respondent {
  readonly user: TelegramUser;

  constructor(
    readonly api: TelegramApiStandIn,
    readonly id: number,
    languageCode?: string,
  ) {
    this.user = new TelegramUser(api, id, languageCode);
  }

  get messages(): StoredMessage[] {
    return this.api.chat(this.id).filter((m) => !m.deleted);
  }

  get last(): StoredMessage {
    const last = this.messages.at(-1);
    assert.ok(last, 'the bot has sent nothing');
    return last;
  }

  /** A message of this chat as it stands now. */
  message(id: number): StoredMessage {
    const found = this.api.message(this.id, id);
    assert.ok(found, `no message ${id}`);
    return found;
  }

  /** The current question: the newest message whose buttons belong to a question. */
  get question(): StoredMessage {
    const found = this.messages.findLast(isQuestion);
    assert.ok(found, 'no question message with buttons');
    return found;
  }

  async deliver(update: Parameters<TelegramApiStandIn['deliver']>[0]): Promise<ApiCall[]> {
    const from = this.api.calls.length;
    await this.api.deliver(update);
    return this.api.calls.slice(from).filter((c) => c.method !== 'getUpdates');
  }

  send(text: string): Promise<ApiCall[]> {
    return this.deliver(this.user.text(text));
  }

  press(data: string, messageId = this.question.message_id): Promise<ApiCall[]> {
    return this.deliver(this.user.press(messageId, data));
  }

  /** The button of the current question for an action ('c' choose, 'n' N/A, 'd' done...). */
  button(code: string, option?: string, message = this.question): Button {
    const pattern = new RegExp(`^\\d+:\\w+:${code}${option === undefined ? '' : `:${option}`}$`);
    const found = buttonsOf(message).find((b) => pattern.test(b.data));
    assert.ok(found, `no button ${code}${option ? `:${option}` : ''} on: ${message.text.slice(0, 80)}`);
    return found;
  }

  async step(step: Step): Promise<ApiCall[]> {
    if (typeof step === 'object' && 'type' in step) return this.send(step.type);
    if (typeof step === 'object' && 'choose' in step) return this.press(this.button('c', step.choose).data);
    if (typeof step === 'object' && 'na' in step) return this.press(this.button('n', step.na).data);
    const code = { done: 'd', undo: 'u', skip: 's', back: 'b' }[step];
    return this.press(this.button(code).data);
  }

  /**
   * Takes the survey: each question's steps come from `plan` (by question id), in the order the
   * bot asks, until the newest message is no longer a question. A refused press fails at once; a
   * refused typed answer ends the loop, and the caller's check of the last message shows it.
   */
  async takeSurvey(plan: Record<string, Step[]>): Promise<string[]> {
    const asked: string[] = [];
    while (isQuestion(this.last)) {
      const id = questionIdOf(this.last)!;
      const steps = plan[id];
      assert.ok(steps, `the bot asked ${id}, which the plan does not answer`);
      assert.ok(asked.length < 40, 'the survey does not end');
      asked.push(id);
      for (const step of steps) {
        const calls = await this.step(step);
        const refused = calls.find((c) => c.method === 'answerCallbackQuery' && c.body.text);
        assert.ok(!refused, `${id}: ${JSON.stringify(step)} was refused: ${refused?.body.text}`);
      }
    }
    return asked;
  }
}

export function isQuestion(message: StoredMessage): boolean {
  return questionIdOf(message) !== null;
}

/** The question a message asks, read from its buttons' callback data. */
export function questionIdOf(message: StoredMessage): string | null {
  for (const b of buttonsOf(message)) {
    const match = /^\d+:(\w+):/.exec(b.data);
    if (match) return match[1]!;
  }
  return null;
}

export function buttonsOf(message: StoredMessage): Button[] {
  return (message.reply_markup?.inline_keyboard ?? [])
    .flat()
    .filter((b): b is InlineKeyboardButton.CallbackButton => 'callback_data' in b)
    .map((b) => ({ text: b.text, data: b.callback_data }));
}
