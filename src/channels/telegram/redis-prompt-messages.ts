import type { RedisClient } from '../../store/redis-connection.ts';
import { BoundedMap } from '../../bounded-map.ts';
import type { Logger } from '../../log.ts';
import type { Keyring } from '../../privacy/keyring.ts';
import type { Pointed, PromptMessage, PromptMessageStore } from './prompt-messages.ts';

/**
 * A pointer is stored as `message:version:started:update:session:question` (update may be empty;
 * session ids and question ids hold no colon), short and read without a JSON parser.
 *
 * KEYS: pointer. ARGV: the new pointer, its time to live (ms), session, started, version,
 * message, '1' when resent. Sets it unless the pointer held keeps its place (see `keeps`);
 * returns {1 or 0, the pointer held}. A value that is not ours reads as none, so it is replaced.
 */
const SHOW = `
local held = redis.call('GET', KEYS[1])
if held then
  local message, version, started, _, session = string.match(held, '^(%d+):(%d+):(%d+):(%d*):([^:]*):')
  if message then
    local keeps
    if session == ARGV[3] then
      local shown = tonumber(ARGV[5])
      version = tonumber(version)
      keeps = version > shown or (version == shown and tonumber(message) ~= tonumber(ARGV[6]) and ARGV[7] ~= '1')
    else
      keeps = tonumber(started) > tonumber(ARGV[4])
    end
    if keeps then return {0, held} end
  end
end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
return {1, held or ''}`;

/** Chats whose last pointer one process remembers; the least recently used go first past this. */
const SEEN = 10_000;

const FORMAT = /^(\d+):(\d+):(\d+):(\d*):([^:]*):(.*)$/;

function format(p: PromptMessage): string {
  return `${p.message}:${p.version}:${p.started}:${p.update ?? ''}:${p.session}:${p.question}`;
}

interface Scripts {
  promptShow(key: string, ...args: (string | number)[]): Promise<[number, string]>;
}

/**
 * The chats' question-message pointers in Redis, shared by all replicas: whichever replica takes
 * a respondent's next update edits the right message, as one process would, and the swap is
 * atomic across them. A pointer lives as long as a session. Redis failing here costs only the
 * tidying of a keyboard, so errors are logged and the turn goes on (its session write has
 * already succeeded or failed on its own).
 */
export class RedisPromptMessages implements PromptMessageStore {
  private readonly redis: RedisClient & Scripts;

  constructor(
    redis: RedisClient,
    private readonly options: {
      prefix: string;
      ttlMs: number;
      log: Logger;
      /** Names each pointer by a keyed hash of its chat id, so no chat id appears in a Redis key. */
      keyring?: Keyring;
    },
    /** The pointers this process last read or set, by chat (shared by every `withLog` copy). */
    private readonly seen = new BoundedMap<number, PromptMessage>(SEEN),
  ) {
    if (!('promptShow' in redis)) redis.defineCommand('promptShow', { numberOfKeys: 1, lua: SHOW });
    this.redis = redis as RedisClient & Scripts;
  }

  withLog(log: Logger): PromptMessageStore {
    return new RedisPromptMessages(this.redis, { ...this.options, log }, this.seen);
  }

  private note(chat: number, pointer: PromptMessage | undefined): PromptMessage | undefined {
    if (pointer) this.seen.set(chat, pointer);
    else this.seen.delete(chat);
    return pointer;
  }

  async showing(chat: number, question: string, version: number): Promise<PromptMessage | undefined> {
    const seen = this.seen.get(chat);
    if (seen && seen.message !== 0 && seen.question === question && seen.version === version) return seen;
    return this.get(chat);
  }

  private key(chat: number): string {
    const keyring = this.options.keyring;
    return `${this.options.prefix}telegram:prompt:${keyring ? keyring.hash(String(chat), 'telegram.chat') : chat}`;
  }

  async get(chat: number): Promise<PromptMessage | undefined> {
    try {
      return this.note(chat, parse(await this.redis.get(this.key(chat))));
    } catch (error) {
      this.options.log.warn({ err: error }, 'question message pointer not read');
      return undefined;
    }
  }

  async show(chat: number, shown: PromptMessage, resent = false): Promise<Pointed> {
    try {
      const [accepted, held] = await this.redis.promptShow(
        this.key(chat),
        format(shown),
        this.options.ttlMs,
        shown.session,
        shown.started,
        shown.version,
        shown.message,
        resent ? '1' : '0',
      );
      const previous = parse(held);
      this.note(chat, accepted === 1 ? shown : previous);
      return { accepted: accepted === 1, previous };
    } catch (error) {
      // Shown without a pointer: the next turn cannot tidy this message, the engine still refuses it.
      this.options.log.warn({ err: error }, 'question message pointer not saved');
      return { accepted: true, previous: undefined };
    }
  }

  async forget(chat: number): Promise<PromptMessage | undefined> {
    try {
      this.seen.delete(chat);
      return parse(await this.redis.getdel(this.key(chat)));
    } catch (error) {
      this.options.log.warn({ err: error }, 'question message pointer not removed');
      return undefined;
    }
  }
}

function parse(value: string | null): PromptMessage | undefined {
  const match = value ? FORMAT.exec(value) : null;
  if (!match) return undefined;
  const [, message, version, started, update, session, question] = match as unknown as string[];
  return {
    message: Number(message),
    question: question!,
    version: Number(version),
    session: session!,
    started: Number(started),
    ...(update ? { update: Number(update) } : {}),
  };
}
