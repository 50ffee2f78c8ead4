import { availableParallelism } from 'node:os';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { tsWorker } from './ts-worker.ts';
import type { InlineKeyboardMarkup, Update } from 'telegraf/types';
import { BotApi } from '../src/channels/telegram/bot-api.ts';
import { TelegramChannel } from '../src/channels/telegram/channel.ts';
import { sharedPromptMessages } from '../src/channels/telegram/start.ts';
import { questionAt } from '../src/engine/flow.ts';
import { loadFlow, loadResources } from '../src/flows/load.ts';
import { Translator } from '../src/i18n/translator.ts';
import { silentLogger } from '../src/log.ts';
import { TelegramApiStandIn, TelegramUser } from '../test/support/telegram-api.ts';
import { percentile } from './measure.ts';
import { benchService } from './bench-service.ts';
import { machineSeconds } from './loadtest-processes.ts';
import { collect } from '../src/store/response-store.ts';

/**
 * Updates per second and latency through the real telegraf stack: `bot.handleUpdate` runs the
 * bot's middleware, the conversation service and the stores, and every outgoing call goes over
 * HTTP (the bot's `BotApi` client) to a local Bot API stand-in, the lean one, in a worker thread:
 * serving those calls is Telegram's work, and on two cores what it costs is taken from the bot.
 * 200 respondents answer at once, each waiting for the bot's reply before the next tap, as people
 * do; what a respondent taps next is read from the keyboard the bot sent. Sessions are in Redis
 * when REDIS_URL (default redis://127.0.0.1:6379) answers; finished responses in the embedded
 * JSON-lines files (each on disk before the session is removed), or MongoDB with MONGODB_URI.
 *
 * Two figures: the throughput with every respondent tapping again the moment the reply arrives
 * (the most the process does), and the latency at the target load, 2,000 updates/s offered (each
 * respondent tapping every 100 ms), since latency at saturation is only queueing.
 */
const RESPONDENTS = 200;
const TARGET_RATE = 2000;
const SATURATED_UPDATES = 60;
/** More than a whole survey's worth of updates per respondent (30 with the bench's answers). */
const WARM_UP_UPDATES = 40;
/** 20,000 updates over ten seconds at the target rate: several collections of the old generation. */
const PACED_UPDATES = 100;

const resources = loadResources();
const flow = loadFlow('advocacy', resources);
const translator = new Translator(resources, flow.languages);

export interface Shown {
  message_id: number;
  reply_markup?: InlineKeyboardMarkup;
}

/** The buttons of a message that answer a question (bound to it), with their data's parts. */
function questionButtons(message: Shown | undefined) {
  return (message?.reply_markup?.inline_keyboard ?? [])
    .flat()
    .flatMap((b) => ('callback_data' in b ? [{ ...b, parts: b.callback_data.split(':') }] : []))
    .filter((b) => b.parts.length >= 3);
}

/**
 * Whether a respondent is done: the bot's last message to them asks nothing (their survey is
 * complete). One respondent gives one response, so the benchmark goes on with a new respondent.
 */
export function surveyOver(message: Shown | undefined): boolean {
  const rows = message?.reply_markup?.inline_keyboard ?? [];
  return (
    message !== undefined &&
    !rows.some((row) => row.some((b) => 'callback_data' in b && QUESTION.test(b.callback_data)))
  );
}
const QUESTION = /^\d+:[^:]+:/;

/** The next thing a respondent does, read from the question message in front of them. */
export function nextUpdate(user: TelegramUser, message: Shown | undefined): Omit<Update, 'update_id'> {
  const buttons = (message?.reply_markup?.inline_keyboard ?? [])
    .flat()
    .flatMap((b) => ('callback_data' in b ? [b] : []));
  const bound = questionButtons(message);
  if (!message || bound.length === 0) return user.text('/start');
  const question = questionAt(flow, bound[0]!.parts[1]!);
  const choices = bound.filter((b) => b.parts[2] === 'c');
  const press = (b: { callback_data: string }) => user.press(message.message_id, b.callback_data);
  switch (question.type) {
    case 'text':
      return user.text('An answer of a few words, as most respondents give.');
    case 'country':
      return choices.length > 0 ? press(choices[0]!) : user.text('France');
    case 'amount':
      return choices.length > 1 ? press(choices[0]!) : user.text('1500');
    case 'contact':
      return press(choices.find((b) => b.parts[3] === 'no') ?? choices[0]!);
    case 'multi': {
      if (choices.length === 0) return user.text('Museums');
      const done = bound.find((b) => b.parts[2] === 'd')!;
      return buttons.some((b) => b.text.startsWith('✓')) ? press(done) : press(choices[0]!);
    }
    default:
      return choices.length > 0 ? press(choices[0]!) : user.text('Something else');
  }
}

