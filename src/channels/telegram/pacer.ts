import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Spaces out bulk messages (reminders, follow-ups): about one message per second to one chat, and
 * at most `perSecond` in any one second overall, as Telegram asks of bots. Each caller reserves
 * its slot synchronously, so concurrent senders queue up in order instead of bursting.
 */
export class SendPacer {
  private readonly nextAt = new Map<number, number>();
  /** Messages reserved per whole second (epoch ms / 1000). */
  private readonly perBucket = new Map<number, number>();

  constructor(
    private readonly perChatMs = 1000,
    /** Telegram allows about 30 messages per second in all. */
    private readonly perSecond = 25,
    private readonly clock: () => number = Date.now,
  ) {}

  /** Resolves when a message to `chat` may be sent. */
  async wait(chat: number): Promise<void> {
    const now = this.clock();
    let at = Math.max(now, this.nextAt.get(chat) ?? 0);
    while ((this.perBucket.get(Math.floor(at / 1000)) ?? 0) >= this.perSecond) {
      at = (Math.floor(at / 1000) + 1) * 1000;
    }
    const bucket = Math.floor(at / 1000);
    this.perBucket.set(bucket, (this.perBucket.get(bucket) ?? 0) + 1);
    this.nextAt.set(chat, at + this.perChatMs);
    this.forgetBefore(now);
    if (at > now) await sleep(at - now);
  }

  private forgetBefore(now: number): void {
    const current = Math.floor(now / 1000);
    for (const bucket of this.perBucket.keys()) if (bucket < current) this.perBucket.delete(bucket);
    if (this.nextAt.size > 10_000)
      for (const [chat, at] of this.nextAt) if (at <= now) this.nextAt.delete(chat);
  }
}
