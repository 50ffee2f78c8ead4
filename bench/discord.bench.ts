import { once } from 'node:events';
import { Worker } from 'node:worker_threads';
import { startDiscordChannel, type Settled } from '../src/channels/discord/channel.ts';
import { loadFlow, loadResources } from '../src/flows/load.ts';
import { Translator } from '../src/i18n/translator.ts';
import { silentLogger } from '../src/log.ts';
import type { BenchPlan, BenchResult } from './discord-respondents.ts';
import { benchService } from './bench-service.ts';
import { collect } from '../src/store/response-store.ts';

/**
 * Interactions per second and latency through the real discord.js stack: each press or select is
 * an INTERACTION_CREATE frame on the gateway socket, handled by discord.js and our channel (the
 * conversation service and the stores), answered over HTTP to the local Discord stand-in (the
 * interaction callback, then the next question as a DM message, echoed back on the gateway as
 * Discord does). Latency is from dispatch to the bot having sent everything. Respondents wait for
 * the bot before their next press, as people do. The stand-in and the respondents run in a
 * worker thread; the bot has this process's event loop to itself. Discord's 50 requests/s
 * self-limit is raised. Sessions are in Redis when REDIS_URL (default redis://127.0.0.1:6379) answers.
 */
/** Saturation (throughput), then a light load (latency of one press when the bot is not queueing). */
const SATURATED: BenchPlan = { respondents: 100, warmUpMs: 2_000, measureMs: 8_000 };
const LIGHT: BenchPlan = { respondents: 5, warmUpMs: 500, measureMs: 3_000 };

const resources = loadResources();
const flow = loadFlow('advocacy', resources);
const translator = new Translator(resources, flow.languages);

export async function run(): Promise<void> {
  // The worker runs TypeScript too: it registers tsx before loading its module.
  const entry = new URL('./discord-respondents.ts', import.meta.url).href;
  const boot = `import('tsx/esm/api').then((tsx) => { tsx.register(); return import(${JSON.stringify(entry)}); });`;
  const worker = new Worker(boot, { eval: true });
  const [{ ready }] = (await once(worker, 'message')) as [{ ready: { token: string; apiRoot: string } }];
  const { stores, service, description, close } = await benchService('discord', flow);
  const bot = await startDiscordChannel({
    token: ready.token,
    apiRoot: ready.apiRoot,
    service,
    translator,
    invitations: stores.invitations,
    log: silentLogger,
    requestsPerSecond: 100_000,
  });
  bot.events.on('settled', (s: Settled) => worker.postMessage({ settled: s.id }));
  const measure = async (plan: BenchPlan) => {
    worker.postMessage({ plan });
    const [{ result }] = (await once(worker, 'message')) as [{ result: BenchResult }];
    const latencies = result.latencies.sort((x, y) => x - y);
    const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))]!;
    return {
      ...result,
      median: at(0.5).toFixed(1),
      p99: at(0.99).toFixed(1),
      rate: Math.round(result.interactions / result.seconds),
    };
  };
  const busy = await measure(SATURATED);
  const light = await measure(LIGHT);
  const completed = (await collect(stores.responses.scan({ channel: 'discord' }))).length;
  console.log(
    `discord: ${busy.interactions.toLocaleString('en')} interactions from ${SATURATED.respondents} concurrent respondents in ${busy.seconds.toFixed(2)} s, ` +
      `${completed} surveys completed in all; ${description}`,
  );
  console.log(
    `discord: ${busy.rate.toLocaleString('en')} interactions/s through discord.js (target ≥ 500); ` +
      `latency at that load median ${busy.median} ms, p99 ${busy.p99} ms`,
  );
  console.log(
    `discord: light load (${LIGHT.respondents} respondents, ${light.rate.toLocaleString('en')} interactions/s): latency median ${light.median} ms, p99 ${light.p99} ms`,
  );
  await bot.stop();
  worker.postMessage({ stop: true });
  await once(worker, 'exit');
  await close();
}
