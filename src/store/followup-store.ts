import { auditId } from './audit-log.ts';

/**
 * Follow-up interviews: who holds which respondent (a claim), the conversations held with them
 * through the bot, every message of each (the transcript) and the interviewer's private notes.
 * All of it is personal data of the respondent: erased with their data.
 */

/** One interviewer holds one respondent: nobody else may invite or talk to them meanwhile. */
export interface Claim {
  respondent: string;
  /** The staff member id of the interviewer. */
  interviewer: string;
  at: Date;
}

export type ClaimOutcome = { ok: true; claim: Claim } | { ok: false; holder: Claim };

export interface ClaimStore {
  /**
   * Takes the respondent for the interviewer, atomically across processes: of two claims at the
   * same moment exactly one wins; the other gets the winner's claim. Claiming again what one
   * already holds succeeds.
   */
  claim(respondent: string, interviewer: string, at: Date): Promise<ClaimOutcome>;
  get(respondent: string): Promise<Claim | null>;
  byInterviewer(interviewer: string): Promise<Claim[]>;
  /** Lets go of a claim the interviewer holds; false when they do not hold it. */
  release(respondent: string, interviewer: string): Promise<boolean>;
  /** An admin gives the respondent to another interviewer, whoever held them. */
  reassign(respondent: string, interviewer: string, at: Date): Promise<Claim>;
  deleteByRespondent(respondent: string): Promise<number>;
  close(): Promise<void>;
}

/**
 * `invited`: the respondent was asked and has not answered; `open`: accepted, messages flow;
 * `postponed` (not now) and `declined` (no): nothing reaches them; `closed`: ended by either
 * side; `unreachable`: the platform refused delivery for good (blocked, gone).
 */
export const CONVERSATION_STATUSES = [
  'invited',
  'open',
  'postponed',
  'declined',
  'closed',
  'unreachable',
] as const;
export type ConversationStatus = (typeof CONVERSATION_STATUSES)[number];

/** Where the interviewer's side of a conversation lives: a forum topic or a private thread. */
export interface StaffThread {
  channel: 'telegram' | 'discord';
  /** The Telegram supergroup or the Discord staff channel. */
  chat: string;
  /** The forum topic's message_thread_id, or the Discord thread's channel id. */
  thread: string;
}

/** The hashes of an e-mailed invitation's three one-time links, and when they stop working (ms). */
export interface MailLinks {
  accept: string;
  later: string;
  no: string;
  expires: number;
}

export interface Conversation {
  id: string;
  respondent: string;
  /** The respondent's channel, where they are written to (their address there). */
  channel: string;
  flowId: string;
  /** The response it follows up. */
  response: string;
  /** The staff member id of the interviewer. */
  interviewer: string;
  status: ConversationStatus;
  staffThread?: StaffThread;
  createdAt: Date;
  updatedAt: Date;
  /** Who ended it, when it is over: the respondent, the interviewer, or the platform. */
  endedBy?: 'respondent' | 'interviewer' | 'platform';
  /** How the invitation went out: in the respondent's chat (the default), or by e-mail. */
  invitedBy?: 'chat' | 'email';
  /** An e-mailed invitation's links, while it may be answered. */
  mailLinks?: MailLinks;
}

export type Side = 'respondent' | 'interviewer';

/** One line of a transcript, as relayed. */
export interface TranscriptMessage {
  /** Sorts by time, then by order of appending in one process. */
  id: string;
  conversation: string;
  respondent: string;
  at: Date;
  side: Side;
  /** `respondent`, or the interviewer's staff member id. */
  author: string;
  text: string;
}

/** What the interviewer writes for themselves: never relayed. */
export interface Note {
  id: string;
  conversation: string;
  respondent: string;
  at: Date;
  author: string;
  text: string;
}

/** What a conditional update checks: the record is still the one that was read. */
export type ConversationVersion = Pick<Conversation, 'status' | 'updatedAt'>;

export interface ConversationStore {
  create(conversation: Conversation): Promise<void>;
  get(id: string): Promise<Conversation | null>;
  /**
   * Replaces the record; false when there is none with that id, or, given `expected`, when the
   * stored one no longer has that status and update time (someone else changed it meanwhile).
   */
  update(conversation: Conversation, expected?: ConversationVersion): Promise<boolean>;
  /** The respondent's conversations, oldest first. */
  byRespondent(respondent: string): Promise<Conversation[]>;
  /** The conversation a staff forum topic or thread belongs to. */
  byStaffThread(thread: StaffThread): Promise<Conversation | null>;
  /** Every conversation of a flow (a campaign's export), oldest first. */
  byFlow(flowId: string): Promise<Conversation[]>;
  append(message: TranscriptMessage): Promise<void>;
  /** A conversation's messages in order. */
  transcript(conversation: string): Promise<TranscriptMessage[]>;
  addNote(note: Note): Promise<void>;
  notes(conversation: string): Promise<Note[]>;
  /** Erases the respondent's conversations, transcripts and notes; returns how many records went. */
  deleteByRespondent(respondent: string): Promise<number>;
  close(): Promise<void>;
}

/** The two kinds of lines a conversation has: what was relayed, and the interviewer's notes. */
export type LineKind = 'transcript' | 'notes';

/**
 * The stored lines as they are (sealed, when sealing is on), for re-sealing them with another
 * key: walked in batches by id, each rewritten on its own.
 */
export interface ConversationLines {
  /** Lines of the kind whose id sorts after `after` ('' for the first), in id order, at most `limit`. */
  lines(kind: LineKind, after: string, limit: number): Promise<Note[]>;
  /**
   * Replaces a line's text when it still reads `expected`: false when it was erased or changed
   * meanwhile, so a rotation running beside an erasure never brings a line back.
   */
  replaceText(kind: LineKind, id: string, expected: string, text: string): Promise<boolean>;
  /** Once lines were replaced: no copy of a replaced text stays on disk (the embedded files append). */
  compact(): Promise<void>;
}

/** A transcript line's or note's id: time-ordered, like the audit log's. */
export const messageId = (at: Date): string => auditId(at);

/** Conversations in which the bot may still write to the respondent. */
export const isLive = (c: Pick<Conversation, 'status'>): boolean =>
  c.status === 'invited' || c.status === 'open';

export const sameThread = (a: StaffThread, b: StaffThread): boolean =>
  a.channel === b.channel && a.chat === b.chat && a.thread === b.thread;

/** Order of a transcript: by time, then id. */
export const byTime = (a: { at: Date; id: string }, b: { at: Date; id: string }): number =>
  a.at.getTime() - b.at.getTime() || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
