/**
 * A store that holds something about respondents, found by their pseudonym: what `/my_data`
 * shows and what `/delete_my_data` erases. Stores beyond the built-in ones (responses, contacts,
 * address book, codings) plug in by being given to the conversation service as `holders`; each
 * names itself, and `common:privacy.holder.<name>` is its label in the bot's messages.
 */
export interface PersonalDataHolder {
  /** A short id (`addresses`, `conversations`...): its key in `/my_data`'s JSON and erasure counts. */
  readonly name: string;
  /** Everything it keeps about the respondent, as plain records (opened, when sealed). */
  dataOf(respondent: string): Promise<unknown[]>;
  /** Removes all of it; how many records went. */
  deleteByRespondent(respondent: string): Promise<number>;
}

/** What an erasure removed: the built-in stores by name, the others in `more`. */
export interface Erased {
  session: boolean;
  responses: number;
  contacts: number;
  addresses: number;
  /** Every other holder's count, in the order given (shown when above zero). */
  more: { name: string; count: number }[];
}

export const nothingErased = (e: Erased): boolean =>
  !e.session &&
  e.responses === 0 &&
  e.contacts === 0 &&
  e.addresses === 0 &&
  e.more.every((m) => m.count === 0);

/** Everything kept about one respondent, as `/my_data` gives it back. */
export interface PersonalData {
  respondent: string;
  channel: string;
  /** The survey in progress, if any: its flow, language, answers so far. */
  session: { flowId: string; flowVersion: number; locale: string; answers: Record<string, unknown> } | null;
  responses: unknown[];
  contacts: unknown[];
  addresses: unknown[];
  /** Every other holder's records, by its name. */
  more: Record<string, unknown[]>;
}
