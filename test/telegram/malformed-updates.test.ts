import assert from 'node:assert/strict';
import { request } from 'node:http';
import { test } from 'node:test';
import { MAX_WEBHOOK_BODY } from '../../src/channels/telegram/channel.ts';
import { translator } from '../support/flow.ts';
import type { TelegramApiStandIn } from '../support/telegram-api.ts';
import { startHarness, type Harness } from './harness.ts';
import { Respondent, questionIdOf } from './respondent.ts';

const en = translator.translatorFor('en');
/** A text no log line may contain: it is in every malformed payload. */
const MARK = 'PAYLOAD-MARK-7731';

const from = (id: number) => ({ id, is_bot: false, first_name: `User${id} ${MARK}`, language_code: 'en' });
const chat = (id: number) => ({ id, type: 'private', first_name: 'x' });
const message = (user: number, extra: Record<string, unknown>) => ({
  message_id: 1,
  date: 1_700_000_000,
  chat: chat(user),
  from: from(user),
  ...extra,
});
const press = (user: number, extra: Record<string, unknown>) => ({
  id: `forged-${user}`,
  from: from(user),
  chat_instance: MARK,
  message: { message_id: 1, date: 1_700_000_000, chat: chat(user) },
  ...extra,
});

/** Updates Telegram never sends, each from its own user (9100 + its position). */
const MALFORMED: [string, (user: number) => Record<string, unknown>][] = [
  ['text is a number', (u) => ({ message: message(u, { text: 42 }) })],
  ['text is an object', (u) => ({ message: message(u, { text: { $gt: MARK } }) })],
  ['text is null', (u) => ({ message: message(u, { text: null }) })],
  ['a message without a chat', (u) => ({ message: { ...message(u, { text: MARK }), chat: undefined } })],
  [
    'a message whose chat id is a string',
    (u) => ({ message: message(u, { chat: { id: String(u), type: 'private' }, text: MARK }) }),
  ],
  [
    'a sender whose id is a fraction',
    (u) => ({ message: message(u, { from: { ...from(u), id: u + 0.5 }, text: MARK }) }),
  ],
  [
    'entities that are not a list',
    (u) => ({ message: message(u, { text: `/start ${MARK}`, entities: MARK }) }),
  ],
  ['numeric callback data', (u) => ({ callback_query: press(u, { data: 42 }) })],
  ['callback data that is a list', (u) => ({ callback_query: press(u, { data: [MARK] }) })],
  [
    'a press without a sender',
    (u) => ({ callback_query: { ...press(u, { data: '!start' }), from: undefined } }),
  ],
  ['a message that is null', () => ({ message: null })],
  [
    'a message and a press in one update',
    (u) => ({ message: message(u, { text: MARK }), callback_query: press(u, { data: '!start' }) }),
  ],
  [
    'a block whose new status is missing',
    (u) => ({
      my_chat_member: {
        chat: chat(u),
        from: from(u),
        date: 1,
        old_chat_member: { status: 'member', user: from(u) },
        new_chat_member: { user: from(u) },
      },
    }),
  ],
];

