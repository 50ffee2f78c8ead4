import type {
  Conversation,
  ConversationLines,
  ConversationStore,
  LineKind,
  Note,
  StaffThread,
  TranscriptMessage,
  ConversationVersion,
} from '../store/followup-store.ts';
import type { Keyring } from './keyring.ts';
import { Fields, type ReportUnreadable, type Resealable, type RotationResult } from './sealed-stores.ts';

/** Lines re-sealed per read: a rotation holds one batch in memory, whatever the transcripts' size. */
const BATCH = 200;

/**
 * Follow-up transcripts and interviewers' notes with their texts sealed at rest (whatever names,
 * addresses or stories a text holds). Conversations themselves hold pseudonyms, statuses and the
 * staff thread, none of which names a respondent: they stay in clear, found as before.
 */
export class SealedConversationStore implements ConversationStore, Resealable {
  private readonly kinds: Record<LineKind, Fields<Note>>;

  constructor(
    private readonly inner: ConversationStore & ConversationLines,
    keyring: Keyring,
    report: ReportUnreadable,
  ) {
    this.kinds = {
      transcript: new Fields<Note>(keyring, 'transcripts', ['text'], report),
      notes: new Fields<Note>(keyring, 'interview_notes', ['text'], report),
    };
  }

  create(conversation: Conversation): Promise<void> {
    return this.inner.create(conversation);
  }

  get(id: string): Promise<Conversation | null> {
    return this.inner.get(id);
  }

  update(conversation: Conversation, expected?: ConversationVersion): Promise<boolean> {
    return this.inner.update(conversation, expected);
  }

  byRespondent(respondent: string): Promise<Conversation[]> {
    return this.inner.byRespondent(respondent);
  }

  byStaffThread(thread: StaffThread): Promise<Conversation | null> {
    return this.inner.byStaffThread(thread);
  }

  byFlow(flowId: string): Promise<Conversation[]> {
    return this.inner.byFlow(flowId);
  }

  append(message: TranscriptMessage): Promise<void> {
    return this.inner.append(this.kinds.transcript.seal(message));
  }

  async transcript(conversation: string): Promise<TranscriptMessage[]> {
    return (await this.inner.transcript(conversation)).map((m) => this.kinds.transcript.open(m, m.id));
  }

  addNote(note: Note): Promise<void> {
    return this.inner.addNote(this.kinds.notes.seal(note));
  }

  async notes(conversation: string): Promise<Note[]> {
    return (await this.inner.notes(conversation)).map((n) => this.kinds.notes.open(n, n.id));
  }

  deleteByRespondent(respondent: string): Promise<number> {
    return this.inner.deleteByRespondent(respondent);
  }

  /**
   * Every transcript line and note not sealed with the current key, sealed again, batch by batch
   * in id order. Each is rewritten only if it still holds what was read, so a line erased
   * meanwhile stays erased; lines already on the current key are skipped, so a rerun resumes.
   */
  async reseal(dryRun = false): Promise<RotationResult> {
    const result = { store: 'conversations', resealed: 0, unreadable: 0, skipped: 0 };
    for (const kind of ['transcript', 'notes'] as const) {
      const fields = this.kinds[kind];
      let after = '';
      for (;;) {
        const batch = await this.inner.lines(kind, after, BATCH);
        for (const stored of batch) {
          if (!fields.stale(stored)) continue;
          if (!fields.readable(stored)) {
            result.unreadable++;
            continue;
          }
          const text = fields.seal(fields.open(stored, stored.id)).text;
          if (dryRun || (await this.inner.replaceText(kind, stored.id, stored.text, text))) result.resealed++;
          else result.skipped++;
        }
        if (batch.length < BATCH) break;
        after = batch.at(-1)!.id;
      }
    }
    if (!dryRun && result.resealed > 0) await this.inner.compact();
    return result;
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}
