import assert from 'node:assert/strict';
import type { TestContext } from 'node:test';
import { Events } from 'discord.js';
import { SUBCOMMANDS } from '../../src/channels/discord/parse.ts';
import { collect } from '../../src/store/response-store.ts';
import { isCorrupt, sessionKey } from '../../src/store/session-store.ts';
import { startHarness } from '../support/discord-harness.ts';
import { nonMemberWithoutPartners } from '../support/discord-personas.ts';
import { playOnDiscord } from '../support/discord-script.ts';
import { components, type DiscordRespondent } from '../support/discord-user.ts';
import {
  FUZZ_SEED,
  ODD_IDS,
  drawActions,
  mutateShape,
  watchCrashes,
  type FuzzAction,
} from '../support/fuzz.ts';
import { captureLog } from '../support/logs.ts';
import { answerProblems, assertStoredResponses, onPath } from '../support/valid-answers.ts';

type Json = Record<string, unknown>;
type Frame = { event: string; payload: Json };

const LOCALES = ['en-US', 'ru', 'ar', 'es-ES', 'fr'];
/** Gateway events the bot does not handle, and one no Discord sends. */
const OTHER_EVENTS = ['MESSAGE_UPDATE', 'TYPING_START', 'INTERACTION_CREATE', 'X_UNKNOWN'];

/**
 * Dispatches `count` events drawn from the seed through the Discord gateway stand-in to the real
 * discord.js client of the channel: components of the messages the bot really sent (the current
 * question's or an older one's) with their custom_ids and select values, typed DMs, `/survey`
 * commands, random interactions, each mutated two times in three (a field deleted, given another
 * type, a huge or odd string; a forged custom_id or values; odd user ids; an event delivered
 * again; an unknown event). Then the same checks as on Telegram.
 */
