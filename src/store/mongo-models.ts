import { Schema, type Connection, type InferRawDocType, type Model } from 'mongoose';
import type { Codebook, Coding } from './coding-store.ts';
import type { Invitation } from './invitation-store.ts';
import type { ContactRecord, ResponseRecord } from './response-store.ts';

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

/** A schema's fields for a record type: `_id` for its id, and every other field declared. */
type DocFields<R, Id extends keyof R = never> = { _id: unknown } & { [K in Exclude<keyof R, Id>]-?: unknown };

/**
 * The documents' types come from these field lists (`InferRawDocType`), and each list must name
 * every field of its record (`satisfies DocFields<...>`, checked at compile time): the schemas are
 * strict, so a record field missing here would make every write throw.
 */
const responseFields = {
  _id: { type: String, required: true },
  flowId: { type: String, required: true },
  flowVersion: { type: Number, required: true },
  locale: { type: String, required: true },
  channel: { type: String, required: true },
  respondent: { type: String, required: true },
  invitation: String,
  status: { type: String, enum: ['complete', 'partial'] as const, required: true },
  // Answers by question id: { status: 'answered', value } or { status: 'declined' }.
  answers: { type: Schema.Types.Mixed, required: true },
  durations: { type: Schema.Types.Mixed, required: true },
  startedAt: { type: Date, required: true },
  updatedAt: { type: Date, required: true },
  finishedAt: Date,
  contactId: String,
} as const satisfies DocFields<ResponseRecord, 'id'>;
export type ResponseDoc = InferRawDocType<typeof responseFields>;

const responseSchema = new Schema(responseFields, { ...options, collection: 'responses' });
// The queries staff make: one flow's complete (or partial) responses in order, everything of one
// respondent (erasure, and a respondent's own responses to a flow, read at every new session), the
// responses of an invitation or campaign, what finished recently.
responseSchema.index({ flowId: 1, status: 1, startedAt: 1 });
responseSchema.index({ respondent: 1, flowId: 1 });
responseSchema.index({ invitation: 1, flowId: 1 });
responseSchema.index({ finishedAt: 1 });
// The staff's table, newest first (with or without a flow), and what changed since a reader looked.
responseSchema.index({ flowId: 1, startedAt: -1 });
responseSchema.index({ startedAt: -1 });
responseSchema.index({ updatedAt: 1 });

const contactFields = {
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
} as const satisfies DocFields<ContactRecord, 'id'>;
export type ContactDoc = InferRawDocType<typeof contactFields>;

const contactSchema = new Schema(contactFields, { ...options, collection: 'contacts' });
contactSchema.index({ respondent: 1 });
contactSchema.index({ flowId: 1, createdAt: 1 });

const invitationFields = {
  _id: { type: String, required: true },
  campaign: { type: String, required: true },
  flowId: String,
  coordinator: String,
  region: String,
  maxUses: { type: Number, default: null },
  /** Uses counted before the invitation was stored here; later ones are `invitation_uses` documents. */
  uses: { type: Number, required: true },
  revoked: { type: Boolean, required: true },
  expiresAt: Date,
  createdAt: { type: Date, required: true },
} as const satisfies DocFields<Invitation, 'token'>;
export type InvitationDoc = InferRawDocType<typeof invitationFields>;

const invitationSchema = new Schema(invitationFields, { ...options, collection: 'invitations' });
invitationSchema.index({ campaign: 1, createdAt: 1 });
invitationSchema.index({ coordinator: 1 });

/**
 * One document per redemption. A limited invitation's uses are numbered slots (`<token>#<n>`):
 * taking one is an insert that the unique `_id` lets succeed once, which is atomic on MongoDB and
 * on FerretDB alike (FerretDB 1.x does not run conditional updates atomically).
 */
const invitationUseFields = {
  _id: { type: String, required: true },
  token: { type: String, required: true },
  at: { type: Date, required: true },
} as const;
export type InvitationUseDoc = InferRawDocType<typeof invitationUseFields>;

const invitationUseSchema = new Schema(invitationUseFields, { ...options, collection: 'invitation_uses' });
invitationUseSchema.index({ token: 1 });

/** Key of a codebook: `<flow>:<question>`; of a coding: `<flow>:<question>:<response>:<coder>`. */
const codebookFields = {
  _id: { type: String, required: true },
  flowId: { type: String, required: true },
  question: { type: String, required: true },
  codes: {
    type: [
      new Schema(
        {
          code: { type: String, required: true },
          labels: { type: Schema.Types.Mixed, required: true },
          description: String,
        },
        { _id: false, strict: 'throw', minimize: false },
      ),
    ],
    required: true,
  },
  updatedAt: { type: Date, required: true },
} as const satisfies DocFields<Codebook & { id: string }, 'id'>;
export type CodebookDoc = InferRawDocType<typeof codebookFields>;

const codebookSchema = new Schema(codebookFields, { ...options, collection: 'codebooks' });
codebookSchema.index({ flowId: 1, question: 1 });

const codingFields = {
  _id: { type: String, required: true },
  flowId: { type: String, required: true },
  question: { type: String, required: true },
  responseId: { type: String, required: true },
  respondent: { type: String, required: true },
  coder: { type: String, required: true },
  codes: { type: [String], required: true },
  at: { type: Date, required: true },
} as const satisfies DocFields<Coding & { id: string }, 'id'>;
export type CodingDoc = InferRawDocType<typeof codingFields>;

const codingSchema = new Schema(codingFields, { ...options, collection: 'codings' });
codingSchema.index({ flowId: 1, question: 1, responseId: 1, coder: 1 });
codingSchema.index({ respondent: 1 });

export interface Models {
  responses: Model<ResponseDoc>;
  contacts: Model<ContactDoc>;
  invitations: Model<InvitationDoc>;
  invitationUses: Model<InvitationUseDoc>;
  codebooks: Model<CodebookDoc>;
  codings: Model<CodingDoc>;
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
    codebooks: get('Codebook', codebookSchema),
    codings: get('Coding', codingSchema),
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

/**
 * The places, in an unordered `insertMany`'s documents, that failed on a duplicate key; the
 * error itself again when anything else failed.
 */
export function duplicateKeyPlaces(error: unknown): number[] {
  const found = (error as { writeErrors?: unknown } | null)?.writeErrors;
  const writeErrors = [found ?? []].flat() as { index?: unknown; code?: unknown }[];
  if (writeErrors.length === 0 || !writeErrors.every((e) => e.code === 11000 && typeof e.index === 'number'))
    throw error;
  return writeErrors.map((e) => e.index as number);
}

/**
 * A lean document as the record the store interfaces speak: `_id` becomes `id` (or `token`);
 * with '_drop', records whose key is made of their fields get no id field.
 */
export function fromDoc<T>(doc: object, idField = 'id'): T {
  const { _id, ...rest } = doc as { _id: string };
  return (idField === '_drop' ? rest : { [idField]: _id, ...rest }) as T;
}
