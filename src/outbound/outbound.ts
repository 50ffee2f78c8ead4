import type { Text } from '../engine/prompt.ts';
import type { Logger } from '../log.ts';
import type { AddressBook } from '../store/address-book.ts';

/** Where a message goes: a channel and the platform's chat there (Telegram chat, Discord user, terminal). */
export interface Address {
  channel: string;
  chat: string;
}

/** A button under a text message: its label, and the data the channel hands back when pressed. */
export interface OutboundButton {
  text: Text;
  /** At most 64 bytes (Telegram's callback data limit). */
  data: string;
}

/** What is sent: translated texts, or the respondent's current question with live buttons. */
export type OutboundMessage =
  | {
      kind: 'text';
      texts: readonly Text[];
      locale: string;
      /**
       * Someone's own words shown under the texts as they are (a relayed message), never run
       * through the translator; the caller keeps it within the platform's length.
       */
      body?: string;
      buttons?: readonly OutboundButton[];
    }
  /**
   * The question the respondent is at, as the chat shows it after an answer, so "continue where
   * you left off" is one tap; `intro` texts go above it. The respondent is the chat's user.
   */
  | { kind: 'prompt'; intro?: readonly Text[] };

/** How a send ended; a lasting failure is recorded against the address. */
export type SendOutcome =
  | { status: 'delivered' }
  /** The user blocked the bot (Telegram 403). */
  | { status: 'blocked' }
  /** No such chat, or the account is gone. */
  | { status: 'chat_not_found' }
  /** The user does not accept direct messages from the bot (Discord 50007). */
  | { status: 'dms_closed' }
  /** The platform asks to wait; nothing was sent. */
  | { status: 'rate_limited'; retryAfterMs: number }
  /** A live prompt for someone with no question to show (finished, erased, never started). */
  | { status: 'no_prompt' }
  /** No address is known for the respondent on that channel. */
  | { status: 'no_address' }
  | { status: 'failed'; reason: string };

export type Unreachable = Extract<
  SendOutcome,
  { status: 'blocked' | 'chat_not_found' | 'dms_closed' }
>['status'];

const LASTING: ReadonlySet<SendOutcome['status']> = new Set(['blocked', 'chat_not_found', 'dms_closed']);

/** One channel's way of sending a message nobody asked for, paced within the platform's limits. */
export interface ChannelSender {
  send(chat: string, message: OutboundMessage): Promise<SendOutcome>;
}

/**
 * The one way to send a message nobody asked for (invitations, reminders, relayed messages):
 * every channel behind one `send`, each pacing itself, every send ending in a typed outcome.
 * Features never borrow a turn's reply helpers for this.
 */
export class Outbound {
  private readonly senders = new Map<string, ChannelSender>();

  constructor(
    private readonly addresses: AddressBook,
    private readonly log: Logger,
    private readonly clock: () => number = Date.now,
  ) {}

  /** A channel that runs in this process takes its sends. */
  register(channel: string, sender: ChannelSender): () => void {
    this.senders.set(channel, sender);
    return () => {
      if (this.senders.get(channel) === sender) this.senders.delete(channel);
    };
  }

  channels(): string[] {
    return [...this.senders.keys()];
  }

  async send(address: Address, message: OutboundMessage): Promise<SendOutcome> {
    const sender = this.senders.get(address.channel);
    if (!sender) return { status: 'failed', reason: `channel ${address.channel} does not run here` };
    try {
      return await sender.send(address.chat, message);
    } catch (error) {
      this.log.error({ err: error, channel: address.channel }, 'outbound send failed');
      return { status: 'failed', reason: 'error' };
    }
  }

  /**
   * Sends to a respondent (by pseudonym) where the address book says they can be reached; a
   * lasting refusal (blocked, gone, DMs closed) is recorded on the address, so nobody tries again
   * blindly. Outcomes are logged by pseudonym and status only.
   */
  async sendTo(respondent: string, channel: string, message: OutboundMessage): Promise<SendOutcome> {
    const address = await this.addresses.get(respondent, channel);
    if (!address) return { status: 'no_address' };
    const outcome = await this.send({ channel, chat: address.chat }, message);
    if (LASTING.has(outcome.status)) {
      await this.addresses.markUnreachable(respondent, channel, outcome.status, new Date(this.clock()));
    }
    this.log.info({ respondent, channel, outcome: outcome.status }, 'outbound message');
    return outcome;
  }
}
