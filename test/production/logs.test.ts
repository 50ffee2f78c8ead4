import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Respondent, questionIdOf, type Step } from '../telegram/respondent.ts';
import { startBot, startStandIn, storeEnv, webhookEnv } from './bot-process.ts';

const NAME = 'Amira Haddad-Lefebvre';
const EMAIL = 'amira.haddad@example.org';

/** Personal data and free texts typed along the way, none of which may reach a log line. */
const PLAN: Record<string, Step[]> = {
  language: [{ choose: 'en' }],
  consent: [{ choose: 'yes' }],
  q1: [{ choose: 'other' }, { type: 'Bibliothèque du quartier Nord' }],
  q2: [{ choose: 'no' }],
  q3: [{ type: 'Morocco' }],
  q4: [{ choose: 'up_to_4999' }],
  q5: [{ choose: 'no' }],
  q6: [{ choose: 'none' }, 'done'],
  q11: [{ type: 'Our mayor Mr Benali refused twice.' }],
  q11b: [{ type: 'Our leaflets: https://example.org/souk-reading' }],
  q12: [{ choose: 'no' }],
  q13: [{ type: 'Ring me on +212 600 000 111 any evening' }],
  q14: [{ type: '2,1' }, { choose: 'not_applicable' }],
  q15: [{ type: 'A reading room in the souk' }],
  q16: [{ type: '1,3' }],
  q17: [{ choose: 'yes' }, { type: NAME }, { choose: 'email' }, { type: EMAIL }, { choose: 'fr' }],
};

test('logs of a whole Telegram interview: JSON lines with the update id, no token, texts, personal data or user id', async (t) => {
  const api = await startStandIn(t);
  const env = await webhookEnv(api);
  const salt = 'log-test-salt-5f1c9a0b7e';
  const bot = startBot(t, { ...env, ...storeEnv(t), LOG_LEVEL: 'trace', RESPONDENT_SALT: salt });
  await bot.waitForLine((l) => l.msg === 'survey bot running');

  const user = 7319004182;
  const r = new Respondent(api, user, 'fr');
  await r.send('/start');
  assert.equal(questionIdOf(r.last), 'language');
  // Faults inside turns, so that turns log warnings and errors too; one carries the token.
  api.failNext('sendMessage', {
    error_code: 429,
    description: 'Too Many Requests: retry after 1',
    parameters: { retry_after: 1 },
  });
  api.failNext('answerCallbackQuery', {
    error_code: 400,
    description: `Bad Request: the proxy for /bot${api.token}/answerCallbackQuery said no`,
  });
  const asked = await r.takeSurvey(PLAN);
  assert.equal(asked.at(-1), 'q17');
  assert.match(r.last.text, /.+/);
  bot.child.kill('SIGTERM');
  assert.equal(await bot.exit, 0, bot.output());

  const output = bot.output();
  const lines = bot.lines();
  assert.equal(output.trim().split('\n').length, lines.length, 'every line is JSON');
  for (const secret of [api.token, api.token.split(':')[1]!, env.TELEGRAM_WEBHOOK_SECRET!, salt]) {
    assert.ok(!output.includes(secret), 'no token, webhook secret or salt in the logs');
  }
  assert.ok(output.includes('[redacted]'), 'the token in the failed call was logged redacted');
  const typed = Object.values(PLAN)
    .flat()
    .flatMap((s) => (typeof s === 'object' && 'type' in s && s.type.length > 4 ? [s.type] : []));
  for (const text of [...typed, 'Amira', 'Haddad', 'amira.haddad', '600 000 111']) {
    assert.ok(!output.includes(text), `"${text}" is not in the logs`);
  }
  for (const message of api.chat(user)) {
    for (const line of message.text.split('\n').filter((l) => l.length > 20)) {
      assert.ok(!output.includes(line), `the bot's text "${line}" is not in the logs`);
    }
  }
  assert.ok(!output.includes(String(user)), 'the raw user id is not in the logs');

  // Each line of a turn names its update: everything between start-up and shutdown is a turn here.
  const from = lines.findIndex((l) => l.msg === 'survey bot running');
  const to = lines.findIndex((l) => l.msg === 'shutting down');
  const turns = lines.slice(from + 1, to);
  assert.ok(turns.length > 0);
  for (const line of turns) {
    assert.equal(typeof line.update, 'number', `update id on: ${JSON.stringify(line)}`);
    assert.equal(line.service, 'survey-bot');
    if ('respondent' in line) assert.match(String(line.respondent), /^[0-9a-f]{32}$/);
    if ('chat' in line) assert.match(String(line.chat), /^[0-9a-f]{32}$/);
  }
  for (const line of turns.filter((l) => l.msg === 'update handled')) {
    const keys = Object.keys(line).sort();
    assert.deepEqual(keys, ['channel', 'kind', 'level', 'ms', 'msg', 'outcome', 'service', 'time', 'update']);
  }
  const received = new Set(turns.filter((l) => l.msg === 'update received').map((l) => l.update));
  const handled = new Set(turns.filter((l) => l.msg === 'update handled').map((l) => l.update));
  const delivered = api.callsOf('answerCallbackQuery').length + typed.length + 1;
  assert.ok(received.size >= delivered - 1, `${received.size} updates logged, ${delivered} delivered`);
  assert.deepEqual(handled, received, 'every update received is logged as handled, with the same id');
  for (const msg of ['telegram rate limit: waiting', 'telegram call failed']) {
    const line = turns.find((l) => l.msg === msg);
    assert.ok(line, `"${msg}" was logged within a turn`);
    assert.ok(received.has(line.update), `"${msg}" names the update it belongs to`);
  }
});
