import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { RedisSessionStore } from '../../src/store/redis-session-store.ts';
import { isCorrupt, sessionKey } from '../../src/store/session-store.ts';
import { isQuestion, questionIdOf } from '../telegram/respondent.ts';
import { startWebhookReplicas } from './replica-process.ts';
import { BalancedRespondent } from './webhook-respondent.ts';
import { testKeyring } from '../support/servers.ts';

/**
 * A generated corpus of updates Telegram never sends (every field the bot or telegraf reads
 * given a wrong type, required fields missing, unsafe numbers) and of hostile ones it could
 * (odd Unicode, huge texts, forged callback data of every shape, unknown kinds), posted to a
 * real bot process's webhook. The corpus is fixed by its seed, so a failure can be replayed.
 */
const SEED = 20_2024;
const BOT = 'survey_test_bot';

type Json = Record<string, unknown>;

const user = (id: number) => ({ id, is_bot: false, first_name: `U${id}`, language_code: 'en' });
const chat = (id: number) => ({ id, type: 'private', first_name: `U${id}` });
const BASES: Record<string, (id: number) => Json> = {
  text: (id) => ({
    message: { message_id: 7, date: 1_700_000_000, chat: chat(id), from: user(id), text: 'hello' },
  }),
  command: (id) => ({
    message: {
      message_id: 8,
      date: 1_700_000_000,
      chat: chat(id),
      from: user(id),
      text: '/start abc',
      entities: [{ type: 'bot_command', offset: 0, length: 6 }],
    },
  }),
  press: (id) => ({
    callback_query: {
      id: `cq-${id}`,
      from: user(id),
      chat_instance: 'ci',
      data: '!start',
      message: {
        message_id: 9,
        date: 1_700_000_000,
        chat: chat(id),
        reply_markup: { inline_keyboard: [[{ text: 'Go', callback_data: '!start' }]] },
      },
    },
  }),
  block: (id) => ({
    my_chat_member: {
      chat: chat(id),
      from: user(id),
      date: 1_700_000_000,
      old_chat_member: { status: 'member', user: user(1) },
      new_chat_member: { status: 'kicked', user: user(1) },
    },
  }),
};

type Kind = 'int' | 'id' | 'string' | 'bool' | 'object' | 'array';
/** Every field the bot or telegraf reads: its update kind, path, JSON type and whether Telegram always sends it. */
const FIELDS: [base: string, path: string, kind: Kind, required: boolean][] = [
  ['text', 'update_id', 'int', true],
  ['text', 'message', 'object', false],
  ['text', 'message.message_id', 'int', true],
  ['text', 'message.date', 'int', true],
  ['text', 'message.chat', 'object', true],
  ['text', 'message.chat.id', 'id', true],
  ['text', 'message.chat.type', 'string', true],
  ['text', 'message.from', 'object', false],
  ['text', 'message.from.id', 'id', true],
  ['text', 'message.from.is_bot', 'bool', true],
  ['text', 'message.from.first_name', 'string', true],
  ['text', 'message.from.language_code', 'string', false],
  ['text', 'message.text', 'string', false],
  ['command', 'message.entities', 'array', false],
  ['command', 'message.entities.0', 'object', true],
  ['command', 'message.entities.0.type', 'string', true],
  ['command', 'message.entities.0.offset', 'int', true],
  ['command', 'message.entities.0.length', 'int', true],
  ['press', 'callback_query', 'object', false],
  ['press', 'callback_query.id', 'string', true],
  ['press', 'callback_query.from', 'object', true],
  ['press', 'callback_query.from.id', 'id', true],
  ['press', 'callback_query.chat_instance', 'string', true],
  ['press', 'callback_query.data', 'string', false],
  ['press', 'callback_query.message', 'object', false],
  ['press', 'callback_query.message.message_id', 'int', true],
  ['press', 'callback_query.message.chat', 'object', true],
  ['press', 'callback_query.message.chat.id', 'id', true],
  ['press', 'callback_query.message.reply_markup', 'object', false],
  ['press', 'callback_query.message.reply_markup.inline_keyboard', 'array', true],
  ['press', 'callback_query.message.reply_markup.inline_keyboard.0.0.callback_data', 'string', false],
  ['block', 'my_chat_member', 'object', false],
  ['block', 'my_chat_member.chat', 'object', true],
  ['block', 'my_chat_member.from', 'object', true],
  ['block', 'my_chat_member.new_chat_member', 'object', true],
  ['block', 'my_chat_member.new_chat_member.status', 'string', true],
];

