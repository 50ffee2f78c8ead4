import type { Redis } from 'ioredis';
import type { Logger } from '../../log.ts';
import type { PromptMessage, PromptMessageStore } from './prompt-messages.ts';

/**
 * The chats' question-message pointers in Redis, shared by all replicas: whichever replica takes
 * a respondent's next update edits the right message, as one process would. A pointer lives as
 * long as a session. Redis failing here costs only the tidying of a keyboard, so errors are
 * logged and the turn goes on (its session write has already succeeded or failed on its own).
 */
export class RedisPromptMessages implements PromptMessageStore {
  constructor(
    private readonly redis: Redis,
    private readonly options: { prefix: string; ttlMs: number; log: Logger },
  ) {}

  withLog(log: Logger): PromptMessageStore {
    return new RedisPromptMessages(this.redis, { ...this.options, log });
  }

  private key(chat: number): string {
    return `${this.options.prefix}telegram:prompt:${chat}`;
  }

  async get(chat: number): Promise<PromptMessage | undefined> {
    try {
      const value = await this.redis.get(this.key(chat));
      return value === null ? undefined : parse(value);
    } catch (error) {
      this.options.log.warn({ err: error }, 'question message pointer not read');
      return undefined;
    }
  }

  async set(chat: number, shown: PromptMessage): Promise<void> {
    const value = `${shown.message}:${shown.version}:${shown.question}`;
    await this.redis
      .set(this.key(chat), value, 'PX', this.options.ttlMs)
      .catch((error: unknown) => this.options.log.warn({ err: error }, 'question message pointer not saved'));
  }

  async forget(chat: number): Promise<void> {
    await this.redis
      .del(this.key(chat))
      .catch((error: unknown) =>
        this.options.log.warn({ err: error }, 'question message pointer not removed'),
      );
  }
}

function parse(value: string): PromptMessage | undefined {
  const match = /^(\d+):(\d+):(.+)$/.exec(value);
  return match ? { message: Number(match[1]), version: Number(match[2]), question: match[3]! } : undefined;
}
