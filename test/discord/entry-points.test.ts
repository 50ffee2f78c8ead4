import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { DiscordStandIn } from '../support/discord-api.ts';

const ROOT = join(import.meta.dirname, '..', '..');

/** Runs a project entry point with only the given settings (no Redis or MongoDB from outside). */
function start(t: TestContext, file: string, args: string[], env: Record<string, string>) {
  const dataDir = mkdtempSync(join(tmpdir(), 'discord-entry-'));
  const child = spawn(process.execPath, ['--import', 'tsx', file, ...args], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', DATA_DIR: dataDir, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (d) => (output += d));
  child.stderr.on('data', (d) => (output += d));
  t.after(() => {
    if (child.exitCode === null) child.kill('SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
  });
  return { child, output: () => output };
}

async function until(what: string, check: () => boolean, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

test('npm start with DISCORD_TOKEN runs the Discord channel, and stops cleanly on SIGTERM', async (t) => {
  const api = await DiscordStandIn.start({ heartbeatInterval: 1000 });
  t.after(() => api.close());
  const bot = start(t, 'src/main.ts', [], {
    DISCORD_TOKEN: api.token,
    DISCORD_API_ROOT: api.apiRoot,
    HTTP_PORT: '0',
    LOG_LEVEL: 'warn',
  });
  await until('the bot to identify on the gateway', () => api.gateway.stats.identifies === 1);
  assert.equal(api.gateway.intents, 1 << 12, 'direct messages only: DM content needs no privileged intent');
  const user = api.addUser();
  api.userMessage(user.id, 'hello');
  const dm = api.dmWith(user.id);
  await until('the first question in the DM', () =>
    dm.messages.some((m) => /Please choose your language/.test(m.content)),
  );
  bot.child.kill('SIGTERM');
  const [code] = await once(bot.child, 'exit');
  assert.equal(code, 0, bot.output());
});

test('npm run discord:commands registers the commands for one server, or says what is missing', async (t) => {
  const api = await DiscordStandIn.start();
  t.after(() => api.close());
  const env = {
    DISCORD_TOKEN: api.token,
    DISCORD_APPLICATION_ID: api.applicationId,
    DISCORD_API_ROOT: api.apiRoot,
  };
  const ok = start(t, 'src/channels/discord/register-cli.ts', ['--guild', '123456789012345678'], env);
  assert.equal((await once(ok.child, 'exit'))[0], 0, ok.output());
  assert.match(ok.output(), /registered 3 commands for server 123456789012345678/);
  assert.equal(api.commands.get('123456789012345678')?.length, 3);

  const missing = start(t, 'src/channels/discord/register-cli.ts', [], {
    DISCORD_TOKEN: api.token,
    DISCORD_API_ROOT: api.apiRoot,
  });
  assert.equal((await once(missing.child, 'exit'))[0], 1);
  assert.match(missing.output(), /needs DISCORD_TOKEN and DISCORD_APPLICATION_ID/);
  assert.doesNotMatch(
    missing.output() + ok.output(),
    new RegExp(api.token.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')),
    'the token is never printed',
  );
});