const anyObject = fc.dictionary(
  fc.string({ maxLength: 8 }),
  fc.oneof(fc.integer(), fc.string(), fc.constant(null)),
  {
    maxKeys: 3,
  },
);
const fraction = fc.double({ noNaN: true, noDefaultInfinity: true }).filter((d) => !Number.isInteger(d));
/** A value of any JSON type but `kind` (JSON has no NaN or Infinity: they are sent as null). */
const WRONG: Record<Kind, fc.Arbitrary<unknown>> = {
  int: fc.oneof(
    fc.integer({ max: -1 }),
    fraction,
    fc.constant(2 ** 60),
    fc.string(),
    fc.boolean(),
    fc.constant(null),
    fc.array(fc.integer(), { maxLength: 3 }),
    anyObject,
  ),
  id: fc.oneof(
    fraction,
    fc.constant(2 ** 60),
    fc.constant(-(2 ** 60)),
    fc.string(),
    fc.boolean(),
    fc.constant(null),
    anyObject,
  ),
  string: fc.oneof(
    fc.integer(),
    fraction,
    fc.boolean(),
    fc.constant(null),
    fc.array(fc.string(), { maxLength: 3 }),
    anyObject,
  ),
  bool: fc.oneof(
    fc.integer(),
    fc.string(),
    fc.constant(null),
    fc.array(fc.boolean(), { maxLength: 2 }),
    anyObject,
  ),
  object: fc.oneof(
    fc.integer(),
    fc.string(),
    fc.boolean(),
    fc.constant(null),
    fc.array(fc.integer(), { maxLength: 3 }),
  ),
  array: fc.oneof(fc.integer(), fc.string(), fc.boolean(), fc.constant(null), anyObject),
};
const MISSING = Symbol('missing');

function setPath(update: Json, path: string, value: unknown): Json {
  const copy = structuredClone(update);
  const keys = path.split('.');
  let node = copy as Record<string, unknown>;
  for (const key of keys.slice(0, -1)) node = node[key] as Record<string, unknown>;
  if (value === MISSING) delete node[keys.at(-1)!];
  else node[keys.at(-1)!] = value;
  return copy;
}

/** Updates Telegram never sends, from `from`'s user ids: one field wrong, or missing when required. */
function malformed(users: number[], runs: number): { update: Json; path: string }[] {
  const arbitrary = fc
    .tuple(fc.constantFrom(...FIELDS), fc.constantFrom(...users), fc.boolean())
    .chain(([[base, path, kind, required], id, drop]) =>
      (drop && required ? fc.constant<unknown>(MISSING) : WRONG[kind]).map((value) => ({
        update: setPath({ update_id: 1, ...BASES[base]!(id) }, path, value),
        path,
      })),
    );
  return fc.sample(arbitrary, { numRuns: runs, seed: SEED });
}

const oddText = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 60 }),
  fc.string({ unit: 'grapheme', maxLength: 60 }),
  fc.constantFrom(
    '\u200B',
    '\u202E\u2066x\u2069',
    '\uFEFF\u200D',
    '\u0000\u0007',
    '\uD800',
    'x'.repeat(5000),
    '٣',
    '',
  ),
  fc.string({ unit: 'grapheme-ascii', minLength: 4000, maxLength: 20_000 }),
);
const forgedData = fc.oneof(
  fc.string({ maxLength: 80 }),
  fc.string({ unit: 'binary', minLength: 60, maxLength: 70 }),
  fc.stringMatching(/^-?\d{1,12}:[a-z0-9_]{1,12}:[a-z]{1,2}(:[A-Za-z0-9_]{0,45})?$/),
  fc.stringMatching(/^!(restart|delete|lang|start|answers|change|erase|x)(:[a-z]{0,6})?$/),
);
/** Updates a hostile user or client could really send: odd texts and commands, forged presses, odd kinds. */
function hostile(users: number[], runs: number): Json[] {
  const arbitrary = fc.oneof(
    fc
      .tuple(fc.constantFrom(...users), oddText)
      .map(([id, text]) => setPath(BASES.text!(id), 'message.text', text)),
    fc
      .tuple(
        fc.constantFrom(...users),
        fc.constantFrom(
          '/start',
          '/language',
          '/restart',
          '/delete_my_data',
          `/skip@${BOT}`,
          '/nope',
          '/start@other_bot',
        ),
        oddText,
      )
      .map(([id, command, arg]) => {
        const update = BASES.command!(id);
        const message = update.message as Json;
        return {
          message: {
            ...message,
            text: `${command} ${arg}`,
            entities: [{ type: 'bot_command', offset: 0, length: command.length }],
          },
        };
      }),
    fc
      .tuple(fc.constantFrom(...users), forgedData, fc.boolean(), fc.integer({ min: 1, max: 5000 }))
      .map(([id, data, carried, message]) => {
        let update = setPath(BASES.press!(id), 'callback_query.data', data);
        update = setPath(update, 'callback_query.message.message_id', message);
        // Sometimes the forged data is even on the pressed message's keyboard, as a client could not make it.
        const keyboard = [[{ text: 'x', callback_data: carried ? data : '!start' }]];
        return setPath(update, 'callback_query.message.reply_markup.inline_keyboard', keyboard);
      }),
    fc.tuple(fc.constantFrom(...users), oddText).map(([id, text]) => {
      const update = setPath(BASES.text!(id), 'message.text', text);
      return setPath(update, 'message.chat', { id: -100_000 - id, type: 'supergroup', title: 'Group' });
    }),
    fc.constantFrom<Json>(
      {},
      { edited_message: { message_id: 1 } },
      { channel_post: { text: 'x' } },
      { poll: {} },
    ),
    fc
      .tuple(fc.constantFrom(...users), fc.constantFrom('member', 'left', 'kicked', 'restricted', 'weird'))
      .map(([id, status]) => setPath(BASES.block!(id), 'my_chat_member.new_chat_member.status', status)),
  );
  return fc.sample(arbitrary, { numRuns: runs, seed: SEED + 1 });
}

