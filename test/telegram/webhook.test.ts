import assert from 'node:assert/strict';
import { request } from 'node:http';
import { test } from 'node:test';
import { translator } from '../support/flow.ts';
import { startHarness } from './harness.ts';
import { Respondent, questionIdOf } from './respondent.ts';

const en = translator.translatorFor('en');

function call(url: string, method: string, body = ''): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method, headers: { 'content-type': 'application/json' } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end(body);
  });
}

test('webhook mode: the webhook is set with its secret token, and only requests carrying it are read', async (t) => {
  const h = await startHarness(t, { mode: 'webhook' });
  if (!h) return;
  const [set] = h.api.callsOf('setWebhook');
  assert.ok(set);
  assert.equal(set.body.url, h.api.webhook!.url);
  assert.equal(set.body.secret_token, 'hook-secret_1');
  assert.deepEqual(set.body.allowed_updates, ['message', 'callback_query', 'my_chat_member']);
  assert.equal(h.api.callsOf('getUpdates').length, 0, 'no polling in webhook mode');

  const r = new Respondent(h.api, 8501, 'en');
  const url = h.api.webhook!.url;
  const before = h.api.calls.length;
  assert.equal((await h.api.post(url, { update_id: 1, ...r.user.text('/start') })).status, 403);
  assert.equal(
    (await h.api.post(url, { update_id: 2, ...r.user.text('/start') }, 'wrong-secret')).status,
    403,
  );
  assert.equal(
    (await h.api.post(url, { update_id: 3, ...r.user.text('/start') }, 'hook-secret_')).status,
    403,
  );
  assert.equal(h.api.calls.length, before, 'nothing was handled');
  assert.ok(h.log.lines.some((l) => l.msg === 'telegram webhook request without the right secret token'));
  assert.ok(!JSON.stringify(h.log.lines).includes('hook-secret_1'), 'the secret is never logged');

  assert.equal(await call(url, 'GET'), 405);
  assert.equal(await call(url.replace('/telegram/hook', '/telegram/other'), 'POST', '{}'), 404);

  // The real delivery carries the secret; the bot answers.
  assert.equal((await h.api.deliver(r.user.text('/start'))).status, 200);
  assert.equal(questionIdOf(r.last), 'language');
  assert.ok(r.last.text.startsWith(en({ key: 'telegram:welcome' })));
});

test('webhook mode: a body that is not JSON is refused (400), and the bot goes on', async (t) => {
  const h = await startHarness(t, { mode: 'webhook' });
  if (!h) return;
  const url = h.api.webhook!.url;
  const status = await new Promise<number>((resolve, reject) => {
    const req = request(
      url,
      { method: 'POST', headers: { 'x-telegram-bot-api-secret-token': 'hook-secret_1' } },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', reject);
    req.end('{not json');
  });
  assert.equal(status, 400);
  const r = new Respondent(h.api, 8502, 'en');
  await r.send('/start');
  assert.equal(questionIdOf(r.last), 'language');
});

test('webhook mode: a press on a question is answered at once, before the turn is stored; a refused one in the webhook response, with its notice', async (t) => {
  const h = await startHarness(t, { mode: 'webhook' });
  if (!h) return;
  const r = new Respondent(h.api, 8531, 'en');
  await r.send('/start');
  const language = r.question;
  const english = r.button('c', 'en').data;
  const calls = await r.press(english);
  assert.equal(calls[0]?.method, 'answerCallbackQuery', 'the answer is the first call');
  assert.equal(calls[0]!.webhookReply, undefined, 'a request of its own');
  assert.equal(calls[0]!.body.text, undefined, 'taken: no notice');
  assert.equal(calls.filter((c) => c.method === 'answerCallbackQuery').length, 1, 'answered once');
  assert.ok(
    calls.some((c) => c.method === 'sendMessage'),
    'the next question comes',
  );
  // The same button again: stale, refused with a notice in the webhook response.
  const again = await r.press(english, language.message_id);
  const refused = again.filter((c) => c.method === 'answerCallbackQuery');
  assert.equal(refused.length, 1);
  assert.equal(refused[0]!.webhookReply, true, 'in the webhook response');
  assert.equal(typeof refused[0]!.body.text, 'string');
  assert.ok(refused[0]!.ok, 'Telegram took the answer');
  assert.equal(questionIdOf(r.question), questionIdOf(r.last), 'nothing else changed');
});
