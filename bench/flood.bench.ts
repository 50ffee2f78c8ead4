import { Agent, request } from 'node:http';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { tsWorker } from './ts-worker.ts';
import type { Update } from 'telegraf/types';
import { TelegramChannel } from '../src/channels/telegram/channel.ts';
import { sharedPromptMessages } from '../src/channels/telegram/start.ts';
import { loadFlow, loadResources } from '../src/flows/load.ts';
import { HttpServer } from '../src/http/server.ts';
import { Translator } from '../src/i18n/translator.ts';
import { silentLogger } from '../src/log.ts';
import { TelegramApiStandIn, TelegramUser } from '../test/support/telegram-api.ts';
import { benchService } from './bench-service.ts';
import type { FloodOrder, FloodResult } from './flood-sender.worker.ts';
import { percentile } from './measure.ts';
import { nextUpdate, observingBotApi, surveyOver, type Shown } from './telegram.bench.ts';

/**
 * Issue 18: one user floods the bot with 1,000 updates per second while 50 others answer
 * normally; the others' p99 turn time with the flood must stay within 1.5 times its value
 * without it, measured in the same run. Production's path: updates are POSTed to the Telegram
 * webhook on the bot's HTTP server and handled by telegraf, with the per-user limit at
 * USER_UPDATES_PER_MINUTE's default; the Bot API is the lean stand-in in a worker thread (as in
 * the Telegram bench). A turn time is a webhook round trip: the bot answers once the update is
 * handled, its replies sent.
 */
const OTHERS = 50;
const FLOOD_RATE = 1000;
/** Each other respondent waits this long after a reply before the next tap (a quick reader). */
const THINK_MS = 150;
const PHASE_MS = 6_000;
/** Cycles of a quiet phase, a flood on the bot's webhook and the same flood on a route doing nothing. */
const CYCLES = 5;
const WARM_UP_MS = 10_000;
/** Telegram's default max_connections for a webhook: the flood arrives over at most this many. */
const FLOOD_CONNECTIONS = 40;
const SECRET = 'flood-bench-secret';

const resources = loadResources();
const flow = loadFlow('advocacy', resources);
const translator = new Translator(resources, flow.languages);

