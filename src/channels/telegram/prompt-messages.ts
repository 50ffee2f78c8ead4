/**
 * The message holding each chat's current question, so that a typed answer can mark it answered
 * and take its keyboard away. Kept in memory and bounded: after a restart the old message simply
 * keeps its buttons, which the engine then refuses as stale.
 */
export class PromptMessages {
  private readonly messages = new Map<number, number>();

  constructor(private readonly capacity = 100_000) {}

  get(chat: number): number | undefined {
    return this.messages.get(chat);
  }

  set(chat: number, messageId: number): void {
    this.messages.delete(chat);
    this.messages.set(chat, messageId);
    if (this.messages.size > this.capacity) this.messages.delete(this.messages.keys().next().value!);
  }

  forget(chat: number): void {
    this.messages.delete(chat);
  }
}
