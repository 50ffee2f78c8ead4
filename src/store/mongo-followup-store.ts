import { Schema, trusted, type Connection, type InferSchemaType, type Model } from 'mongoose';
import {
  CONVERSATION_STATUSES,
  type Claim,
  type ClaimOutcome,
  type ClaimStore,
  type Conversation,
  type ConversationLines,
  type ConversationStore,
  type LineKind,
  type MailLinks,
  type Note,
  type StaffThread,
  type TranscriptMessage,
  type ConversationVersion,
} from './followup-store.ts';
import { fromDoc, isDuplicateKey } from './mongo-models.ts';
import { modelOn, STRICT } from './mongo-model.ts';

/**
 * A claim is a document whose `_id` is the respondent: only one insert can win, atomically on
 * MongoDB and on FerretDB alike (which does not run conditional updates atomically).
 */
const claimSchema = new Schema(
  {
    _id: { type: String, required: true },
    interviewer: { type: String, required: true },
    at: { type: Date, required: true },
  },
  { ...STRICT, collection: 'followup_claims' },
);
claimSchema.index({ interviewer: 1, at: 1 });

const threadSchema = new Schema(
  {
    channel: { type: String, enum: ['telegram', 'discord'], required: true },
    chat: { type: String, required: true },
    thread: { type: String, required: true },
  },
  { ...STRICT, _id: false },
);

const mailLinksSchema = new Schema(
  {
    accept: { type: String, required: true },
    later: { type: String, required: true },
    no: { type: String, required: true },
    expires: { type: Number, required: true },
  },
  { ...STRICT, _id: false },
);

const conversationSchema = new Schema(
  {
    _id: { type: String, required: true },
    respondent: { type: String, required: true },
    channel: { type: String, required: true },
    flowId: { type: String, required: true },
    response: { type: String, required: true },
    interviewer: { type: String, required: true },
    status: { type: String, enum: CONVERSATION_STATUSES, required: true },
    staffThread: { type: threadSchema, default: undefined },
    /** `<channel>:<chat>:<thread>`: one indexed value to find a conversation by its staff thread. */
    threadKey: { type: String, default: undefined },
    createdAt: { type: Date, required: true },
    updatedAt: { type: Date, required: true },
    endedBy: { type: String, enum: ['respondent', 'interviewer', 'platform'], default: undefined },
    invitedBy: { type: String, enum: ['chat', 'email'], default: undefined },
    mailLinks: { type: mailLinksSchema, default: undefined },
  },
  { ...STRICT, collection: 'conversations' },
);
conversationSchema.index({ respondent: 1, createdAt: 1 });
conversationSchema.index({ threadKey: 1 });
conversationSchema.index({ flowId: 1, createdAt: 1 });

const lineFields = {
  _id: { type: String, required: true },
  conversation: { type: String, required: true },
  respondent: { type: String, required: true },
  at: { type: Date, required: true },
  author: { type: String, required: true },
  text: { type: String, required: true },
};
const messageSchema = new Schema(
  { ...lineFields, side: { type: String, enum: ['respondent', 'interviewer'], required: true } },
  { ...STRICT, collection: 'transcripts' },
);
messageSchema.index({ conversation: 1, at: 1, _id: 1 });
messageSchema.index({ respondent: 1 });
const noteSchema = new Schema(lineFields, { ...STRICT, collection: 'interview_notes' });
noteSchema.index({ conversation: 1, at: 1, _id: 1 });
noteSchema.index({ respondent: 1 });

type ClaimDoc = InferSchemaType<typeof claimSchema>;
type ConversationDoc = InferSchemaType<typeof conversationSchema>;
type MessageDoc = InferSchemaType<typeof messageSchema>;
type NoteDoc = InferSchemaType<typeof noteSchema>;

export interface FollowupModels {
  claims: Model<ClaimDoc>;
  conversations: Model<ConversationDoc>;
  messages: Model<MessageDoc>;
  notes: Model<NoteDoc>;
}

