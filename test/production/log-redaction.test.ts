import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { TelegramError } from 'telegraf';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConversationService } from '../../src/conversation/service.ts';
import { createLogger } from '../../src/log.ts';
import { FileContactStore, FileResponseStore } from '../../src/store/file-response-store.ts';
import { MemorySessionStore } from '../../src/store/memory-session-store.ts';
import type { ResponseStore } from '../../src/store/response-store.ts';
import { answerUntil, finished } from '../conversation/autopilot.ts';
import { flow } from '../support/flow.ts';

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

test("a turn's lines go to the logger it brings, also the retry that saves its response later", async (t) => {
  const c = capture();
  const dir = mkdtempSync(join(tmpdir(), 'survey-log-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const saved = new FileResponseStore(dir);
  let failures = 2;
  const responses: ResponseStore = {
    get: (id) => saved.get(id),
    byRespondent: (r, f) => saved.byRespondent(r, f),
    scan: (f) => saved.scan(f),
    scanHeads: (f) => saved.scanHeads(f),
    page: (q, w) => saved.page(q, w),
    deleteByRespondent: (r) => saved.deleteByRespondent(r),
    deleteIds: (ids) => saved.deleteIds(ids),
    close: () => saved.close(),
    save: (record) => (failures-- > 0 ? Promise.reject(new Error('store down')) : saved.save(record)),
  };
  const service = new ConversationService({
    flow,
    sessions: new MemorySessionStore(),
    responses,
    contacts: new FileContactStore(dir),
    log: c.log,
    retryAfter: 10,
  });
  t.after(() => service.close());
  const channel = c.log.child({ channel: 'telegram' });
  let update = 100;
  // Side by side: each respondent's turns log to their own update's logger.
  const interview = (user: string) =>
    answerUntil(
      (input) => service.turn({ channel: 'telegram', user, input, log: channel.child({ update: ++update }) }),
      finished,
    );
  await Promise.all([interview('1'), interview('2')]);
  const retriedCount = () => c.text().split('response saved after retry').length - 1;
  for (let i = 0; i < 1000 && retriedCount() < 2; i++) await sleep(10);
  const lines = c.lines();
  const failed = lines.filter((l) => l.msg === 'response not saved; will retry');
  assert.equal(failed.length, 2);
  assert.notEqual(failed[0].update, failed[1].update, 'each names its own update');
  const retried = lines.filter((l) => l.msg === 'response saved after retry');
  assert.equal(retried.length, 2);
  assert.deepEqual(
    retried.map((l) => [l.session, l.update]).sort(),
    failed.map((l) => [l.session, l.update]).sort(),
    'the retry names the update whose turn finished the session',
  );
  for (const line of lines) assert.equal(line.channel, 'telegram');

  // A turn without a logger of its own: the service's, naming the channel.
  failures = 1;
  await answerUntil((input) => service.turn({ channel: 'discord', user: '3', input }), finished);
  const own = c
    .lines()
    .filter((l) => l.msg === 'response not saved; will retry')
    .at(-1);
  assert.equal(own.channel, 'discord');
  assert.equal('update' in own, false);
});

test('text shaped like a key is not mistaken for a Telegram token', () => {
  const c = capture();
  const key = 'replicas:d0e22607:telegram-polling-leader:123456789';
  c.log.info({ key }, 'became leader');
  assert.equal(c.lines()[0].key, key);
});
