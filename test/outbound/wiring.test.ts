import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { createApp } from '../../src/app.ts';
import { startDiscord } from '../../src/channels/discord/start.ts';
import { startTelegram } from '../../src/channels/telegram/start.ts';
import { parseConfig } from '../../src/config.ts';
import { HttpServer } from '../../src/http/server.ts';
import { DiscordStandIn } from '../support/discord-api.ts';
import { captureLog } from '../support/logs.ts';
import { TelegramApiStandIn } from '../support/telegram-api.ts';
import { Respondent, questionIdOf } from '../telegram/respondent.ts';

test('the app as main.ts starts it: each running channel registers its sender on app.outbound, and leaves when it stops', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'outbound-wiring-'));
  const telegram = new TelegramApiStandIn();
  await telegram.start();
  const discord = await DiscordStandIn.start({ heartbeatInterval: 1000 });
  const { log } = captureLog();
  const app = await createApp(
    parseConfig({
      DATA_DIR: dir,
      RESPONDENT_SALT: 'wiring-test-salt-0123456789',
      TELEGRAM_BOT_TOKEN: telegram.token,
      TELEGRAM_API_ROOT: telegram.apiRoot,
      DISCORD_TOKEN: discord.token,
      DISCORD_API_ROOT: discord.apiRoot,
      SWEEP_INTERVAL_MINUTES: '0',
    }),
    log,
  );
  t.after(async () => {
    await app.close();
    await Promise.all([telegram.close(), discord.close()]);
    rmSync(dir, { recursive: true, force: true });
  });
  assert.deepEqual(app.outbound.channels(), []);
  const channels = [await startTelegram(app, new HttpServer(log)), await startDiscord(app)];
  assert.deepEqual(app.outbound.channels().sort(), ['discord', 'telegram']);

  // A respondent who started on Telegram is reached through the app's port, by pseudonym alone.
  const r = new Respondent(telegram, 8901, 'en');
  await r.send('/start');
  const respondent = app.service.respondentOf('telegram', String(r.id));
  assert.deepEqual(await app.outbound.sendTo(respondent, 'telegram', { kind: 'prompt' }), {
    status: 'delivered',
  });
  assert.equal(questionIdOf(r.last), 'language');
  // The prompt came as a new message and the earlier copy lost its buttons: one live question.
  assert.equal(r.messages.length, 2);
  assert.equal(r.messages.filter((m) => questionIdOf(m) === 'language').length, 1);

  for (const channel of channels) await channel.stop();
  assert.deepEqual(app.outbound.channels(), []);
});