export function followupModelsOf(connection: Connection): FollowupModels {
  return {
    claims: modelOn(connection, 'FollowupClaim', claimSchema) as Model<ClaimDoc>,
    conversations: modelOn(connection, 'Conversation', conversationSchema) as Model<ConversationDoc>,
    messages: modelOn(connection, 'TranscriptMessage', messageSchema) as Model<MessageDoc>,
    notes: modelOn(connection, 'InterviewNote', noteSchema) as Model<NoteDoc>,
  };
}

const isId = (value: unknown): value is string => typeof value === 'string' && value.length > 0;
const threadKey = (t: StaffThread) => `${t.channel}:${t.chat}:${t.thread}`;
const toClaim = (doc: object): Claim => fromDoc<Claim>(doc, 'respondent');

function toConversation(doc: object): Conversation {
  const {
    threadKey: _key,
    staffThread,
    endedBy,
    invitedBy,
    mailLinks,
    ...rest
  } = doc as ConversationDoc & {
    _id: string;
  };
  return {
    ...fromDoc<Omit<Conversation, 'staffThread' | 'endedBy' | 'invitedBy' | 'mailLinks'>>(rest),
    ...(staffThread ? { staffThread: staffThread as StaffThread } : {}),
    ...(endedBy ? { endedBy: endedBy as Conversation['endedBy'] } : {}),
    ...(invitedBy ? { invitedBy: invitedBy as Conversation['invitedBy'] } : {}),
    ...(mailLinks ? { mailLinks: mailLinks as MailLinks } : {}),
  };
}

function conversationDoc(c: Conversation) {
  const { id, ...fields } = c;
  return { _id: id, ...fields, ...(c.staffThread ? { threadKey: threadKey(c.staffThread) } : {}) };
}

/** Claims in MongoDB (`followup_claims`), one document per claimed respondent. */
export class MongoClaimStore implements ClaimStore {
  private readonly model: Model<ClaimDoc>;

  constructor(connection: Connection) {
    this.model = followupModelsOf(connection).claims;
  }

  async claim(respondent: string, interviewer: string, at: Date): Promise<ClaimOutcome> {
    if (!isId(respondent) || !isId(interviewer))
      throw new Error('a claim needs a respondent and an interviewer');
    for (;;) {
      try {
        await this.model.create({ _id: respondent, interviewer, at });
        return { ok: true, claim: { respondent, interviewer, at } };
      } catch (error) {
        if (!isDuplicateKey(error)) throw error;
      }
      const held = await this.get(respondent);
      // Released between the insert and the read: try again.
      if (!held) continue;
      return held.interviewer === interviewer ? { ok: true, claim: held } : { ok: false, holder: held };
    }
  }

  async get(respondent: string): Promise<Claim | null> {
    if (!isId(respondent)) return null;
    const doc = await this.model.findById(respondent).lean();
    return doc ? toClaim(doc) : null;
  }

  async byInterviewer(interviewer: string): Promise<Claim[]> {
    if (!isId(interviewer)) return [];
    const docs = await this.model.find({ interviewer }).sort({ at: 1, _id: 1 }).lean();
    return docs.map(toClaim);
  }

  async release(respondent: string, interviewer: string): Promise<boolean> {
    if (!isId(respondent) || !isId(interviewer)) return false;
    return (await this.model.deleteOne({ _id: respondent, interviewer })).deletedCount === 1;
  }

  async reassign(respondent: string, interviewer: string, at: Date): Promise<Claim> {
    if (!isId(respondent) || !isId(interviewer))
      throw new Error('a claim needs a respondent and an interviewer');
    await this.model.replaceOne({ _id: respondent }, { _id: respondent, interviewer, at }, { upsert: true });
    return { respondent, interviewer, at };
  }

  async deleteByRespondent(respondent: string): Promise<number> {
    if (!isId(respondent)) return 0;
    return (await this.model.deleteOne({ _id: respondent })).deletedCount;
  }

  async close(): Promise<void> {}
}

/** Conversations, transcripts and notes in MongoDB (`conversations`, `transcripts`, `interview_notes`). */
export class MongoConversationStore implements ConversationStore, ConversationLines {
  private readonly models: FollowupModels;

  constructor(connection: Connection) {
    this.models = followupModelsOf(connection);
  }

