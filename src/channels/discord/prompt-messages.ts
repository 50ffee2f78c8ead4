import { BoundedMap } from '../../bounded-map.ts';

/** Where a respondent's latest question message is, and what it asks. */
export interface PromptMessage {
  channelId: string;
  messageId: string;
  question: string;
  version: number;
}

/**
 * The latest question message per user, so that after a typed answer its components can be
 * disabled. Kept in memory, bounded: after a restart (or on another replica) an older message
 * simply keeps its components, and a press on them is refused as stale by the engine anyway.
 */
export class PromptMessages {
  private readonly byUser: BoundedMap<string, PromptMessage>;

  constructor(capacity = 10_000) {
    this.byUser = new BoundedMap(capacity);
  }

  remember(user: string, message: PromptMessage): void {
    this.byUser.set(user, message);
  }

  /** The message showing exactly this question and version, if we know it. */
  showing(user: string, question: string, version: number): PromptMessage | null {
    const known = this.byUser.get(user);
    return known && known.question === question && known.version === version ? known : null;
  }

  forget(user: string): void {
    this.byUser.delete(user);
  }
}
