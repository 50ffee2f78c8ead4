import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import {
  ANSWER_ACTIONS,
  CUSTOM_ID_MAX,
  decodeComponentId,
  encodeComponentId,
  type AnswerAction,
  type ComponentId,
} from '../../src/channels/discord/custom-id.ts';

test('custom_ids carry the question and session version, and read back as made', () => {
  const ids: ComponentId[] = [
    { kind: 'answer', question: 'q6', version: 14, action: 'multi' },
    { kind: 'answer', question: 'q2', version: 3, action: 'choose', option: 'yes' },
    { kind: 'answer', question: 'q5a', version: 120, action: 'choose', option: 'EGP' },
    { kind: 'answer', question: 'q14', version: 40, action: 'na' },
    { kind: 'answer', question: 'q7', version: 41, action: 'undo' },
    { kind: 'answer', question: 'language', version: 0, action: 'back' },
    { kind: 'take' },
    { kind: 'take', invitation: 'SPRING-2025_ab' },
    { kind: 'erase', issuedAt: 1_760_000_000_000 },
    { kind: 'keep' },
  ];
  for (const id of ids) {
    const encoded = encodeComponentId(id);
    assert.ok(encoded && encoded.length <= CUSTOM_ID_MAX);
    assert.deepEqual(decodeComponentId(encoded), id);
  }
  assert.equal(encodeComponentId(ids[1]!), 'a:q2:3:c:yes');
});

test('an id that would not fit 100 characters is not made', () => {
  const long = 'q'.repeat(60);
  assert.equal(
    encodeComponentId({
      kind: 'answer',
      question: long,
      version: 1,
      action: 'choose',
      option: 'o'.repeat(40),
    }),
    null,
  );
  assert.ok(
    encodeComponentId({
      kind: 'answer',
      question: 'q'.repeat(64),
      version: 999_999_999_999,
      action: 'decline',
    }),
  );
});

test('forged or foreign custom_ids are not ours', () => {
  for (const forged of [
    '',
    'hello',
    'a:Q1:1:c:x',
    'a:q1:1:c',
    'a:q1:1:b:x',
    'a:q1:one:b',
    'a:q1:-1:b',
    'a:q1:1:z',
    'a:q1:1:c:bad option',
    'a:q1:1:c:x:y',
    `a:${'q'.repeat(98)}:1:b`,
    'x:take:no spaces',
    'x:take:ab',
    'x:erase:',
    'x:erase:ZZ',
    'x:keep:1',
    'x:take:abcd:extra',
    'y:take',
    'x:launch',
  ]) {
    assert.equal(decodeComponentId(forged), null, forged);
  }
});

test('property: every answer id made reads back to the same question, version and action', () => {
  const id = fc.stringMatching(/^[a-z0-9][a-z0-9_]{0,40}$/);
  const option = fc.stringMatching(/^[A-Za-z0-9_-]{1,40}$/);
  const action = fc.constantFrom(...(Object.keys(ANSWER_ACTIONS) as AnswerAction[]));
  fc.assert(
    fc.property(id, fc.nat({ max: 10 ** 12 - 1 }), action, option, (question, version, act, opt) => {
      const made: ComponentId = {
        kind: 'answer',
        question,
        version,
        action: act,
        ...(act === 'choose' ? { option: opt } : {}),
      };
      const encoded = encodeComponentId(made);
      if (encoded === null) return true;
      assert.ok(encoded.length <= CUSTOM_ID_MAX);
      assert.deepEqual(decodeComponentId(encoded), made);
      return true;
    }),
  );
});
