import assert from 'node:assert/strict';
import { test } from 'node:test';
import { TelegramError } from 'telegraf';
import { BotApi } from '../../src/channels/telegram/bot-api.ts';
import { classifyFailure } from '../../src/channels/telegram/outbox.ts';
import { TelegramApiStandIn } from '../support/telegram-api.ts';

test('BotApi: results as the Bot API gives them; refusals as telegraf errors the outbox can sort', async (t) => {
  const api = new TelegramApiStandIn();
  await api.start();
  const client = new BotApi(api.token, api.apiRoot);
  t.after(async () => {
    await client.close();
    await api.close();
  });

  const sent = await client.call<{ message_id: number; text: string }>('sendMessage', {
    chat_id: 5001,
    text: 'Привет, مرحبا 👋',
  });
  assert.equal(sent.text, 'Привет, مرحبا 👋');
  assert.equal(api.callsOf('sendMessage').at(-1)?.body.text, 'Привет, مرحبا 👋');

  api.failNext('sendMessage', {
    error_code: 429,
    description: 'Too Many Requests: retry after 3',
    parameters: { retry_after: 3 },
  });
  const limited = await client.call('sendMessage', { chat_id: 5001, text: 'x' }).catch((e: unknown) => e);
  assert.ok(limited instanceof TelegramError);
  assert.equal(limited.code, 429);
  assert.deepEqual(classifyFailure(limited), { kind: 'rate_limited', retryAfter: 3 });

  api.failNext('sendMessage', { error_code: 403, description: 'Forbidden: bot was blocked by the user' });
  const blocked = await client.call('sendMessage', { chat_id: 5001, text: 'x' }).catch((e: unknown) => e);
  assert.deepEqual(classifyFailure(blocked), { kind: 'unreachable', reason: 'blocked' });
});

test('BotApi: a wrong token is refused with 401, and closing twice is harmless', async (t) => {
  const api = new TelegramApiStandIn();
  await api.start();
  t.after(() => api.close());
  const client = new BotApi('123456789:AAWrongTokenForTests_only-000000', api.apiRoot);
  const refused = await client.call('getMe', {}).catch((e: unknown) => e);
  assert.ok(refused instanceof TelegramError);
  assert.equal(refused.code, 401);
  await client.close();
  await client.close();
});
