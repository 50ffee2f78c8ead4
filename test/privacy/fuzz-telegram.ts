import assert from 'node:assert/strict';
import type { TestContext } from 'node:test';
import { COMMANDS } from '../../src/channels/telegram/commands.ts';
import { isCorrupt, sessionKey } from '../../src/store/session-store.ts';
import { collect } from '../../src/store/response-store.ts';
import {
  FUZZ_SEED,
  ODD_IDS,
  drawActions,
  inBatches,
  mutateShape,
  watchCrashes,
  type FuzzAction,
} from '../support/fuzz.ts';
import { answerProblems, assertStoredResponses, onPath } from '../support/valid-answers.ts';
import { startHarness, type StoreKind } from '../telegram/harness.ts';
import { Respondent, buttonsOf, type Step } from '../telegram/respondent.ts';

type Json = Record<string, unknown>;

const LANGUAGES = ['en', 'ru', 'ar', 'es', 'fr'];
/** Kinds of update the bot does not handle, and ones no Bot API has. */
const OTHER_KINDS = [
  'edited_message',
  'channel_post',
  'inline_query',
  'poll',
  'message_reaction',
  'chat_join_request',
  'x_unknown',
];
const COMMAND_TEXTS = [
  ...COMMANDS,
  'nosuch',
  'staff',
  'dashboard',
  'start@other_bot',
  'start@survey_test_bot',
];

/** A short path through the questionnaire, for the respondent who comes after the fuzz. */
export const SHORT_PLAN: Record<string, Step[]> = {
  language: [{ choose: 'en' }],
  consent: [{ choose: 'yes' }],
  q1: [{ choose: 'public' }],
  q2: [{ choose: 'no' }],
  q3: [{ type: 'Egypt' }],
  q4: [{ choose: 'not_applicable' }],
  q5: [{ choose: 'no' }],
  ...Object.fromEntries(
    ['q6', 'q7', 'q8', 'q9', 'q9a', 'q9b', 'q10', 'q11', 'q11b', 'q12', 'q13', 'q14', 'q15', 'q16'].map(
      (q) => [q, ['skip' as const]],
    ),
  ),
  q17: [{ choose: 'no' }],
};

/**
 * Sends `count` updates drawn from the seed to a real telegraf bot behind its webhook: presses of
 * the buttons the bot really showed (the current question's or an older message's), typed
 * texts and commands, random objects, each mutated two times in three (a field deleted, given
 * another type, a huge or odd string; forged callback data; odd user ids; an update delivered
 * again; a kind of update the bot does not know). Then checks that nothing crashed, every
 * session reads, every stored answer is valid for its question, and the bot still serves.
 */
