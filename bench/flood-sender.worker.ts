import { Agent, request } from 'node:http';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { parentPort } from 'node:worker_threads';

/**
 * The flooding user of the flood benchmark, in its own thread: the flood is Telegram's sending,
 * not the bot's work, so building and posting its updates must not take the bot's event loop.
 * Each message posts `rate` updates a second from one user to the webhook for `ms`, on schedule
 * whatever the bot answers, over at most `connections` connections.
 */
export interface FloodOrder {
  url: string;
  secret: string;
  rate: number;
  ms: number;
  user: number;
  firstId: number;
  connections: number;
}

export interface FloodResult {
  sent: number;
  offeredRate: number;
  /** From the first update to the last answer. */
  seconds: number;
  statuses: [number, number][];
}

const TEXTS = ['spam', '/start', 'x'.repeat(2000), '1', '/help'];

function post(url: string, agent: Agent, secret: string, body: string): Promise<number> {
  return new Promise((resolve) => {
    const req = request(
      url,
      {
        method: 'POST',
        agent,
        headers: {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(body),
          'x-telegram-bot-api-secret-token': secret,
        },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', () => resolve(0));
    req.end(body);
  });
}

parentPort!.on('message', async (order: FloodOrder) => {
  const agent = new Agent({ keepAlive: true, maxSockets: order.connections });
  const statuses = new Map<number, number>();
  const pending: Promise<void>[] = [];
  const from = { id: order.user, is_bot: false, first_name: 'Flood', language_code: 'en' };
  const chat = { id: order.user, type: 'private', first_name: 'Flood' };
  let sent = 0;
  const started = performance.now();
  while (performance.now() - started < order.ms) {
    const due = Math.floor(((performance.now() - started) / 1000) * order.rate);
    for (; sent < due; sent++) {
      const text = TEXTS[sent % TEXTS.length]!;
      const entities = text.startsWith('/')
        ? [{ type: 'bot_command', offset: 0, length: text.length }]
        : undefined;
      const update = {
        update_id: order.firstId + sent,
        message: { message_id: sent + 1, date: Math.floor(Date.now() / 1000), chat, from, text, entities },
      };
      pending.push(
        post(order.url, agent, order.secret, JSON.stringify(update)).then(
          (status) => void statuses.set(status, (statuses.get(status) ?? 0) + 1),
        ),
      );
    }
    await sleep(5);
  }
  const offered = performance.now() - started;
  await Promise.all(pending);
  agent.destroy();
  parentPort!.postMessage({
    sent,
    offeredRate: sent / (offered / 1000),
    seconds: (performance.now() - started) / 1000,
    statuses: [...statuses],
  } satisfies FloodResult);
});
parentPort!.postMessage('ready');