function post(url: string, agent: Agent, update: Update): Promise<number> {
  const body = JSON.stringify(update);
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method: 'POST',
        agent,
        headers: {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(body),
          'x-telegram-bot-api-secret-token': SECRET,
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

export async function run(): Promise<void> {
  const worker = tsWorker(new URL('./telegram-api.worker.ts', import.meta.url));
  const { apiRoot, token } = await new Promise<{ apiRoot: string; token: string }>((resolve) =>
    worker.once('message', resolve),
  );
  const shapes = new TelegramApiStandIn();
  const shown = new Map<number, Shown>();
  const { config, stores, service, description, close } = await benchService('flood', flow, {
    // As the app wires it: the per-user limit at its configured value (default 240 a minute).
    updatesPerMinute: Number(process.env.USER_UPDATES_PER_MINUTE ?? 240),
  });
  const channel = new TelegramChannel({
    token,
    apiRoot,
    api: observingBotApi(token, apiRoot, shown),
    service,
    translator,
    log: silentLogger,
    ...(stores.redis ? { prompts: sharedPromptMessages(stores.redis, config, silentLogger) } : {}),
  });
  const http = new HttpServer(silentLogger);
  const port = await http.listen(0, '127.0.0.1');
  const url = `http://127.0.0.1:${port}/telegram/hook`;
  await channel.start({ mode: 'webhook', url, path: '/telegram/hook', secret: SECRET, server: http });

  const othersAgent = new Agent({ keepAlive: true, maxSockets: OTHERS });
  let nextId = 1;
  let nextUser = 600_000;
  const newUser = (i: number) => new TelegramUser(shapes, nextUser++, ['en', 'ru', 'ar', 'es', 'fr'][i % 5]);
  const users = Array.from({ length: OTHERS }, (_, i) => newUser(i));

  /** The others answer for `ms`, each waiting for the reply and THINK_MS; their turn times. */
  const others = async (ms: number) => {
    const times: number[] = [];
    const end = performance.now() + ms;
    await Promise.all(
      users.map(async (_, i) => {
        await sleep((THINK_MS * i) / OTHERS);
        while (performance.now() < end) {
          if (surveyOver(shown.get(users[i]!.id))) users[i] = newUser(i);
          const user = users[i]!;
          const update = { update_id: nextId++, ...nextUpdate(user, shown.get(user.id)) } as Update;
          const began = performance.now();
          const status = await post(url, othersAgent, update);
          if (status !== 200) throw new Error(`a respondent's update was answered ${status}`);
          times.push(performance.now() - began);
          await sleep(THINK_MS);
        }
      }),
    );
    return times.sort((a, b) => a - b);
  };

  // The flooding user posts from its own thread: the flood is Telegram's work, not the bot's.
  const sender = tsWorker(new URL('./flood-sender.worker.ts', import.meta.url));
  await new Promise((resolve) => sender.once('message', resolve));
  // The floor: the same flood against a route that only reads the body and answers, what any
  // HTTP server in this process would pay for taking 1,000 requests a second on this machine.
  http.route('POST', '/floor', async (req, res) => {
    for await (const chunk of req) void chunk;
    res.writeHead(200).end();
  });
  let floodId = 10_000_000;
  const flood = (ms: number, target = url) => {
    const order: FloodOrder = {
      url: target,
      secret: SECRET,
      rate: FLOOD_RATE,
      ms,
      user: 599_999,
      firstId: floodId,
      connections: FLOOD_CONNECTIONS,
    };
    floodId += FLOOD_RATE * (ms / 1000) * 2;
    const result = new Promise<FloodResult>((resolve) => sender.once('message', resolve));
    sender.postMessage(order);
    return { done: () => result };
  };

  await others(WARM_UP_MS);
  // Quiet and flooded phases take turns, so that the shared machine's drift falls on both alike.
  const quiet: number[] = [];
  const during: number[] = [];
  const floor: number[] = [];
  const quietP99: number[] = [];
  const floodResults = [];
  for (let cycle = 0; cycle < CYCLES; cycle++) {
    const calm = await others(PHASE_MS);
    quiet.push(...calm);
    quietP99.push(percentile(calm, 0.99));
    const flooding = flood(PHASE_MS);
    during.push(...(await others(PHASE_MS)));
    floodResults.push(await flooding.done());
    const bare = flood(PHASE_MS, `http://127.0.0.1:${port}/floor`);
    floor.push(...(await others(PHASE_MS)));
    await bare.done();
  }
  floor.sort((a, b) => a - b);
  quiet.sort((a, b) => a - b);
  during.sort((a, b) => a - b);
  const floodResult = {
    sent: floodResults.reduce((n, r) => n + r.sent, 0),
    offeredRate: floodResults.reduce((n, r) => n + r.offeredRate, 0) / floodResults.length,
    seconds: Math.max(...floodResults.map((r) => r.seconds)),
    statuses: new Map<number, number>(),
  };
  for (const r of floodResults)
    for (const [status, n] of r.statuses)
      floodResult.statuses.set(status, (floodResult.statuses.get(status) ?? 0) + n);

  await channel.stop();
  await http.close();
  othersAgent.destroy();
  worker.postMessage('close');
  await new Promise((resolve) => worker.once('message', resolve));
  await worker.terminate();
  await sender.terminate();
  await close();

  const p99 = (v: number[]) => percentile(v, 0.99);
  const ms = (v: number) => `${v.toFixed(1)} ms`;
  const ratio = p99(during) / p99(quiet);
  console.log(
    `flood: node ${process.version}; ${description}; ${OTHERS} respondents answering (a tap ${THINK_MS} ms after each reply) ` +
      `through the Telegram webhook; USER_UPDATES_PER_MINUTE ${process.env.USER_UPDATES_PER_MINUTE ?? 240}`,
  );
  console.log(
    `flood: one user sent ${floodResult.sent.toLocaleString('en')} updates at ${Math.round(floodResult.offeredRate)}/s ` +
      `over ${FLOOD_CONNECTIONS} connections (webhook answers ${JSON.stringify(Object.fromEntries(floodResult.statuses))}, ` +
      `in ${CYCLES} phases of ${PHASE_MS / 1000} s, each answered within ${floodResult.seconds.toFixed(1)} s)`,
  );
  console.log(
    `flood: others' turns without the flood: ${quiet.length.toLocaleString('en')}, median ${ms(percentile(quiet, 0.5))}, ` +
      `p99 ${ms(p99(quiet))} (per quiet phase ${quietP99.map((v) => v.toFixed(0)).join(', ')} ms)`,
  );
  console.log(
    `flood: others' turns during the flood: ${during.length.toLocaleString('en')}, median ${ms(percentile(during, 0.5))}, ` +
      `p99 ${ms(p99(during))}`,
  );
  console.log(
    `flood: others' turns while the same flood hits a route that does nothing (the floor): ${floor.length.toLocaleString('en')}, ` +
      `median ${ms(percentile(floor, 0.5))}, p99 ${ms(p99(floor))}, ratio ${(p99(floor) / p99(quiet)).toFixed(2)}`,
  );
  console.log(`flood: p99 ratio with/without the flood ${ratio.toFixed(2)} (target ≤ 1.5)`);
}
