import assert from 'node:assert/strict';
import { test } from 'node:test';
import { commandRequest, componentRequest, messageInput } from '../../src/channels/discord/parse.ts';

const bound = { question: 'q6', version: 9 };

test('components become engine inputs bound to their question and version', () => {
  const table: [string, string[], unknown][] = [
    ['a:q6:9:c:none', [], { type: 'choose', option: 'none', bound }],
    ['a:q6:9:s', ['public'], { type: 'choose', option: 'public', bound }],
    [
      'a:q6:9:m',
      ['libraries', 'government'],
      { type: 'choices', options: ['libraries', 'government'], bound },
    ],
    ['a:q6:9:r', ['business'], { type: 'choose', option: 'business', bound }],
    ['a:q6:9:n', ['others'], { type: 'na', item: 'others', bound }],
    ['a:q6:9:u', [], { type: 'undo', bound }],
    ['a:q6:9:b', [], { type: 'back', bound }],
    ['a:q6:9:d', [], { type: 'decline', bound }],
  ];
  for (const [customId, values, input] of table) {
    assert.deepEqual(componentRequest(customId, values), { kind: 'input', input }, customId);
  }
});

test('control components: take the survey, confirm or cancel erasing', () => {
  assert.deepEqual(componentRequest('x:take'), { kind: 'take' });
  assert.deepEqual(componentRequest('x:take:CAMPAIGN1'), { kind: 'take', invitation: 'CAMPAIGN1' });
  assert.deepEqual(componentRequest('x:erase:10'), { kind: 'erase', issuedAt: 36 });
  assert.deepEqual(componentRequest('x:keep'), { kind: 'keep' });
});

test('values that do not fit the component, or cannot be option ids, are refused', () => {
  const invalid = { kind: 'invalid' };
  assert.deepEqual(componentRequest('a:q6:9:s', ['a', 'b']), invalid, 'single select with two values');
  assert.deepEqual(componentRequest('a:q6:9:s', []), invalid);
  assert.deepEqual(componentRequest('a:q6:9:m', []), invalid);
  assert.deepEqual(componentRequest('a:q6:9:m', ['libraries', 'x y']), invalid);
  assert.deepEqual(componentRequest('a:q6:9:r', ['a', 'b']), invalid);
  assert.deepEqual(componentRequest('a:q6:9:c:yes', ['no']), invalid, 'a button has no values');
  assert.deepEqual(componentRequest('a:q6:9:b', ['x']), invalid);
  assert.deepEqual(componentRequest('nonsense'), invalid);
});

test('a typed DM is passed to the engine as text, as typed', () => {
  assert.deepEqual(messageInput(' 1,3 '), { type: 'text', text: ' 1,3 ' });
  assert.deepEqual(messageInput(''), { type: 'text', text: '' });
});

test('slash commands, by their default names', () => {
  const cmd = (name: string, subcommand: string | null, options: Record<string, string> = {}) =>
    commandRequest({ name, subcommand, options });
  assert.deepEqual(cmd('survey', 'start'), { kind: 'start' });
  assert.deepEqual(cmd('survey', 'start', { code: ' ABCD-1 ' }), { kind: 'start', code: 'ABCD-1' });
  assert.deepEqual(cmd('survey', 'start', { code: '  ' }), { kind: 'start' });
  assert.deepEqual(cmd('survey', 'resume'), { kind: 'resume' });
  assert.deepEqual(cmd('survey', 'language', { language: 'RU' }), { kind: 'language', locale: 'ru' });
  assert.equal(cmd('survey', 'language'), null);
  assert.deepEqual(cmd('survey', 'progress'), { kind: 'progress' });
  assert.deepEqual(cmd('survey', 'delete-my-data'), { kind: 'erase' });
  assert.deepEqual(cmd('survey', 'stop'), { kind: 'stop' });
  assert.deepEqual(cmd('survey-button', null, { code: 'SPRING' }), { kind: 'post', code: 'SPRING' });
  assert.deepEqual(cmd('survey-button', null), { kind: 'post' });
  assert.equal(cmd('survey', 'launch'), null);
  assert.equal(cmd('poll', 'start'), null);
});