/** A Bot API client that also keeps, per chat, the newest message the bot sent or edited there. */
export function observingBotApi(token: string, apiRoot: string, shown: Map<number, Shown>): BotApi {
  return new (class extends BotApi {
    override async call<T>(method: string, payload: Record<string, unknown>): Promise<T> {
      const result = await super.call<T>(method, payload);
      const chat = payload.chat_id as number | undefined;
      const id = (result as { message_id?: number } | null)?.message_id;
      if (chat !== undefined && id !== undefined) {
        if (method === 'sendMessage' || shown.get(chat)?.message_id === id) {
          const markup = payload.reply_markup as InlineKeyboardMarkup | undefined;
          shown.set(chat, { message_id: id, ...(markup ? { reply_markup: markup } : {}) });
        }
      }
      return result;
    }
  })(token, apiRoot);
}

export async function run(): Promise<void> {
  const worker = tsWorker(new URL('./telegram-api.worker.ts', import.meta.url));
  const { apiRoot, token } = await new Promise<{ apiRoot: string; token: string }>((resolve) =>
    worker.once('message', resolve),
  );
  // Only builds updates here (ids, users); the Bot API is the one in the worker.
  const shapes = new TelegramApiStandIn();

  // What each respondent sees: the bot's messages, as the Bot API returned them.
  const shown = new Map<number, Shown>();

  const { config, stores, service, description, close } = await benchService('telegram', flow);
  const channel = new TelegramChannel({
    token,
    apiRoot,
    api: observingBotApi(token, apiRoot, shown),
    service,
    translator,
    log: silentLogger,
    // As the service wires it: with Redis, the question-message pointers are shared there too.
    ...(stores.redis ? { prompts: sharedPromptMessages(stores.redis, config, silentLogger) } : {}),
  });
  await channel.prepare();

  let nextId = 1;
  let nextUser = 500_000;
  const newUser = (i: number) => new TelegramUser(shapes, nextUser++, ['en', 'ru', 'ar', 'es', 'fr'][i % 5]);
  const users = Array.from({ length: RESPONDENTS }, (_, i) => newUser(i));
  /** Each respondent sends `updates` updates, one after the other, at most one per `interval` ms. */
  const phase = async (updates: number, interval: number) => {
    const latencies: number[] = [];
    const loop = performance.eventLoopUtilization();
    const cpu = { machine: machineSeconds(), own: process.cpuUsage(), redis: await redisCpu() };
    const start = performance.now();
    await Promise.all(
      users.map(async (_, i) => {
        if (interval > 0) await sleep((interval * i) / RESPONDENTS); // spread the respondents out
        for (let n = 0; n < updates; n++) {
          if (surveyOver(shown.get(users[i]!.id))) users[i] = newUser(i);
          const user = users[i]!;
          const began = performance.now();
          const update = { update_id: nextId++, ...nextUpdate(user, shown.get(user.id)) } as Update;
          await channel.bot.handleUpdate(update);
          const took = performance.now() - began;
          latencies.push(took);
          if (interval > took) await sleep(interval - took);
        }
      }),
    );
    const seconds = (performance.now() - start) / 1000;
    // The bot's thread: busy time per update (its cost) and share of the time busy.
    const busy = performance.eventLoopUtilization(loop);
    // Cores in use meanwhile: this process (bot, Bot API stand-in, V8's helpers), Redis, the rest.
    const machine = machineSeconds();
    const own = process.cpuUsage(cpu.own);
    const cores = {
      machine: (machine.busy - cpu.machine.busy) / seconds,
      own: (own.user + own.system) / 1e6 / seconds,
      redis: ((await redisCpu()) - cpu.redis) / seconds,
      steal: (machine.steal - cpu.machine.steal) / seconds,
    };
    latencies.sort((a, b) => a - b);
    return {
      cores,
      count: latencies.length,
      rate: latencies.length / seconds,
      latencies,
      busyPerUpdate: busy.active / latencies.length,
      busyShare: busy.utilization,
    };
  };

  /** CPU seconds Redis has used (INFO), 0 without Redis. */
  const redisCpu = async () => {
    const info = stores.redis ? await stores.redis.info('cpu') : '';
    const used = (name: string) => Number(new RegExp(`${name}:([\\d.]+)`).exec(info)?.[1] ?? 0);
    return used('used_cpu_user') + used('used_cpu_sys');
  };

  const targetInterval = (1000 * RESPONDENTS) / TARGET_RATE;
  // Warm-up: every respondent goes through a whole survey at the target pace, so that every code
  // path is compiled before latency is measured (10 updates each left later questions' code cold:
  // their first runs, inside the measured phase, made many of its slow updates).
  await phase(WARM_UP_UPDATES, targetInterval);
  // Latency at the target load first: measured after saturation, it would also pay for the
  // garbage the saturated run left in the old generation.
  const paced = await phase(PACED_UPDATES, targetInterval);
  const saturated = await phase(SATURATED_UPDATES, 0);
  // And at half of what this machine sustains, where latency is the work itself, not queueing.
  const halfRate = Math.max(100, Math.round(saturated.rate / 2));
  const relaxed = await phase(40, (1000 * RESPONDENTS) / halfRate);
  const completed = (await collect(stores.responses.scan({ channel: 'telegram' }))).length;

  await channel.stop();
  worker.postMessage('close');
  const { calls, failures } = await new Promise<{ calls: number; failures: number }>((resolve) =>
    worker.once('message', resolve),
  );
  await worker.terminate();
  await close();
  // Respondents who never get past the first question would measure only `/start`.
  if (completed < RESPONDENTS)
    throw new Error(`only ${completed} surveys completed: the respondents are stuck`);

  const ms = (v: number) => `${v.toFixed(1)} ms`;
  const c = (v: number) => v.toFixed(2);
  console.log(
    `telegram: node ${process.version}, ${RESPONDENTS} concurrent respondents; ${description}; ${calls.toLocaleString('en')} Bot API calls ` +
      `(${failures} refused), ${completed} surveys completed`,
  );
  console.log(
    `telegram: throughput ${Math.round(saturated.rate).toLocaleString('en')} updates/s through telegraf handleUpdate, ` +
      `each respondent tapping again at once (target ≥ 2,000); latency median ${ms(percentile(saturated.latencies, 0.5))}, ` +
      `p99 ${ms(percentile(saturated.latencies, 0.99))}; the bot's thread busy ${Math.round(saturated.busyShare * 100)}% ` +
      `of the time, ${Math.round(saturated.busyPerUpdate * 1000)} µs per update`,
  );
  console.log(
    `telegram: at ${TARGET_RATE.toLocaleString('en')} updates/s offered: ${Math.round(paced.rate).toLocaleString('en')} updates/s handled, ` +
      `latency median ${ms(percentile(paced.latencies, 0.5))}, p99 ${ms(percentile(paced.latencies, 0.99))} (target p99 < 50 ms); ` +
      `meanwhile ${c(paced.cores.machine)} of ${availableParallelism()} cores busy: this process ${c(paced.cores.own)} ` +
      `(bot, Bot API stand-in, V8 helpers), Redis ${c(paced.cores.redis)}, ` +
      `other processes ${c(Math.max(0, paced.cores.machine - paced.cores.own - paced.cores.redis))}; steal ${c(paced.cores.steal)}`,
  );
  console.log(
    `telegram: at ${halfRate.toLocaleString('en')} updates/s offered (half the throughput): ${Math.round(relaxed.rate).toLocaleString('en')} handled, ` +
      `latency median ${ms(percentile(relaxed.latencies, 0.5))}, p99 ${ms(percentile(relaxed.latencies, 0.99))}`,
  );
}
