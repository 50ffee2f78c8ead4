import { join } from 'node:path';
import {
  byTime,
  sameThread,
  type Claim,
  type ClaimOutcome,
  type ClaimStore,
  type Conversation,
  type ConversationLines,
  type ConversationStore,
  type LineKind,
  type Note,
  type StaffThread,
  type TranscriptMessage,
  type ConversationVersion,
} from './followup-store.ts';
import { JsonlFile, reviveDates } from './jsonl-file.ts';

type ClaimRow = Claim & { id: string };

const copy = <T>(value: T): T => structuredClone(value);

function stripId({ id, ...claim }: ClaimRow): Claim {
  return copy(claim);
}

/**
 * Claims in `<dataDir>/claims.jsonl`, one line per respondent (one process: the check and the
 * write happen with no await between them, so two claims cannot both win).
 */
export class FileClaimStore implements ClaimStore {
  private readonly file: JsonlFile<ClaimRow>;

  constructor(dataDir: string) {
    this.file = new JsonlFile(join(dataDir, 'claims.jsonl'), (raw) => reviveDates(raw, ['at']));
  }

  async claim(respondent: string, interviewer: string, at: Date): Promise<ClaimOutcome> {
    const held = this.file.get(respondent);
    if (held && held.interviewer !== interviewer) return { ok: false, holder: stripId(held) };
    if (held) return { ok: true, claim: stripId(held) };
    const row = { id: respondent, respondent, interviewer, at };
    await this.file.put(row);
    return { ok: true, claim: stripId(row) };
  }

  async get(respondent: string): Promise<Claim | null> {
    const row = this.file.get(respondent);
    return row ? stripId(row) : null;
  }

  async byInterviewer(interviewer: string): Promise<Claim[]> {
    return this.file
      .values()
      .filter((c) => c.interviewer === interviewer)
      .sort((a, b) => a.at.getTime() - b.at.getTime())
      .map(stripId);
  }

  async release(respondent: string, interviewer: string): Promise<boolean> {
    if (this.file.get(respondent)?.interviewer !== interviewer) return false;
    await this.file.delete([respondent]);
    return true;
  }

  async reassign(respondent: string, interviewer: string, at: Date): Promise<Claim> {
    const row = { id: respondent, respondent, interviewer, at };
    await this.file.put(row);
    return stripId(row);
  }

  async deleteByRespondent(respondent: string): Promise<number> {
    if (!this.file.get(respondent)) return 0;
    await this.file.delete([respondent]);
    return 1;
  }

  async close(): Promise<void> {
    await this.file.close();
  }
}

/** One process: the check and the put have no await between them, so nothing erased comes back. */
async function replaceText<T extends Note>(
  file: JsonlFile<T>,
  id: string,
  expected: string,
  text: string,
): Promise<boolean> {
  const line = file.get(id);
  if (!line || line.text !== expected) return false;
  await file.put({ ...copy(line), text });
  return true;
}

/** Conversations, transcripts and notes in `<dataDir>/conversations.jsonl`, `transcripts.jsonl`, `notes.jsonl`. */
export class FileConversationStore implements ConversationStore, ConversationLines {
  private readonly conversations: JsonlFile<Conversation>;
  private readonly messages: JsonlFile<TranscriptMessage>;
  private readonly noteFile: JsonlFile<Note>;

  constructor(dataDir: string) {
    this.conversations = new JsonlFile(join(dataDir, 'conversations.jsonl'), (raw) =>
      reviveDates(raw, ['createdAt', 'updatedAt']),
    );
    this.messages = new JsonlFile(join(dataDir, 'transcripts.jsonl'), (raw) => reviveDates(raw, ['at']));
    this.noteFile = new JsonlFile(join(dataDir, 'notes.jsonl'), (raw) => reviveDates(raw, ['at']));
  }

  async create(conversation: Conversation): Promise<void> {
    if (this.conversations.get(conversation.id)) throw new Error('conversation already exists');
    await this.conversations.put(copy(conversation));
  }

  async get(id: string): Promise<Conversation | null> {
    const found = this.conversations.get(id);
    return found ? copy(found) : null;
  }

  async update(conversation: Conversation, expected?: ConversationVersion): Promise<boolean> {
    const stored = this.conversations.get(conversation.id);
    if (!stored) return false;
    // Checked and put with no await between: one write wins, in this process.
    if (expected && !sameVersion(stored, expected)) return false;
    await this.conversations.put(copy(conversation));
    return true;
  }

  private select(keep: (c: Conversation) => boolean): Conversation[] {
    return this.conversations
      .values()
      .filter(keep)
      .sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime() || (a.id < b.id ? -1 : 1))
      .map(copy);
  }

  async byRespondent(respondent: string): Promise<Conversation[]> {
    return this.select((c) => c.respondent === respondent);
  }

  async byStaffThread(thread: StaffThread): Promise<Conversation | null> {
    return this.select((c) => !!c.staffThread && sameThread(c.staffThread, thread)).at(-1) ?? null;
  }

  async byFlow(flowId: string): Promise<Conversation[]> {
    return this.select((c) => c.flowId === flowId);
  }

  async append(message: TranscriptMessage): Promise<void> {
    await this.messages.put(copy(message));
  }

  async transcript(conversation: string): Promise<TranscriptMessage[]> {
    return this.messages
      .values()
      .filter((m) => m.conversation === conversation)
      .sort(byTime)
      .map(copy);
  }

  async addNote(note: Note): Promise<void> {
    await this.noteFile.put(copy(note));
  }

  async notes(conversation: string): Promise<Note[]> {
    return this.noteFile
      .values()
      .filter((n) => n.conversation === conversation)
      .sort(byTime)
      .map(copy);
  }

  async lines(kind: LineKind, after: string, limit: number): Promise<Note[]> {
    return (kind === 'transcript' ? this.messages : this.noteFile)
      .values()
      .filter((line) => line.id > after)
      .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
      .slice(0, limit)
      .map(copy);
  }

  async replaceText(kind: LineKind, id: string, expected: string, text: string): Promise<boolean> {
    return kind === 'transcript'
      ? replaceText(this.messages, id, expected, text)
      : replaceText(this.noteFile, id, expected, text);
  }

  async compact(): Promise<void> {
    await Promise.all([this.messages.compact(), this.noteFile.compact()]);
  }

  async deleteByRespondent(respondent: string): Promise<number> {
    const mine = <T extends { id: string; respondent: string }>(file: JsonlFile<T>) =>
      file
        .values()
        .filter((r) => r.respondent === respondent)
        .map((r) => r.id);
    const conversations = mine(this.conversations);
    const messages = mine(this.messages);
    const notes = mine(this.noteFile);
    await Promise.all([
      this.conversations.delete(conversations),
      this.messages.delete(messages),
      this.noteFile.delete(notes),
    ]);
    return conversations.length + messages.length + notes.length;
  }

  async close(): Promise<void> {
    await Promise.all([this.conversations.close(), this.messages.close(), this.noteFile.close()]);
  }
}

const sameVersion = (stored: Conversation, expected: ConversationVersion) =>
  stored.status === expected.status && stored.updatedAt.getTime() === expected.updatedAt.getTime();