  async create(conversation: Conversation): Promise<void> {
    try {
      await this.models.conversations.create(conversationDoc(conversation));
    } catch (error) {
      if (isDuplicateKey(error)) throw new Error('conversation already exists');
      throw error;
    }
  }

  async get(id: string): Promise<Conversation | null> {
    if (!isId(id)) return null;
    const doc = await this.models.conversations.findById(id).lean();
    return doc ? toConversation(doc) : null;
  }

  async update(conversation: Conversation, expected?: ConversationVersion): Promise<boolean> {
    if (!isId(conversation.id)) return false;
    const result = await this.models.conversations.replaceOne(
      expected
        ? { _id: conversation.id, status: expected.status, updatedAt: expected.updatedAt }
        : { _id: conversation.id },
      conversationDoc(conversation),
    );
    return result.matchedCount === 1;
  }

  async byRespondent(respondent: string): Promise<Conversation[]> {
    if (!isId(respondent)) return [];
    const docs = await this.models.conversations.find({ respondent }).sort({ createdAt: 1, _id: 1 }).lean();
    return docs.map(toConversation);
  }

  async byStaffThread(thread: StaffThread): Promise<Conversation | null> {
    if (![thread.channel, thread.chat, thread.thread].every(isId)) return null;
    const docs = await this.models.conversations
      .find({ threadKey: threadKey(thread) })
      .sort({ createdAt: -1, _id: -1 })
      .limit(1)
      .lean();
    return docs[0] ? toConversation(docs[0]) : null;
  }

  async byFlow(flowId: string): Promise<Conversation[]> {
    if (!isId(flowId)) return [];
    const docs = await this.models.conversations.find({ flowId }).sort({ createdAt: 1, _id: 1 }).lean();
    return docs.map(toConversation);
  }

  async append(message: TranscriptMessage): Promise<void> {
    const { id, ...fields } = message;
    await this.models.messages.create({ _id: id, ...fields });
  }

  async transcript(conversation: string): Promise<TranscriptMessage[]> {
    if (!isId(conversation)) return [];
    const docs = await this.models.messages.find({ conversation }).sort({ at: 1, _id: 1 }).lean();
    return docs.map((d) => fromDoc<TranscriptMessage>(d));
  }

  async addNote(note: Note): Promise<void> {
    const { id, ...fields } = note;
    await this.models.notes.create({ _id: id, ...fields });
  }

  async notes(conversation: string): Promise<Note[]> {
    if (!isId(conversation)) return [];
    const docs = await this.models.notes.find({ conversation }).sort({ at: 1, _id: 1 }).lean();
    return docs.map((d) => fromDoc<Note>(d));
  }

  async lines(kind: LineKind, after: string, limit: number): Promise<Note[]> {
    const docs = await this.modelOf(kind)
      // The connection sanitizes filters (sanitizeFilter): this operator is ours.
      .find({ _id: trusted({ $gt: String(after) }) })
      .sort({ _id: 1 })
      .limit(limit)
      .lean();
    return docs.map((d) => fromDoc<Note>(d));
  }

  async replaceText(kind: LineKind, id: string, expected: string, text: string): Promise<boolean> {
    if (!isId(id) || typeof expected !== 'string') return false;
    // No upsert: a line erased meanwhile stays erased.
    const result = await this.modelOf(kind).updateOne({ _id: id, text: expected }, { $set: { text } });
    return result.matchedCount === 1;
  }

  /** A replaced document keeps no old copy to drop. */
  async compact(): Promise<void> {}

  /** A transcript line is a note with a side: only the fields both have are read and written here. */
  private modelOf(kind: LineKind): Model<NoteDoc> {
    return kind === 'transcript' ? (this.models.messages as unknown as Model<NoteDoc>) : this.models.notes;
  }

  async deleteByRespondent(respondent: string): Promise<number> {
    if (!isId(respondent)) return 0;
    const counts = await Promise.all([
      this.models.conversations.deleteMany({ respondent }),
      this.models.messages.deleteMany({ respondent }),
      this.models.notes.deleteMany({ respondent }),
    ]);
    return counts.reduce((sum, r) => sum + r.deletedCount, 0);
  }

  async close(): Promise<void> {}
}
