import type { Connection, Model, Schema } from 'mongoose';
import type { SealedValues } from './sealed-swap.ts';

/**
 * Options every collection of ours shares: ids are ours, schemas are strict for writes and
 * queries (an undeclared field is neither stored nor matched), empty objects are kept, and no
 * command is queued while the server is away (a respondent or staff member would wait on it).
 */
export const STRICT = {
  versionKey: false,
  strict: 'throw',
  strictQuery: 'throw',
  minimize: false,
  bufferCommands: false,
} as const;

/** The model of `name` on one connection, registered once per connection. */
export function modelOn<T>(connection: Connection, name: string, schema: Schema<T>): Model<T> {
  return (connection.models[name] as Model<T> | undefined) ?? connection.model<T>(name, schema as never);
}

/** Creates the collections and their indexes; run once the server is reachable. */
export async function ensureCollections(
  models: { createCollection(): Promise<unknown>; createIndexes(): Promise<unknown> }[],
): Promise<void> {
  for (const model of models) {
    await model.createCollection().catch(() => {});
    await model.createIndexes();
  }
}

/** Sets a document's sealed fields to `next` only while they hold `expected`. No upsert: a document erased meanwhile stays erased. */
export async function swapSealedIn<T>(
  model: Model<T>,
  id: string,
  expected: SealedValues,
  next: SealedValues,
): Promise<boolean> {
  if (typeof id !== 'string' || id.length === 0) return false;
  const unchanged = { ...expected, _id: id };
  return (await model.updateOne(unchanged as never, { $set: next } as never)).matchedCount === 1;
}
