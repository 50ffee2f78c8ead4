/** What a respondent did, already parsed from the platform's event by a channel adapter. */
export type Input = (
  | { type: 'start' }
  | { type: 'choose'; option: string }
  | { type: 'choices'; options: string[] }
  | { type: 'order'; order: string[]; na?: string[] }
  | { type: 'na'; item: string }
  | { type: 'undo' }
  | { type: 'done' }
  | { type: 'text'; text: string }
  | { type: 'decline' }
  | { type: 'back' }
  | { type: 'language'; locale: string }
) & {
  /**
   * Set by buttons: the question and session version the button was made for. A press on an
   * older button carries an older version and is refused without touching the session.
   */
  bound?: { question: string; version: number };
};

export type InputType = Input['type'];

/** Why an input was refused; each code has a translated message `common:refusal.<code>`. */
export type RefusalCode =
  | 'stale'
  | 'finished'
  | 'not_accepted'
  | 'unknown_choice'
  | 'empty'
  | 'too_long'
  | 'too_short'
  | 'invalid_characters'
  | 'nothing_selected'
  | 'exclusive'
  | 'duplicate_choice'
  | 'incomplete_ranking'
  | 'not_declinable'
  | 'no_back'
  | 'unknown_language'
  | 'country_unknown'
  | 'amount_invalid'
  | 'amount_ambiguous'
  | 'amount_negative'
  | 'amount_too_large'
  | 'amount_two_currencies'
  | 'currency_unknown'
  | 'email_invalid'
  | 'busy'
  | 'required'
  | 'constraint'
  | 'integer_invalid'
  | 'decimal_invalid'
  | 'date_invalid';