export async function fuzzTelegram(t: TestContext, stores: StoreKind, count: number, seed = FUZZ_SEED) {
  const h = await startHarness(t, { mode: 'webhook', stores });
  if (!h) return;
  const context = `(FUZZ_SEED=${seed}, Telegram on ${h.storeKind} stores)`;
  t.diagnostic(`seed ${seed}: repeat with FUZZ_SEED=${seed}`);
  const pool = Array.from({ length: 24 }, (_, i) => new Respondent(h.api, 7000 + i, LANGUAGES[i % 5]));
  const users = new Set(pool.map((r) => String(r.id)));
  const sent: Json[] = [];
  let nextId = 1_000_000;

  const build = (a: FuzzAction): Json => {
    const r = pool[a.who % pool.length]!;
    const withButtons = r.messages.filter((m) => buttonsOf(m).length > 0);
    let update: Json;
    if (a.base === 'press' || a.base === 'old') {
      const message =
        a.base === 'press' ? withButtons.at(-1) : withButtons[a.pick % Math.max(1, withButtons.length)];
      const all = message ? buttonsOf(message) : [];
      // Four presses in five go forward (choose, done, skip, not applicable), so surveys get finished.
      const forward = all.filter((b) => /^\d+:\w+:[cdsn]/.test(b.data));
      const buttons = a.base === 'press' && a.pick % 5 !== 0 && forward.length > 0 ? forward : all;
      update =
        message && buttons.length > 0
          ? (r.user.press(message.message_id, buttons[(a.pick >> 4) % buttons.length]!.data) as Json)
          : (r.user.text('/start') as Json);
    } else if (a.base === 'type') update = r.user.text(a.text) as Json;
    else if (a.base === 'command') {
      const name = COMMAND_TEXTS[a.pick % COMMAND_TEXTS.length]!;
      update = r.user.text(`/${name}${a.pick % 3 === 0 ? ` ${a.text}` : ''}`) as Json;
    } else update = { ...(a.random as Json) };
    update = { update_id: nextId++, ...update };
    const m = a.mutation;
    if (!m) return update;
    const shaped = mutateShape(update, m, ['update_id']);
    if (shaped) return shaped;
    const inner = (update.callback_query ?? update.message) as Json | undefined;
    switch (m.kind) {
      case 'forge': {
        if (!inner) return update;
        if ('data' in inner) {
          const [version, question, ...rest] = String(inner.data).split(':');
          const variants = [
            m.text,
            `${Number(version) + m.shift}:${question}:${rest.join(':')}`,
            `${version}:q${m.pick % 20}:${rest.join(':')}`,
            `${version}:${question}:c:${m.text.replace(/\W/g, '').slice(0, 30) || 'x'}`,
            `!${['restart:yes', 'delete:yes', 'erase', 'change', 'answers', 'lang:xx', 'start'][m.pick % 7]}`,
          ];
          return { ...update, callback_query: { ...inner, data: variants[m.pick % variants.length] } };
        }
        return { ...update, message: { ...inner, text: m.text } };
      }
      case 'ids': {
        const odd = ODD_IDS[m.pick % ODD_IDS.length];
        if (m.pick % 4 === 0) return { ...update, update_id: odd };
        if (!inner) return update;
        const from = { ...(inner.from as Json), id: odd };
        return { ...update, [update.callback_query ? 'callback_query' : 'message']: { ...inner, from } };
      }
      case 'duplicate': {
        const earlier = sent[m.pick % Math.max(1, sent.length)];
        if (!earlier) return update;
        // Exactly as before (Telegram delivering again), or another update under the same id.
        return m.pick % 2 === 0 ? earlier : { ...update, update_id: earlier.update_id };
      }
      case 'unknown': {
        const kind = OTHER_KINDS[m.pick % OTHER_KINDS.length]!;
        return { update_id: update.update_id, [kind]: m.value ?? inner ?? {} };
      }
      default:
        return update;
    }
  };

  const crashes = watchCrashes();
  const statuses = new Map<number, number>();
  try {
    const actions = drawActions(seed, count);
    // A batch of concurrent deliveries, as Telegram sends several chats' updates at once; the
    // next batch is built from what the bot has shown by then.
    const BATCH = 24;
    for (let i = 0; i < actions.length; i += BATCH) {
      const updates = actions.slice(i, i + BATCH).map(build);
      await inBatches(updates, BATCH, async (update) => {
        sent.push(update);
        for (const key of ['message', 'callback_query'] as const) {
          const id = ((update[key] as Json | undefined)?.from as Json | undefined)?.id;
          if (typeof id === 'number' || typeof id === 'string') users.add(String(id));
        }
        const { status } = await h.api.post(h.api.webhook!.url, update, h.api.webhook!.secret);
        statuses.set(status, (statuses.get(status) ?? 0) + 1);
      });
    }
  } finally {
    crashes.stop();
  }
  t.diagnostic(`webhook answers: ${JSON.stringify(Object.fromEntries(statuses))}`);
  assert.deepEqual(crashes.crashes, [], `no crash ${context}`);
  assert.ok(
    [...statuses.keys()].every((s) => [200, 400, 413].includes(s)),
    `every delivery answered 200, 400 or 413 ${context}: ${JSON.stringify(Object.fromEntries(statuses))}`,
  );
  const errors = h.log.lines.filter((l) => l.level >= 50);
  assert.deepEqual(
    errors.map((l) => ({ msg: l.msg, err: l.err })),
    [],
    `no error logged ${context}`,
  );

  // Every session reads and holds only valid answers.
  let sessions = 0;
  const at: string[] = [];
  for (const user of users) {
    const stored = await h.stores.sessions.get(sessionKey('telegram', user));
    if (stored === null) continue;
    assert.ok(!isCorrupt(stored), `session of ${user} reads ${context}`);
    sessions++;
    at.push(`${stored.status}:${stored.current}`);
    const flow = await h.service.flowAt(stored.flowId, stored.flowVersion);
    assert.deepEqual(answerProblems(flow, onPath(stored)), [], `session of ${user} ${context}`);
  }
  // Every stored response holds valid answers, one complete response per respondent at most.
  const stored = await assertStoredResponses(h.stores.responses, (id, v) => h.service.flowAt(id, v), context);
  t.diagnostic(
    `${count} updates: ${sessions} sessions, ${stored.read} responses (${stored.complete} complete); sessions at ${at.sort().join(' ')}`,
  );

  // The bot still serves: everyone gets an answer, and a newcomer finishes the survey.
  for (const r of pool) {
    const before = h.api.calls.length;
    await r.send('/help');
    assert.ok(
      h.api.calls.slice(before).some((c) => c.method === 'sendMessage' && c.body.chat_id === r.id),
      `respondent ${r.id} is answered after the fuzz ${context}`,
    );
  }
  const newcomer = new Respondent(h.api, 7999, 'en');
  await newcomer.send('/start');
  await newcomer.takeSurvey(SHORT_PLAN);
  const finished = (await collect(h.stores.responses.scan({ status: 'complete' }))).filter(
    (r) => r.respondent === h.service.respondentOf('telegram', '7999'),
  );
  assert.equal(finished.length, 1, `the newcomer's response is stored ${context}`);
}
