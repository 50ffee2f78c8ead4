/**
 * Where to reach a respondent later (reminders, follow-up interviews): for each respondent
 * pseudonym and channel, the platform chat. Personal data: erased with the respondent's data,
 * never logged. Written when a session starts, so nothing else is needed to write to them.
 */
export interface Address {
  respondent: string;
  channel: string;
  /** The platform's chat id (Telegram chat, Discord user whose DM channel to open, terminal). */
  chat: string;
  /** The respondent's language when last seen. */
  locale: string;
  updatedAt: Date;
  /** Set when the platform refused delivery for good (blocked, chat gone, DMs closed). */
  unreachable?: { reason: string; at: Date };
}

export interface AddressBook {
  /** Inserts or replaces the address of this respondent on this channel (clearing `unreachable`). */
  put(address: Address): Promise<void>;
  get(respondent: string, channel: string): Promise<Address | null>;
  byRespondent(respondent: string): Promise<Address[]>;
  /** Every address, one at a time (re-sealing with a new key, retention). */
  list(): AsyncIterable<Address>;
  /** Records a lasting delivery failure against the address; false when there is none. */
  markUnreachable(respondent: string, channel: string, reason: string, at: Date): Promise<boolean>;
  deleteByRespondent(respondent: string): Promise<number>;
  close(): Promise<void>;
}

export const addressId = (respondent: string, channel: string) => `${channel}:${respondent}`;
