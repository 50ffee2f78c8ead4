import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { TelegramError } from 'telegraf';
import { createLogger, withLogFields } from '../../src/log.ts';

function capture(secrets: string[] = []) {
  let text = '';
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      text += chunk.toString();
      done();
    },
  });
  const log = createLogger('debug', sink, { secrets });
  return {
    log,
    text: () => text,
    lines: () =>
      text
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l)),
  };
}

test('configured secrets and Telegram tokens are replaced wherever they appear in a line', () => {
  const c = capture(['s3cret-webhook-value', 'hunter2-redis-password']);
  const token = '7034567890:AAHk3-some_real_looking_token_value12';
  c.log.error({ err: new Error(`request to https://api.telegram.org/bot${token}/getMe failed`) }, 'failed');
  c.log.info({ url: 'redis://:hunter2-redis-password@10.0.0.5:6379' }, 'header s3cret-webhook-value');
  c.log.info({ token: 'anything', headers: { authorization: 'Bot abc' } }, 'by field name');
  for (const secret of [
    token,
    token.split(':')[1]!,
    's3cret-webhook-value',
    'hunter2-redis-password',
    'Bot abc',
  ]) {
    assert.ok(!c.text().includes(secret), `${secret} is not logged`);
  }
  // The token twice (message and stack), the password, the secret in the message, two fields.
  assert.equal(c.text().match(/\[redacted\]/g)?.length, 6);
});

test('errors are logged as type, message, code and stack: not the request they carried', () => {
  const c = capture();
  const error = new TelegramError(
    { error_code: 400, description: 'Bad Request: chat not found' },
    { method: 'sendMessage', payload: { chat_id: 5550001, text: 'Amira Haddad, amira@example.org' } },
  );
  c.log.error({ err: error }, 'call failed');
  const [line] = c.lines();
  assert.deepEqual(Object.keys(line.err).sort(), ['code', 'message', 'stack', 'type']);
  assert.equal(line.err.code, 400);
  assert.ok(!c.text().includes('Amira') && !c.text().includes('5550001'));
});

test('fields of an update stay on the lines of its own work, also across awaits and side by side', async () => {
  const c = capture();
  const log = c.log.child({ channel: 'telegram' });
  const work = (update: number, pause: number) =>
    withLogFields({ update }, async () => {
      log.debug('first');
      await sleep(pause);
      log.warn({ extra: update }, 'second');
      await sleep(1);
      log.debug('third');
    });
  await Promise.all([work(1, 20), work(2, 5)]);
  log.info('outside');
  const lines = c.lines();
  for (const line of lines.filter((l) => l.msg !== 'outside')) {
    if (line.msg === 'second') assert.equal(line.extra, line.update);
    else assert.equal('extra' in line, false, 'no field leaks from one line to the next');
  }
  assert.deepEqual(lines.map((l) => l.update ?? null).sort(), [1, 1, 1, 2, 2, 2, null]);
});

test('text shaped like a key is not mistaken for a Telegram token', () => {
  const c = capture();
  const key = 'replicas:d0e22607:telegram-polling-leader:123456789';
  c.log.info({ key }, 'became leader');
  assert.equal(c.lines()[0].key, key);
});
