import { EventEmitter } from 'node:events';
import { performance } from 'node:perf_hooks';
import { parentPort } from 'node:worker_threads';
import { DiscordStandIn, type ApiMessage } from '../test/support/discord-api.ts';
import { components, DiscordRespondent } from '../test/support/discord-user.ts';

/**
 * The Discord side of the Discord benchmark, in a worker thread so that it does not share the
 * bot's event loop: the stand-in (REST and gateway) and the respondents pressing away. The bot
 * tells it over the port when it has fully handled an event.
 */
export interface BenchPlan {
  respondents: number;
  warmUpMs: number;
  measureMs: number;
}
export interface BenchResult {
  interactions: number;
  seconds: number;
  latencies: number[];
}

/** The next press on the question in front of the respondent: first option, else skip. */
function nextPress(message: ApiMessage): Record<string, unknown> {
  const parts = components(message).filter((c) => c.custom_id?.startsWith('a:'));
  const select = parts.find((c) => c.type === 3 && !c.custom_id!.endsWith(':n'));
  if (select) return { custom_id: select.custom_id, component_type: 3, values: [select.options![0]!.value] };
  const choice = parts.find((c) => c.type === 2 && c.custom_id!.split(':')[3] === 'c');
  const button = choice ?? parts.find((c) => c.custom_id!.endsWith(':d'))!;
  return { custom_id: button.custom_id, component_type: 2 };
}

const live = (m: ApiMessage) => m.components.some((row) => row.components?.some((c) => !c.disabled));

async function press(api: DiscordStandIn, settled: EventEmitter, plan: BenchPlan): Promise<BenchResult> {
  const latencies: number[] = [];
  let measuring = false;
  const stopAt = performance.now() + plan.warmUpMs + plan.measureMs;
  const locales = ['en-US', 'ru', 'es-ES', 'fr', 'en-US'];
  const respondent = async (i: number) => {
    const newRespondent = () =>
      new DiscordRespondent(api, settled, api.addUser({ locale: locales[i % locales.length]! }));
    let r = newRespondent();
    while (performance.now() < stopAt) {
      const latest = r.botMessages().filter(live).at(-1);
      // Nothing left to answer: the survey is complete, and a new respondent comes (one response each).
      if (!latest && r.botMessages().length > 0) r = newRespondent();
      const start = performance.now();
      if (!latest) await r.survey('start');
      else await r.use(latest, nextPress(latest)).then((o) => api.interactions.delete(o.interaction.id));
      if (measuring) latencies.push(performance.now() - start);
    }
  };
  const running = Promise.all(Array.from({ length: plan.respondents }, (_, i) => respondent(i)));
  await new Promise((resolve) => setTimeout(resolve, plan.warmUpMs));
  measuring = true;
  const start = performance.now();
  await running;
  return { interactions: latencies.length, seconds: (performance.now() - start) / 1000, latencies };
}

const port = parentPort!;
const api = await DiscordStandIn.start();
api.record = false;
const settled = new EventEmitter();
port.on('message', (message: { settled?: string } | { plan: BenchPlan } | { stop: true }) => {
  if ('settled' in message) settled.emit('settled', { id: message.settled });
  else if ('plan' in message)
    void press(api, settled, message.plan).then((result) => port.postMessage({ result }));
  else void api.close().then(() => port.close());
});
port.postMessage({ ready: { token: api.token, apiRoot: api.apiRoot } });
