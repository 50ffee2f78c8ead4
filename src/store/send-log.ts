/**
 * Every invitation and reminder a campaign sent or tried to send, by idempotency key. A send is
 * claimed (`begin`) before anything leaves and settled (`finish`) after: a send found claimed but
 * not settled after a crash is left as it is, never sent again (at most once). Rows about a
 * respondent are personal data (who was reminded when): erased with the respondent.
 */
export type SendStatus = 'sending' | 'sent' | 'refused' | 'failed';

export interface SendRecord {
  /** The idempotency key: `invite:<campaign>:<token>`, `remind:<campaign>:<respondent>:<n>`. */
  key: string;
  campaign: string;
  /** `followup`: an interviewer's invitation e-mailed to a respondent (key `followup:<conversation>`). */
  kind: 'invitation' | 'reminder' | 'followup';
  channel: string;
  /** The invitee's personal token (e-mail sends). */
  invitee?: string;
  /** The respondent's pseudonym (chat reminders). */
  respondent?: string;
  status: SendStatus;
  /** Why it was refused or failed (an SMTP reply code, an outcome), never message content. */
  detail?: string;
  startedAt: Date;
  finishedAt?: Date;
}

export interface SendLog {
  /** Claims the key; false when it was claimed before (then nothing may be sent for it). */
  begin(record: Omit<SendRecord, 'status' | 'finishedAt'>): Promise<boolean>;
  finish(key: string, status: Exclude<SendStatus, 'sending'>, at: Date, detail?: string): Promise<void>;
  get(key: string): Promise<SendRecord | null>;
  /** One campaign's records, streamed. */
  scan(campaign: string): AsyncIterable<SendRecord>;
  deleteByRespondent(respondent: string): Promise<number>;
  close(): Promise<void>;
}
