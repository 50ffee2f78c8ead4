import type { StaffSpace } from '../../interviews/interviews.ts';
import type { SendOutcome } from '../../outbound/outbound.ts';
import type { StaffThread } from '../../store/followup-store.ts';
import type { TelegramOutbox } from './outbox.ts';
import { outcomeOf } from './sender.ts';

/** Telegram's limit on a forum topic's name. */
const TOPIC_NAME_MAX = 128;

/**
 * The interviewers' side of follow-up conversations on Telegram: a forum supergroup
 * (INTERVIEW_TELEGRAM_GROUP) with one topic per conversation, created by the bot (it needs the
 * "Manage topics" right). Messages go through the paced outbox, as every message nobody asked for.
 */
export class TelegramStaffSpace implements StaffSpace {
  constructor(
    private readonly outbox: TelegramOutbox,
    private readonly group: number,
  ) {}

  async open(title: string): Promise<StaffThread | null> {
    const topic = await this.outbox.call<{ message_thread_id: number }>(
      'createForumTopic',
      { chat_id: this.group, name: [...title].slice(0, TOPIC_NAME_MAX).join('') },
      this.group,
    );
    if (!topic) return null;
    return { channel: 'telegram', chat: String(this.group), thread: String(topic.message_thread_id) };
  }

  async post(thread: StaffThread, text: string): Promise<SendOutcome> {
    return outcomeOf(
      await this.outbox.deliver(Number(thread.chat), { text, message_thread_id: Number(thread.thread) }),
    );
  }
}
