import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Respondent, questionIdOf, type Step } from '../telegram/respondent.ts';
import { startBot, startStandIn, storeEnv, webhookEnv } from './bot-process.ts';
import { readMetrics } from './prometheus.ts';

/** A short interview: a respondent who is not a member and works without partners. */
const PLAN: Record<string, Step[]> = {
  language: [{ choose: 'en' }],
  consent: [{ choose: 'yes' }],
  q1: [{ choose: 'public' }],
  q2: [{ choose: 'no' }],
  q3: [{ type: 'Kenya' }],
  q4: [{ choose: 'up_to_4999' }],
  q5: [{ choose: 'no' }],
  q6: [{ choose: 'none' }, 'done'],
  q11: [{ type: 'We work alone for now.' }],
  q11b: [{ choose: 'none_created' }],
  q12: [{ choose: 'no' }],
  q13: ['skip'],
  q14: [{ type: '2,1' }, { choose: 'not_applicable' }],
  q15: [{ type: 'Partners in the city.' }],
  q16: [{ type: '1,3' }],
  q17: [{ choose: 'no' }],
};

test('/metrics: the counters move during an interview, with closed label values only', async (t) => {
  const api = await startStandIn(t);
  const bot = startBot(t, { ...(await webhookEnv(api)), ...storeEnv(t), LOG_LEVEL: 'warn' });
  await api.waitForCall((c) => c.method === 'setWebhook', 30_000);
  assert.equal((await bot.get('/healthz')).status, 200);
  const ready = await bot.get('/readyz');
  assert.equal(ready.status, 200, ready.text);
  assert.deepEqual(JSON.parse(ready.text).checks, { telegram: true });

  const before = await readMetrics(bot.port);
  const user = 64209731;
  const r = new Respondent(api, user, 'en');
  await r.send('/start');
  assert.equal(questionIdOf(r.last), 'language');
  // A rate limit waited out, and a press whose answer Telegram refuses once: the survey goes on.
  api.failNext('sendMessage', {
    error_code: 429,
    description: 'Too Many Requests: retry after 1',
    parameters: { retry_after: 1 },
  });
  api.failNext('answerCallbackQuery', { error_code: 500, description: 'Internal Server Error' });
  const old = { message: r.question.message_id, data: r.button('c', 'en').data };
  await r.step({ choose: 'en' });
  await r.step({ choose: 'yes' });
  await r.press(old.data, old.message); // refused: a button of a question already answered
  const asked = await r.takeSurvey(PLAN);
  assert.equal(asked.at(-1), 'q17');
  const after = await readMetrics(bot.port);

  const delta = (name: string, labels: Record<string, string>) =>
    after.value(name, labels) - before.value(name, labels);
  const telegram = { channel: 'telegram' };
  const presses = Object.values(PLAN)
    .flat()
    .filter((s) => typeof s !== 'object' || !('type' in s)).length;
  const typed = Object.values(PLAN).flat().length - presses;
  // /start, the two presses above, the refused text, then the plan minus what was answered above.
  const inputs = 2 + 1 + (presses - 2) + typed;
  assert.equal(delta('survey_updates_received_total', { ...telegram, kind: 'command' }), 1);
  assert.equal(delta('survey_updates_received_total', { ...telegram, kind: 'input' }), inputs);
  assert.equal(delta('survey_updates_handled_total', { ...telegram, kind: 'input', outcome: 'refused' }), 1);
  assert.equal(
    delta('survey_updates_handled_total', { ...telegram, kind: 'input', outcome: 'ok' }),
    inputs - 1,
  );
  assert.equal(delta('survey_updates_handled_total', { ...telegram, kind: 'command', outcome: 'ok' }), 1);
  assert.equal(delta('survey_turn_duration_seconds_count', telegram), inputs + 1);
  assert.ok(delta('survey_turn_duration_seconds_sum', telegram) > 0);
  assert.equal(delta('survey_sessions_total', { ...telegram, event: 'started' }), 1);
  assert.equal(delta('survey_sessions_total', { ...telegram, event: 'completed' }), 1);
  assert.equal(delta('survey_rate_limit_waits_total', telegram), 1);
  assert.equal(delta('survey_platform_errors_total', { ...telegram, code: 'http_500' }), 1);
  assert.equal(after.value('survey_store_errors_total', { operation: 'turn' }), 0);
  assert.ok(after.value('process_cpu_user_seconds_total', {}) > 0, 'process metrics too');

  // Label values are names and codes, never a user id or anything typed.
  for (const { labels } of after.samples) {
    for (const value of Object.values(labels)) {
      assert.match(value, /^[a-z0-9_.+:-]*$/i, `label value ${value}`);
      assert.ok(!value.includes(String(user)), 'no user id in a label');
    }
  }
  assert.ok(!after.text.includes('Kenya') && !after.text.includes('alone'));

  bot.child.kill('SIGTERM');
  assert.equal(await bot.exit, 0, bot.output());
});
