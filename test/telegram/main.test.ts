import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { TelegramApiStandIn } from '../support/telegram-api.ts';
import { Respondent, questionIdOf } from './respondent.ts';

const ROOT = join(import.meta.dirname, '..', '..');

/** `npm start` with a Telegram token: the real entry point, talking to the stand-in. */
function start(
  t: TestContext,
  env: Record<string, string>,
): { child: ChildProcess; exit: Promise<number | null>; output: () => string } {
  const dir = mkdtempSync(join(tmpdir(), 'telegram-main-'));
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', DATA_DIR: dir, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (c) => (output += c));
  child.stderr!.on('data', (c) => (output += c));
  const exit = new Promise<number | null>((resolve) => child.on('close', resolve));
  t.after(async () => {
    if (child.exitCode === null) child.kill('SIGKILL');
    await exit;
    rmSync(dir, { recursive: true, force: true });
  });
  return { child, exit, output: () => output };
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

async function standIn(t: TestContext): Promise<TelegramApiStandIn> {
  const api = new TelegramApiStandIn();
  await api.start();
  t.after(() => api.close());
  return api;
}

test('npm start with TELEGRAM_BOT_TOKEN polls the configured API root, answers, and stops cleanly on SIGTERM', async (t) => {
  const api = await standIn(t);
  const bot = start(t, { TELEGRAM_BOT_TOKEN: api.token, TELEGRAM_API_ROOT: api.apiRoot, HTTP_PORT: '0' });
  await api.waitForCall((c) => c.method === 'getUpdates', 20_000);
  assert.ok(api.callsOf('setMyCommands').length >= 6);
  const r = new Respondent(api, 8601, 'ru');
  await r.send('/start');
  assert.equal(questionIdOf(r.last), 'language');
  bot.child.kill('SIGTERM');
  assert.equal(await bot.exit, 0, bot.output());
  assert.match(bot.output(), /survey bot running/);
  assert.ok(!bot.output().includes(api.token.split(':')[1]!), 'the token is never logged');
});

test('npm start with TELEGRAM_WEBHOOK_URL sets the webhook and serves it on HTTP_PORT', async (t) => {
  const api = await standIn(t);
  const port = await freePort();
  const bot = start(t, {
    TELEGRAM_BOT_TOKEN: api.token,
    TELEGRAM_API_ROOT: api.apiRoot,
    TELEGRAM_WEBHOOK_URL: `http://127.0.0.1:${port}/telegram/hook`,
    TELEGRAM_WEBHOOK_SECRET: 'main-test-secret',
    HTTP_PORT: String(port),
  });
  const set = await api.waitForCall((c) => c.method === 'setWebhook', 20_000);
  assert.equal(set.body.secret_token, 'main-test-secret');
  const r = new Respondent(api, 8602, 'ar');
  await r.send('/start');
  assert.equal(questionIdOf(r.last), 'language');
  bot.child.kill('SIGTERM');
  assert.equal(await bot.exit, 0, bot.output());
  assert.ok(!bot.output().includes('main-test-secret'), 'the secret is never logged');
});

test('a token the Bot API refuses stops start-up with an error, not a hang', async (t) => {
  const api = await standIn(t);
  const bot = start(t, {
    TELEGRAM_BOT_TOKEN: '42:not-the-right-token',
    TELEGRAM_API_ROOT: api.apiRoot,
    HTTP_PORT: '0',
  });
  assert.equal(await bot.exit, 1);
  assert.match(bot.output(), /a channel could not start/);
  assert.ok(!bot.output().includes('not-the-right-token'));
});
