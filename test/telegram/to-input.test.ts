import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import type { Update } from 'telegraf/types';
import { commandData, parseCallbackData, questionData } from '../../src/channels/telegram/callback-data.ts';
import { toInput } from '../../src/channels/telegram/to-input.ts';
import { TelegramApiStandIn, TelegramUser } from '../support/telegram-api.ts';

// The stand-in is only used to build updates as Telegram shapes them; no server is started.
const api = new TelegramApiStandIn();
const BOT = api.me.username;
const user = new TelegramUser(api, 42, 'pt-BR');
const group = new TelegramUser(api, 43, 'fr', 'group', -100123);
const read = (update: object) => toInput({ update_id: 1, ...update } as Update, BOT);
const origin = { chat: 42, user: 42, locale: 'pt-BR', name: 'User42' };

test('typed text is an answer, kept exactly as typed', () => {
  assert.deepEqual(read(user.text('  1, 3 ')), {
    kind: 'input',
    origin,
    input: { type: 'text', text: '  1, 3 ' },
  });
});

test('commands need the bot_command entity Telegram adds; their argument is read', () => {
  assert.deepEqual(read(user.text('/start coord-egypt-01')), {
    kind: 'command',
    origin,
    command: 'start',
    arg: 'coord-egypt-01',
  });
  assert.deepEqual(read(user.text('/skip')), { kind: 'command', origin, command: 'skip' });
  assert.deepEqual(read(user.text(`/delete_my_data@${BOT}`)), {
    kind: 'command',
    origin,
    command: 'delete_my_data',
  });
  // Without the entity (a forwarded text, a quoted command) it is just text.
  const plain = { message: { ...(user.text('/skip') as { message: object }).message, entities: [] } };
  assert.deepEqual(read(plain), { kind: 'input', origin, input: { type: 'text', text: '/skip' } });
  // Addressed to another bot: not ours to answer.
  assert.deepEqual(read(user.text('/start@other_bot')), { kind: 'ignore' });
  // A command the survey does not know goes to the router (a staff command, or unknown).
  assert.deepEqual(read(user.text('/frobnicate now')), {
    kind: 'other_command',
    origin,
    name: 'frobnicate',
    arg: 'now',
  });
});

test('a button press is its bound input, with the press to answer and the message to edit', () => {
  const data = questionData('q6', 17, { action: 'choose', option: 'nonprofit' });
  const update = user.press(1005, data) as { callback_query: { id: string } };
  assert.deepEqual(read(update), {
    kind: 'input',
    origin,
    input: { type: 'choose', option: 'nonprofit', bound: { question: 'q6', version: 17 } },
    press: { id: update.callback_query.id, message: 1005 },
  });
  // A command button counts on a message Telegram shows carrying it (the confirmation itself).
  const yes = commandData({ command: 'delete', confirm: true });
  const confirm = user.press(1006, yes) as { callback_query: { id: string; message: object } };
  confirm.callback_query.message = {
    ...confirm.callback_query.message,
    reply_markup: { inline_keyboard: [[{ text: 'Yes', callback_data: yes }]] },
  };
  assert.deepEqual(read(confirm), {
    kind: 'action',
    origin,
    action: { command: 'delete', confirm: true },
    press: { id: confirm.callback_query.id, message: 1006 },
  });
  // The same data pressed on a message without that button (a question, say) is forged.
  assert.deepEqual(read(user.press(1005, yes)), {
    kind: 'invalid',
    origin,
    reason: 'malformed',
    press: { id: `q${Number(confirm.callback_query.id.slice(1)) + 1}`, message: 1005 },
  });
});

test('forged or malformed callback data is refused as such', () => {
  for (const data of [
    '',
    'x',
    '17:q6:c',
    '17:q6:d:extra',
    '17:Q6:c:a',
    '17:q6:z:a',
    '-1:q6:d',
    '!restart:maybe',
    '!lang:EN',
    `17:q6:c:${'a'.repeat(60)}`,
  ]) {
    const event = read(user.press(1, data));
    assert.equal(event.kind, 'invalid', data);
    assert.equal((event as { reason: string }).reason, 'malformed');
  }
});

test('stickers, photos and other media in a private chat are answered as unsupported', () => {
  assert.deepEqual(read(user.sticker()), { kind: 'invalid', origin, reason: 'unsupported' });
  assert.deepEqual(read(user.photo('my answer')), { kind: 'invalid', origin, reason: 'unsupported' });
});

test('in a group, commands, mentions and presses point to the private chat; other talk is left alone', () => {
  const where = { chat: -100123, user: 43, locale: 'fr', name: 'User43' };
  assert.deepEqual(read(group.text('/start')), { kind: 'group', origin: where });
  assert.deepEqual(read(group.text(`hello @${BOT}`)), { kind: 'group', origin: where });
  assert.deepEqual(read(group.text('good morning, colleagues')), { kind: 'ignore' });
  assert.equal(read(group.press(5, questionData('q1', 3, { action: 'done' }))).kind, 'group');
  assert.deepEqual(read(group.sticker()), { kind: 'ignore' });
});

test('a user blocking the bot is read from my_chat_member', () => {
  assert.deepEqual(read(user.blocks()), { kind: 'blocked', origin });
});

test('callback data round-trips for every action and stays within 64 bytes', () => {
  const actions = [
    { action: 'choose', option: '100000_plus' },
    { action: 'na', option: 'associations' },
    { action: 'done' },
    { action: 'undo' },
    { action: 'decline' },
    { action: 'back' },
  ] as const;
  for (const action of actions) {
    const data = questionData('q14', 123456, action);
    assert.ok(Buffer.byteLength(data) <= 64);
    const input = parseCallbackData(data);
    assert.ok(input && 'type' in input);
    assert.deepEqual(input.bound, { question: 'q14', version: 123456 });
  }
  assert.throws(
    () => questionData('q'.repeat(40), 1, { action: 'choose', option: 'o'.repeat(30) }),
    RangeError,
  );
  for (const action of [
    { command: 'restart', confirm: false },
    { command: 'start_plain' },
    { command: 'language', locale: 'ar' },
  ] as const) {
    assert.deepEqual(parseCallbackData(commandData(action)), action);
  }
});

test('any callback data at all is either refused or read as well-formed input, never thrown on', () => {
  fc.assert(
    fc.property(
      fc.oneof(fc.string(), fc.stringMatching(/^\d{1,3}:[a-z0-9_]{1,6}:[a-z]:?[A-Za-z0-9_]{0,5}$/)),
      (data) => {
        const parsed = parseCallbackData(data);
        if (parsed === null) return;
        assert.ok(Buffer.byteLength(data) <= 64);
        if ('type' in parsed) {
          assert.ok(parsed.bound && Number.isInteger(parsed.bound.version));
          assert.match(parsed.bound.question, /^[a-z0-9_]+$/);
        }
      },
    ),
    { numRuns: 2000 },
  );
});
