import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Spaces out bulk messages (reminders, follow-ups): about one message per second to one chat and
 * a bounded rate overall, as Telegram asks of bots. Each caller reserves its slot synchronously,
 * so concurrent senders queue up in order instead of bursting.
 */
export class SendPacer {
  private readonly nextAt = new Map<number, number>();
  private overallNext = 0;

  constructor(
    private readonly perChatMs = 1000,
    /** Telegram allows about 30 messages per second in all; 35 ms keeps below it. */
    private readonly overallMs = 35,
    private readonly clock: () => number = Date.now,
  ) {}

  /** Resolves when a message to `chat` may be sent. */
  async wait(chat: number): Promise<void> {
    const now = this.clock();
    const at = Math.max(now, this.nextAt.get(chat) ?? 0, this.overallNext);
    this.nextAt.set(chat, at + this.perChatMs);
    this.overallNext = at + this.overallMs;
    if (this.nextAt.size > 10_000) this.forgetBefore(now);
    if (at > now) await sleep(at - now);
  }

  private forgetBefore(now: number): void {
    for (const [chat, at] of this.nextAt) if (at <= now) this.nextAt.delete(chat);
  }
}