function rawPost(h: Harness, body: string, headers: Record<string, string | number> = {}): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(
      h.api.webhook!.url,
      {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-telegram-bot-api-secret-token': h.api.webhook!.secret!,
          ...headers,
        },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** Calls the bot made to the Bot API about anything but setting itself up. */
const conversationCalls = (api: TelegramApiStandIn) =>
  api.calls.filter(
    (c) => !['getMe', 'setMyCommands', 'setWebhook', 'deleteWebhook', 'getUpdates'].includes(c.method),
  );

async function checkRefused(
  h: Harness,
  deliver: (update: Record<string, unknown>, id: number) => Promise<void>,
) {
  const respondent = new Respondent(h.api, 9000, 'en');
  await respondent.send('/start');
  const before = await h.service.current('telegram', '9000');
  const callsBefore = conversationCalls(h.api).length;
  for (const [i, [name, make]] of MALFORMED.entries()) {
    const warnings: number = h.log.lines.filter((l) => l.level === 40).length;
    await deliver(make(9100 + i), 50_000 + i);
    const added = h.log.lines.filter((l) => l.level === 40).slice(warnings);
    assert.deepEqual(
      added.map((l) => l.msg),
      ['telegram update refused: malformed'],
      `${name}: one warning line`,
    );
    assert.equal(await h.service.current('telegram', String(9100 + i)), null, `${name}: no session`);
  }
  // The same malformed shapes claiming to be the respondent change nothing of theirs either.
  for (const [, make] of MALFORMED) await deliver(make(9000), 60_000);
  assert.deepEqual(await h.service.current('telegram', '9000'), before);
  assert.equal(conversationCalls(h.api).length, callsBefore, 'nobody was answered');
  assert.deepEqual(
    h.log.lines.filter((l) => l.level >= 50),
    [],
    'no error-level line',
  );
  assert.ok(!h.log.text().includes(MARK), 'no line carries the payload');
  // The bot goes on for everyone.
  await respondent.step({ choose: 'en' });
  assert.equal(questionIdOf(respondent.last), 'consent');
}

test('webhook: malformed updates are refused at the door with 200, one warning each, and nothing changes', async (t) => {
  const h = await startHarness(t, { mode: 'webhook' });
  if (!h) return;
  await checkRefused(h, async (update, id) => {
    assert.equal(await rawPost(h, JSON.stringify({ update_id: id, ...update })), 200);
  });
});

test('polling: malformed updates in a batch are refused, one warning each, and polling goes on', async (t) => {
  const h = await startHarness(t, { mode: 'polling' });
  if (!h) return;
  await checkRefused(h, async (update) => {
    await h.api.deliverRaw(update);
  });
});

test('webhook: a body that is not an update (null, a list, no update id, not JSON) is answered 400 with one warning', async (t) => {
  const h = await startHarness(t, { mode: 'webhook' });
  if (!h) return;
  const bodies = [
    'null',
    '[]',
    '42',
    '"x"',
    JSON.stringify({ message: { text: MARK } }),
    JSON.stringify({ update_id: -1 }),
    JSON.stringify({ update_id: '7' }),
    `{"update_id": 1, "x": "${MARK}"`,
  ];
  for (const body of bodies) {
    const warnings: number = h.log.lines.filter((l) => l.level === 40).length;
    assert.equal(await rawPost(h, body), 400, body);
    assert.deepEqual(
      h.log.lines
        .filter((l) => l.level === 40)
        .slice(warnings)
        .map((l) => l.msg),
      ['telegram webhook body is not an update'],
      body,
    );
  }
  assert.deepEqual(conversationCalls(h.api), []);
  assert.deepEqual(
    h.log.lines.filter((l) => l.level >= 50),
    [],
  );
  assert.ok(!h.log.text().includes(MARK));
});

test(`webhook: a body over ${MAX_WEBHOOK_BODY / 1024} KB is refused with 413 before it is read whole`, async (t) => {
  const h = await startHarness(t, { mode: 'webhook' });
  if (!h) return;
  const r = new Respondent(h.api, 9300, 'en');
  // A real update, padded to 1 MB: refused whole, nothing handled.
  const big = JSON.stringify({ update_id: 70_001, ...r.user.text(`/start ${'x'.repeat(1024 * 1024)}`) });
  assert.equal(await rawPost(h, big), 413);
  assert.equal(await h.service.current('telegram', '9300'), null);

  // A sender that announces 1 MB and sends only the first kilobyte is answered at once: the
  // announced length alone is enough to refuse, nothing waits for the rest.
  const announced = await new Promise<number>((resolve, reject) => {
    const req = request(h.api.webhook!.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'content-length': 1024 * 1024,
        'x-telegram-bot-api-secret-token': h.api.webhook!.secret!,
      },
    });
    req.on('response', (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
      req.destroy();
    });
    req.on('error', (error) => (req.destroyed ? undefined : reject(error)));
    req.write('{"update_id": 70002, "message": {"text": "' + 'x'.repeat(1000));
  });
  assert.equal(announced, 413);

  // Without a length (chunked), reading stops at the limit.
  const chunked = await new Promise<number>((resolve, reject) => {
    const req = request(h.api.webhook!.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-telegram-bot-api-secret-token': h.api.webhook!.secret!,
      },
    });
    req.on('response', (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
      req.destroy();
    });
    req.on('error', (error) => (req.destroyed ? undefined : reject(error)));
    req.write('{"update_id": 70003, "message": {"text": "');
    // Keeps sending until the bot answers: it must answer without the whole body.
    const chunk = 'x'.repeat(16 * 1024);
    const pump = () => {
      if (req.destroyed) return;
      if (req.write(chunk)) setImmediate(pump);
      else req.once('drain', pump);
    };
    pump();
  });
  assert.equal(chunked, 413);
  assert.deepEqual(
    h.log.lines.filter((l) => l.level >= 50),
    [],
  );

  // Within the limit, a real update is taken.
  assert.equal(await rawPost(h, JSON.stringify({ update_id: 70_004, ...r.user.text('/start') })), 200);
  assert.equal(questionIdOf(r.last), 'language');
  assert.ok(r.last.text.startsWith(en({ key: 'telegram:welcome' })));
});
