import { BoundedMap } from '../../bounded-map.ts';
import type { Logger } from '../../log.ts';

/** The message showing a chat's current question, and the question and session version it shows. */
export interface PromptMessage {
  message: number;
  question: string;
  version: number;
}

/**
 * Where each chat's current question is, so that a typed answer can mark that message answered
 * and take its keyboard away. Display only: the pointer is used for a typed answer only when it
 * shows the very question and version the answer was applied to, so a stale or missing pointer
 * (a restart, another replica's turn) leaves an old keyboard in place, never edits the wrong
 * message; a press on such a keyboard is refused as stale by the engine anyway.
 */
export interface PromptMessageStore {
  get(chat: number): Promise<PromptMessage | undefined>;
  set(chat: number, shown: PromptMessage): Promise<void>;
  forget(chat: number): Promise<void>;
  /** The same pointers, logging any failure to `log` (one update's logger). */
  withLog(log: Logger): PromptMessageStore;
}

/** The pointers of one process, bounded; replicas share theirs in Redis (RedisPromptMessages). */
export class PromptMessages implements PromptMessageStore {
  private readonly messages: BoundedMap<number, PromptMessage>;

  constructor(capacity = 100_000) {
    this.messages = new BoundedMap(capacity);
  }

  async get(chat: number): Promise<PromptMessage | undefined> {
    return this.messages.get(chat);
  }

  async set(chat: number, shown: PromptMessage): Promise<void> {
    this.messages.set(chat, shown);
  }

  async forget(chat: number): Promise<void> {
    this.messages.delete(chat);
  }

  /** Nothing here fails, so nothing is logged. */
  withLog(): PromptMessageStore {
    return this;
  }
}
