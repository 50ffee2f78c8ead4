import assert from 'node:assert/strict';
import { test } from 'node:test';
import { modelsOf } from '../../src/store/mongo-models.ts';
import { MongoResponseStore } from '../../src/store/mongo-response-store.ts';
import { mongoFor } from '../support/stores.ts';
import { response } from './response-store.contract.ts';

/**
 * The connection itself refuses operators from data, whatever a future query forgets: filters are
 * sanitized (a `$` key becomes a plain comparison) and unknown fields in a filter are an error.
 */
test('operators inside filter values are compared as data, never run', async (t) => {
  const mongo = await mongoFor(t);
  if (!mongo) return;
  await new MongoResponseStore(mongo.connection).save(response());
  const { responses } = modelsOf(mongo.connection);
  const fromUser = JSON.parse('{"$ne": "nobody"}') as unknown;
  // On a typed field the object cannot even be cast; inside free-form answers it is compared whole.
  await assert.rejects(() => responses.countDocuments({ respondent: fromUser as string }).exec(), /Cast/);
  assert.equal(await responses.countDocuments({ 'answers.q11.value': fromUser } as never), 0);
  assert.equal(await responses.countDocuments({ 'answers.q11.value': { $ne: 'nobody' } } as never), 0);
  assert.equal(await responses.countDocuments({ respondent: 'p-1' }), 1);
  await assert.rejects(() => responses.find(JSON.parse('{"$where": "true"}')).exec(), /not allowed/);
});

test('a filter on a field the schema does not know is an error, not "match everything"', async (t) => {
  const mongo = await mongoFor(t);
  if (!mongo) return;
  const { responses } = modelsOf(mongo.connection);
  await assert.rejects(() => responses.find({ nosuchfield: 'x' } as never).exec(), /not in schema/);
});

test('writing a field the schema does not know is an error, not silently dropped data', async (t) => {
  const mongo = await mongoFor(t);
  if (!mongo) return;
  const store = new MongoResponseStore(mongo.connection);
  await assert.rejects(() => store.save({ ...response(), surprise: 1 } as never), /not in schema/);
});
