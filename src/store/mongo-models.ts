import { Schema, type Connection, type Model } from 'mongoose';

/**
 * The MongoDB collections, as mongoose schemas. Ids are ours (the session id, the invitation
 * token), so a retried write lands on the same document. Schemas are strict for writes and
 * queries alike: a field that is not declared is neither stored nor matched. Empty objects are
 * kept (`minimize: false`): a response without durations still has `durations: {}`.
 */
const options = {
  versionKey: false,
  strict: 'throw',
  strictQuery: 'throw',
  minimize: false,
  // Fail at once while the server is away, rather than queue writes a respondent waits on.
  bufferCommands: false,
} as const;

export interface ResponseDoc {
  _id: string;
  flowId: string;
  flowVersion: number;
  locale: string;
  channel: string;
  respondent: string;
  invitation?: string;
  status: 'complete' | 'partial';
  answers: Record<string, unknown>;
  durations: Record<string, number>;
  startedAt: Date;
  updatedAt: Date;
  finishedAt?: Date;
  contactId?: string;
}

const responseSchema = new Schema<ResponseDoc>(
  {
    _id: { type: String, required: true },
    flowId: { type: String, required: true },
    flowVersion: { type: Number, required: true },
    locale: { type: String, required: true },
    channel: { type: String, required: true },
    respondent: { type: String, required: true },
    invitation: String,
    status: { type: String, enum: ['complete', 'partial'], required: true },
    // Answers by question id: { status: 'answered', value } or { status: 'declined' }.
    answers: { type: Schema.Types.Mixed, required: true },
    durations: { type: Schema.Types.Mixed, required: true },
    startedAt: { type: Date, required: true },
    updatedAt: { type: Date, required: true },
    finishedAt: Date,
    contactId: String,
  },
  { ...options, collection: 'responses' },
);
// The queries staff make: one flow's complete (or partial) responses in order, everything of one
// respondent (erasure, and a respondent's own responses to a flow, read at every new session), the
// responses of an invitation or campaign, what finished recently.
responseSchema.index({ flowId: 1, status: 1, startedAt: 1 });
responseSchema.index({ respondent: 1, flowId: 1 });
responseSchema.index({ invitation: 1, flowId: 1 });
responseSchema.index({ finishedAt: 1 });

export interface ContactDoc {
  _id: string;
  flowId: string;
  respondent: string;
  channel: string;
  chat?: string;
  name: string;
  email?: string;
  viaChat: boolean;
  language: string;
  createdAt: Date;
}

const contactSchema = new Schema<ContactDoc>(
  {
    _id: { type: String, required: true },
    flowId: { type: String, required: true },
    respondent: { type: String, required: true },
    channel: { type: String, required: true },
    chat: String,
    name: { type: String, required: true },
    email: String,
    viaChat: { type: Boolean, required: true },
    language: { type: String, required: true },
    createdAt: { type: Date, required: true },
  },
  { ...options, collection: 'contacts' },
);
contactSchema.index({ respondent: 1 });
contactSchema.index({ flowId: 1, createdAt: 1 });

export interface InvitationDoc {
  _id: string;
  campaign: string;
  flowId?: string;
  coordinator?: string;
  region?: string;
  maxUses: number | null;
  /** Uses counted before the invitation was stored here; later ones are `invitation_uses` documents. */
  uses: number;
  revoked: boolean;
  expiresAt?: Date;
  createdAt: Date;
}

const invitationSchema = new Schema<InvitationDoc>(
  {
    _id: { type: String, required: true },
    campaign: { type: String, required: true },
    flowId: String,
    coordinator: String,
    region: String,
    maxUses: { type: Number, default: null },
    uses: { type: Number, required: true },
    revoked: { type: Boolean, required: true },
    expiresAt: Date,
    createdAt: { type: Date, required: true },
  },
  { ...options, collection: 'invitations' },
);
invitationSchema.index({ campaign: 1, createdAt: 1 });
invitationSchema.index({ coordinator: 1 });

/**
 * One document per redemption. A limited invitation's uses are numbered slots (`<token>#<n>`):
 * taking one is an insert that the unique `_id` lets succeed once, which is atomic on MongoDB and
 * on FerretDB alike (FerretDB 1.x does not run conditional updates atomically).
 */
export interface InvitationUseDoc {
  _id: string;
  token: string;
  at: Date;
}

const invitationUseSchema = new Schema<InvitationUseDoc>(
  {
    _id: { type: String, required: true },
    token: { type: String, required: true },
    at: { type: Date, required: true },
  },
  { ...options, collection: 'invitation_uses' },
);
invitationUseSchema.index({ token: 1 });

export interface Models {
  responses: Model<ResponseDoc>;
  contacts: Model<ContactDoc>;
  invitations: Model<InvitationDoc>;
  invitationUses: Model<InvitationUseDoc>;
}

/** The models on one connection (registered once per connection). */
export function modelsOf(connection: Connection): Models {
  const get = <T>(name: string, schema: Schema<T>) =>
    (connection.models[name] as Model<T> | undefined) ?? connection.model<T>(name, schema);
  return {
    responses: get('Response', responseSchema),
    contacts: get('Contact', contactSchema),
    invitations: get('Invitation', invitationSchema),
    invitationUses: get('InvitationUse', invitationUseSchema),
  };
}

/** Creates the collections' indexes; run once the server is reachable. */
export async function createIndexes(connection: Connection): Promise<void> {
  const models = modelsOf(connection);
  for (const model of Object.values(models) as Model<unknown>[]) {
    await model.createCollection().catch(() => {});
    await model.createIndexes();
  }
}

/** Duplicate key: a unique index (here always `_id`) already holds the value. */
export function isDuplicateKey(error: unknown): boolean {
  return (error as { code?: unknown } | null)?.code === 11000;
}

/** A lean document as the record the store interfaces speak: `_id` becomes `id` (or `token`). */
export function fromDoc<T>(doc: object, idField = 'id'): T {
  const { _id, ...rest } = doc as { _id: string };
  return { [idField]: _id, ...rest } as T;
}
