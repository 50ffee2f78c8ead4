/**
 * Runs the updates of one chat one after another, in arrival order, while different chats run
 * side by side. Across processes the session's compare-and-set keeps turns apart; this keeps a
 * fast typist's messages in order within one process.
 */
export class ChatQueue {
  private readonly tails = new Map<number, Promise<void>>();

  run(chat: number, work: () => Promise<void>): Promise<void> {
    const previous = this.tails.get(chat) ?? Promise.resolve();
    const current = previous.then(work, work);
    const tail = current.catch(() => undefined);
    this.tails.set(chat, tail);
    void tail.then(() => {
      if (this.tails.get(chat) === tail) this.tails.delete(chat);
    });
    return current;
  }
}
