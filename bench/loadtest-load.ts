import { Agent, request } from 'node:http';
import { performance } from 'node:perf_hooks';
import type { TelegramApiStandIn, TelegramUser } from '../test/support/telegram-api.ts';
import { nextUpdate } from './telegram.bench.ts';

/**
 * Telegram's side of a webhook load test: respondents each send their next update (read from
 * the question in front of them, as the Bot API stand-in holds the chat) the moment the webhook
 * answered the previous one, round robin over the replicas, as a load balancer spreads them.
 * Finished surveys start again with /start.
 */
export interface LoadOptions {
  api: TelegramApiStandIn;
  urls: string[];
  secret: string;
  users: TelegramUser[];
  warmupMs: number;
  measureMs: number;
  /** The "temporarily unavailable" text in every language: seen in a chat, it is an error. */
  unavailable: string[];
}

export interface LoadResult {
  /** Updates answered 2xx within the measured window. */
  updates: number;
  seconds: number;
  /** Milliseconds from sending an update to the webhook's answer, sorted. */
  latencies: number[];
  errors: { status: number; network: number; unavailable: number };
}

let nextUpdateId = 1;

export async function runLoad(opts: LoadOptions): Promise<LoadResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: opts.users.length });
  const latencies: number[] = [];
  const errors = { status: 0, network: 0, unavailable: 0 };
  const begin = performance.now();
  const from = begin + opts.warmupMs;
  const until = from + opts.measureMs;
  let turn = 0;
  let updates = 0;

  const respondent = async (user: TelegramUser) => {
    while (performance.now() < until) {
      const update = { update_id: nextUpdateId++, ...nextUpdate(user, opts.api.lastMessage(user.id)) };
      const url = opts.urls[turn++ % opts.urls.length]!;
      const sent = performance.now();
      let status = 0;
      try {
        status = await post(agent, url, JSON.stringify(update), opts.secret);
      } catch {
        errors.network++;
      }
      const done = performance.now();
      if (status !== 0 && (status < 200 || status >= 300)) errors.status++;
      const last = opts.api.lastMessage(user.id)?.text ?? '';
      if (opts.unavailable.some((text) => last.includes(text))) errors.unavailable++;
      if (sent >= from && done <= until && status >= 200 && status < 300) {
        updates++;
        latencies.push(done - sent);
      }
    }
  };
  await Promise.all(opts.users.map(respondent));
  agent.destroy();
  latencies.sort((a, b) => a - b);
  return { updates, seconds: opts.measureMs / 1000, latencies, errors };
}

function post(agent: Agent, url: string, body: string, secret: string): Promise<number> {
  return new Promise((resolve, reject) => {
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
    req.on('error', reject);
    req.end(body);
  });
}

export function percentile(sorted: number[], q: number): number {
  return sorted.length === 0
    ? Number.NaN
    : sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}