test('a generated corpus of 400 malformed or hostile updates: the process stays up, answers 200 or 400, no error line, no session of theirs touched', async (t) => {
  const setup = await startWebhookReplicas(t, 1);
  if (!setup) return;
  const { api, servers, replicas, balancer } = setup;
  const [replica] = replicas;
  const url = balancer.urls[0]!;
  const sessions = new RedisSessionStore(servers.redis, {
    prefix: servers.env.REDIS_PREFIX,
    ttlMs: 60_000,
    keyring: testKeyring(),
  });
  const sessionOf = async (id: number) => {
    const s = await sessions.get(sessionKey('telegram', String(id)));
    assert.ok(s === null || !isCorrupt(s));
    return s;
  };

  // Respondents in the middle of the survey, whose ids the malformed updates also carry.
  const respondents = [97_001, 97_002, 97_003].map((id) => new BalancedRespondent(api, id, 'en', balancer));
  for (const r of respondents) {
    await r.send('/start');
    await r.step({ choose: 'en' });
    await r.step({ choose: 'yes' });
  }
  const versions = await Promise.all(respondents.map(async (r) => (await sessionOf(r.id))!.version));

  const strangers = Array.from({ length: 20 }, (_, i) => 95_000 + i);
  const bad = malformed([...strangers, ...respondents.map((r) => r.id)], 300);
  const odd = hostile(
    Array.from({ length: 20 }, (_, i) => 96_000 + i),
    89,
  );
  const bodies = [
    'null',
    '[]',
    '42',
    '"update"',
    'true',
    '{}',
    '{"update_id": "1"}',
    '{"update_id": -1}',
    '{"update_id": 1.5}',
    '{"update_id": 1',
    '',
  ];
  assert.ok(bad.length + odd.length + bodies.length >= 300);

  let id = 5_000_000;
  const statuses = new Map<string, number[]>();
  const note = (what: string, status: number) => statuses.set(what, [...(statuses.get(what) ?? []), status]);
  const inBatches = async <T>(items: T[], send: (item: T) => Promise<void>) => {
    for (let i = 0; i < items.length; i += 8) await Promise.all(items.slice(i, i + 8).map(send));
  };
  await inBatches(bad, async ({ update, path }) => {
    const full = { ...update, update_id: path === 'update_id' ? update.update_id : id++ };
    const { status } = await api.post(url, full, balancer.secret);
    // An update without a usable id is no update at all; any other is taken and dropped.
    assert.equal(status, path === 'update_id' ? 400 : 200, `${path}: ${JSON.stringify(full).slice(0, 300)}`);
    note('malformed', status);
  });
  await inBatches(odd, async (update) => {
    const { status } = await api.post(url, { ...update, update_id: id++ }, balancer.secret);
    assert.equal(status, 200, JSON.stringify(update).slice(0, 300));
    note('hostile', status);
  });
  await inBatches(bodies, async (body) => {
    const status = await rawPost(url, body, balancer.secret);
    assert.equal(status, 400, body);
    note('not an update', status);
  });

  assert.equal(replica!.child.exitCode, null, 'the process is up');
  assert.equal(replica!.child.signalCode, null);
  const lines = replica!
    .output()
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as { level: number; msg: string });
  assert.deepEqual(
    lines.filter((l) => l.level >= 50),
    [],
    'no error-level line',
  );
  const refused = lines.filter((l) => l.msg === 'telegram update refused: malformed').length;
  assert.equal(refused, bad.filter((b) => b.path !== 'update_id').length, 'one warning per malformed update');
  for (const stranger of strangers)
    assert.equal(await sessionOf(stranger), null, `user ${stranger}: no session`);
  for (const [i, r] of respondents.entries())
    assert.equal((await sessionOf(r.id))!.version, versions[i], `respondent ${r.id}: session untouched`);
  // And they go on.
  for (const r of respondents) {
    assert.ok(isQuestion(r.last) && questionIdOf(r.last) === 'q1');
    await r.step({ choose: 'public' });
    assert.equal(questionIdOf(r.last), 'q2');
  }
  t.diagnostic(
    [...statuses].map(([what, s]) => `${what}: ${s.length} (${[...new Set(s)].join('/')})`).join('; ') +
      `; seed ${SEED}`,
  );
  assert.equal(await replica!.kill('SIGTERM'), 0, replica!.output().slice(-2000));
});

async function rawPost(url: string, body: string, secret: string): Promise<number> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': secret },
    body,
  });
  await response.arrayBuffer();
  return response.status;
}
