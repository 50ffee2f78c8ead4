import { BoundedMap } from '../../bounded-map.ts';
import type { Logger } from '../../log.ts';

/**
 * The message showing a chat's current question: the question, the session and its version it
 * was made for. Once the session ended, a pointer to no message (0) keeps the version it ended
 * at, so a late copy of one of its questions is known to be older.
 */
export interface PromptMessage {
  /** The message's id; 0 when the session ended and no question is live. */
  message: number;
  question: string;
  version: number;
  /** The session's id: versions are compared within one session. */
  session: string;
  /** When the session started (ms): between two sessions, the later one is the current one. */
  started: number;
  /** The update whose turn showed it: a redelivered update up to this one is an old one. */
  update?: number;
}

/** What pointing a chat at a message did: whether it took, and what the chat pointed at before. */
export interface Pointed {
  /** False when the chat already points at something later: the new message is already outdated. */
  accepted: boolean;
  previous: PromptMessage | undefined;
}

/**
 * Where each chat's current question is, so there is one live question message per chat: a
 * message is made live first and pointed at second, and whoever points the chat elsewhere takes
 * the keyboard off the message it pointed at (or off its own, when a later one is pointed at
 * already). The swap is atomic, so every pointer is replaced exactly once, whatever replicas and
 * redelivered updates do at the same time.
 */
export interface PromptMessageStore {
  get(chat: number): Promise<PromptMessage | undefined>;
  /**
   * The pointer if it points at that question and version: the one this process pointed the chat
   * at itself, when it is that one (no round trip: the usual typed answer), else `get`. Another
   * replica may since have sent a copy of the same version (after /start): then the older copy
   * shows the answer, and the copy loses its keyboard when the next question is pointed at.
   */
  showing(chat: number, question: string, version: number): Promise<PromptMessage | undefined>;
  /**
   * Points the chat at `shown`, unless the pointer held `keeps` its place; `resent` when the
   * question was sent again on purpose (it then replaces a copy of the same version).
   */
  show(chat: number, shown: PromptMessage, resent?: boolean): Promise<Pointed>;
  /** Forgets the chat's pointer; returns it. */
  forget(chat: number): Promise<PromptMessage | undefined>;
  /** The same pointers, logging any failure to `log` (one update's logger). */
  withLog(log: Logger): PromptMessageStore;
}

/**
 * Whether the pointer `held` stays rather than be replaced by `shown`: it is a later version of
 * the same session, the same version on another message (copies of one question: the first one
 * pointed at stays live, unless `shown` is a copy sent on purpose, as after /start), or a later
 * session.
 */
export function keeps(held: PromptMessage, shown: PromptMessage, resent = false): boolean {
  if (held.session !== shown.session) return held.started > shown.started;
  if (held.version !== shown.version) return held.version > shown.version;
  return held.message !== shown.message && !resent;
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

  showing(chat: number): Promise<PromptMessage | undefined> {
    return this.get(chat);
  }

  async show(chat: number, shown: PromptMessage, resent = false): Promise<Pointed> {
    const previous = this.messages.get(chat);
    if (previous && keeps(previous, shown, resent)) return { accepted: false, previous };
    this.messages.set(chat, shown);
    return { accepted: true, previous };
  }

  async forget(chat: number): Promise<PromptMessage | undefined> {
    const previous = this.messages.get(chat);
    this.messages.delete(chat);
    return previous;
  }

  /** Nothing here fails, so nothing is logged. */
  withLog(): PromptMessageStore {
    return this;
  }
}