export async function fuzzDiscord(t: TestContext, count: number, seed = FUZZ_SEED) {
  const log = captureLog();
  const h = await startHarness(t, { log: log.log });
  const context = `(FUZZ_SEED=${seed}, Discord)`;
  t.diagnostic(`seed ${seed}: repeat with FUZZ_SEED=${seed}`);
  const pool = Array.from({ length: 24 }, (_, i) => h.respondent({ locale: LOCALES[i % 5]! }));
  const users = new Set(pool.map((r) => r.user.id));
  const sent: Frame[] = [];

  // An event is done once discord.js has emitted it and the channel has settled it; one it
  // drops is never emitted. A message from the bot itself, dispatched last, is settled at once:
  // once it is, every earlier frame has been read.
  const received = new Set<string>();
  const settled = new Set<string>();
  h.bot.client.on(Events.InteractionCreate, (i) => received.add(i.id));
  h.bot.client.on(Events.MessageCreate, (m) => received.add(m.id));
  h.bot.events.on('settled', (s: { id: string }) => settled.add(s.id));
  const sentinelChannel = h.respondent().dm;
  const drained = async () => {
    const sentinel = h.api.newMessage(sentinelChannel.id, h.api.bot, { content: 'sentinel' });
    h.api.gateway.dispatch('MESSAGE_CREATE', { ...sentinel, channel_type: 1 });
    // Bounded only so that a hang fails with its cause instead of the test runner's timeout.
    for (
      let waited = 0;
      !settled.has(sentinel.id) || [...received].some((id) => !settled.has(id));
      waited += 5
    ) {
      assert.ok(
        waited < 120_000,
        `events still unhandled after two minutes ${context}: sentinel ${settled.has(sentinel.id) ? 'settled' : 'not read'}, ` +
          `${[...received].filter((id) => !settled.has(id)).length} received and not settled; client ready: ${h.bot.ready()}`,
      );
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  };

  const interaction = (r: DiscordRespondent, messageId?: string) => {
    const record = h.api.openInteraction(r.user.id, r.dm.id, messageId);
    return r.base(record, r.dm);
  };
  const command = (r: DiscordRespondent, a: FuzzAction): Json => {
    const subs = [...Object.values(SUBCOMMANDS), 'unknown-sub'];
    const sub = subs[a.pick % subs.length]!;
    const options =
      sub === SUBCOMMANDS.language
        ? [{ type: 3, name: 'language', value: a.pick % 2 ? 'fr' : a.text.slice(0, 100) }]
        : sub === SUBCOMMANDS.start && a.pick % 3 === 0
          ? [{ type: 3, name: 'code', value: a.text.slice(0, 100) }]
          : [];
    const name = a.pick % 11 === 0 ? 'survey-button' : 'survey';
    return {
      ...interaction(r),
      type: 2,
      data: { id: '1'.repeat(19), type: 1, name, options: [{ type: 1, name: sub, options }] },
    };
  };

  const build = (a: FuzzAction): Frame => {
    const r = pool[a.who % pool.length]!;
    const withComponents = r.botMessages().filter((m) => m.components.length > 0);
    let frame: Frame;
    if (a.base === 'press' || a.base === 'old') {
      const message =
        a.base === 'press'
          ? withComponents.at(-1)
          : withComponents[a.pick % Math.max(1, withComponents.length)];
      const usable = message ? components(message).filter((c) => c.custom_id) : [];
      if (!message || usable.length === 0) {
        frame = { event: 'INTERACTION_CREATE', payload: command(r, { ...a, pick: 0 }) };
      } else {
        const c = usable[(a.pick >> 4) % usable.length]!;
        const options = c.options?.map((o) => o.value) ?? [];
        // A select's values: a few of its options from the pick's bits, as a person picks them.
        const values = options.filter((_, i) => (a.pick >> (i + 8)) & 1);
        const data =
          c.type === 3
            ? {
                custom_id: c.custom_id,
                component_type: 3,
                values: values.length > 0 ? values : options.slice(0, 1),
              }
            : { custom_id: c.custom_id, component_type: 2 };
        frame = {
          event: 'INTERACTION_CREATE',
          payload: { ...interaction(r, message.id), type: 3, data, message },
        };
      }
    } else if (a.base === 'type') {
      const message = h.api.newMessage(r.dm.id, h.api.publicUser(r.user), { content: a.text });
      r.dm.messages.push(message);
      frame = { event: 'MESSAGE_CREATE', payload: { ...message, channel_type: 1 } };
    } else if (a.base === 'command') {
      frame = { event: 'INTERACTION_CREATE', payload: command(r, a) };
    } else {
      const types = [1, 2, 3, 4, 5, 99];
      frame = {
        event: 'INTERACTION_CREATE',
        payload: { ...interaction(r), type: types[a.pick % types.length], data: a.random },
      };
    }
    const m = a.mutation;
    if (!m) return frame;
    const shaped = mutateShape(frame.payload, m);
    if (shaped) return { ...frame, payload: shaped };
    const payload = frame.payload;
    const data = payload.data as Json | undefined;
    switch (m.kind) {
      case 'forge': {
        if (frame.event === 'MESSAGE_CREATE') return { ...frame, payload: { ...payload, content: m.text } };
        if (!data) return frame;
        const id = String(data.custom_id ?? 'a:q1:1:c');
        const [prefix, question, version, ...rest] = id.split(':');
        const variants = [
          { ...data, custom_id: m.text },
          { ...data, custom_id: `${prefix}:${question}:${Number(version) + m.shift}:${rest.join(':')}` },
          { ...data, custom_id: `${prefix}:q${m.pick % 20}:${version}:${rest.join(':')}` },
          { ...data, values: [m.text, ...((data.values as string[] | undefined) ?? [])] },
          { ...data, custom_id: ['x:erase:', 'x:keep', '!fu:' + m.text, 'x:take:' + m.text][m.pick % 4] },
        ];
        return { ...frame, payload: { ...payload, data: variants[m.pick % variants.length] } };
      }
      case 'ids': {
        const odd = ODD_IDS[m.pick % ODD_IDS.length];
        const who = frame.event === 'MESSAGE_CREATE' ? 'author' : 'user';
        const user = payload[who] as Json | undefined;
        return {
          ...frame,
          payload: { ...payload, ...(user ? { [who]: { ...user, id: odd } } : { id: odd }) },
        };
      }
      case 'duplicate':
        // Delivered again as it was (a gateway replay).
        return sent[m.pick % Math.max(1, sent.length)] ?? frame;
      case 'unknown':
        return {
          event: OTHER_EVENTS[m.pick % OTHER_EVENTS.length]!,
          payload: { ...payload, type: 99, data: m.value },
        };
      default:
        return frame;
    }
  };

  const crashes = watchCrashes();
  try {
    const actions = drawActions(seed, count);
    const BATCH = 24;
    for (let i = 0; i < actions.length; i += BATCH) {
      for (const a of actions.slice(i, i + BATCH)) {
        const frame = build(a);
        sent.push(frame);
        h.api.gateway.dispatch(frame.event, frame.payload);
      }
      await drained();
    }
  } finally {
    crashes.stop();
  }
  assert.deepEqual(crashes.crashes, [], `no crash ${context}`);
  const errors = log.lines.filter((l) => l.level >= 50);
  assert.deepEqual(
    errors.map((l) => ({ msg: l.msg, error: l.error, kind: l.kind })),
    [],
    `no error logged ${context}`,
  );

  let sessions = 0;
  for (const user of users) {
    const stored = await h.stores.sessions.get(sessionKey('discord', user));
    if (stored === null) continue;
    assert.ok(!isCorrupt(stored), `session of ${user} reads ${context}`);
    sessions++;
    const flow = await h.service.flowAt(stored.flowId, stored.flowVersion);
    assert.deepEqual(answerProblems(flow, onPath(stored)), [], `session of ${user} ${context}`);
  }
  const stored = await assertStoredResponses(h.stores.responses, (id, v) => h.service.flowAt(id, v), context);
  const dropped = log.lines.filter((l) => l.msg === 'discord gateway event unreadable: dropped').length;
  t.diagnostic(
    `${count} events: ${dropped} unreadable for discord.js (dropped), ${sessions} sessions, ` +
      `${stored.read} responses (${stored.complete} complete)`,
  );

  // The bot still serves: everyone is answered, and a newcomer finishes the survey.
  for (const r of pool) {
    const outcome = await r.survey('progress');
    assert.ok(outcome.interaction.callbacks.length > 0, `respondent ${r.user.id} is answered ${context}`);
  }
  const newcomer = h.respondent({ locale: 'en-US' });
  await newcomer.survey('start');
  await playOnDiscord(newcomer, nonMemberWithoutPartners('en'));
  const mine = h.service.respondentOf('discord', newcomer.user.id);
  const finished = (await collect(h.stores.responses.scan({ status: 'complete' }))).filter(
    (r) => r.respondent === mine,
  );
  assert.equal(finished.length, 1, `the newcomer's response is stored ${context}`);
}
