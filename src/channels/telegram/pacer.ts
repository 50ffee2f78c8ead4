import { setTimeout as sleep } from 'node:timers/promises';

export interface PacerOptions {
  /** Calls in any one second, all chats together (Telegram allows about 30 for bulk messages). */
  perSecond?: number;
  /** Least time between the end of one call to a chat and the start of the next (ms). */
  perChatMs?: number;
  /** Added to every wait, so a timer firing a millisecond early never lets a call through early. */
  marginMs?: number;
  clock?: () => number;
}

/** One chat's place in line: its calls go out through `call`, one at a time, spaced per chat. */
export interface ChatTurn {
  call<T>(send: () => Promise<T>): Promise<T>;
  /** The chat's next turn may begin (its first call still waits out the spacing). */
  release(): void;
}

const WINDOW_MS = 1000;

/**
 * Paces messages nobody asked for (reminders, invitations, live prompts) within Telegram's
 * limits as Telegram sees them: at most `perSecond` calls in any window of one second, and one
 * call to a chat per `perChatMs`. Each call holds a slot from the moment it is sent until one
 * second after its answer came back, and a chat's next call starts no sooner than `perChatMs`
 * after its previous one ended: Telegram takes a call in between, so however long the network
 * takes, no window of Telegram's clock holds more. Waiting callers are served in order, a chat
 * that must wait never holds up the others, and a 429 pauses every call (`pause`).
 */
export class SendPacer {
  private readonly perSecond: number;
  private readonly perChatMs: number;
  private readonly margin: number;
  private readonly clock: () => number;
  private inUse = 0;
  private readonly waiting: (() => void)[] = [];
  private head = 0;
  /** Per chat: when its last call ended, and the turn queued last (resolves when released). */
  private readonly chats = new Map<number, { lastEnd: number; tail: Promise<void> }>();
  private pausedUntil = 0;

  constructor(options: PacerOptions = {}) {
    this.perSecond = options.perSecond ?? 30;
    this.perChatMs = options.perChatMs ?? 1000;
    this.margin = options.marginMs ?? 10;
    this.clock = options.clock ?? Date.now;
    if (!(this.perSecond >= 1)) throw new Error('perSecond must be at least 1');
  }

  /** Waits for the chat's turn: earlier turns of this chat end first. */
  async chat(chat: number): Promise<ChatTurn> {
    const state = this.chats.get(chat) ?? { lastEnd: 0, tail: Promise.resolve() };
    const before = state.tail;
    let release!: () => void;
    const mine = new Promise<void>((resolve) => (release = resolve));
    state.tail = mine;
    this.chats.set(chat, state);
    await before;
    let released = false;
    return {
      call: async <T>(send: () => Promise<T>) => {
        const wait = state.lastEnd + this.perChatMs + this.margin - this.clock();
        if (state.lastEnd > 0 && wait > 0) await sleep(wait);
        await this.slot();
        try {
          return await send();
        } finally {
          state.lastEnd = this.clock();
          setTimeout(() => this.free(), WINDOW_MS + this.margin).unref();
        }
      },
      release: () => {
        if (released) return;
        released = true;
        release();
        // Forgotten once nobody queued after it and its spacing has passed.
        setTimeout(() => {
          if (this.chats.get(chat) === state && state.tail === mine) this.chats.delete(chat);
        }, this.perChatMs + this.margin).unref();
      },
    };
  }

  /** Telegram asked to wait (429): no call goes out before `ms` from now. */
  pause(ms: number): void {
    this.pausedUntil = Math.max(this.pausedUntil, this.clock() + ms + this.margin);
  }

  /** Chats with a call waiting, under way or spaced out now (for tests). */
  get chatsHeld(): number {
    return this.chats.size;
  }

  /** Takes one of the second's slots, in order of asking, then waits out any pause. */
  private async slot(): Promise<void> {
    if (this.inUse < this.perSecond && this.head === this.waiting.length) this.inUse++;
    else await new Promise<void>((resolve) => this.waiting.push(resolve));
    for (let wait = this.pausedUntil - this.clock(); wait > 0; wait = this.pausedUntil - this.clock())
      await sleep(wait);
  }

  /** A slot comes free: the longest waiting caller takes it over. */
  private free(): void {
    if (this.head < this.waiting.length) {
      const next = this.waiting[this.head]!;
      this.waiting[this.head++] = undefined as never;
      if (this.head > 1024 && this.head * 2 > this.waiting.length) {
        this.waiting.splice(0, this.head);
        this.head = 0;
      }
      next();
    } else this.inUse--;
  }
}
