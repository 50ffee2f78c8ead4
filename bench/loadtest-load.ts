import { performance } from 'node:perf_hooks';
import { TelegramUser, type TelegramApiStandIn } from '../test/support/telegram-api.ts';
import type { LeanBotApi } from './lean-bot-api.ts';
import { LeanClient } from './lean-http.ts';
import { nextUpdate, surveyOver } from './telegram.bench.ts';

/**
 * Telegram's side of a webhook load test: respondents each send their next update (read from
 * the question in front of them, as the lean Bot API holds the chat) the moment the webhook
 * answered the previous one, round robin over the replicas, as a load balancer spreads them.
 * A respondent who finished is followed by a new one (one respondent, one response).
 */
export interface LoadOptions {
  api: LeanBotApi;
  /** The replicas' webhook ports, all serving `path`. */
  ports: number[];
  path: string;
  secret: string;
  /** The respondents' Telegram user ids and languages. */
  users: { id: number; language: string }[];
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
  /** Updates sent again after a kept-alive connection closed under them (not errors). */
  resent: number;
}

let nextUpdateId = 1;

export async function runLoad(opts: LoadOptions): Promise<LoadResult> {
  const clients = opts.ports.map(
    (port) => new LeanClient(port, { 'x-telegram-bot-api-secret-token': opts.secret }),
  );
  const latencies: number[] = [];
  const errors = { status: 0, network: 0, unavailable: 0 };
  const begin = performance.now();
  const from = begin + opts.warmupMs;
  const until = from + opts.measureMs;
  let turn = 0;
  let updates = 0;

  const respondent = async (first: { id: number; language: string }) => {
    let user = userOf(opts.api, first.id, first.language);
    for (let round = 1; performance.now() < until;) {
      if (surveyOver(opts.api.shown.get(user.id)))
        user = userOf(opts.api, first.id + 10_000_000 * round++, first.language);
      const update = { update_id: nextUpdateId++, ...nextUpdate(user, opts.api.shown.get(user.id)) };
      const client = clients[turn++ % clients.length]!;
      const sent = performance.now();
      const status = await client.post(opts.path, JSON.stringify(update));
      const done = performance.now();
      if (status === 0) errors.network++;
      else if (status < 200 || status >= 300) errors.status++;
      const last = opts.api.shown.get(user.id)?.text ?? '';
      if (opts.unavailable.some((text) => last.includes(text))) errors.unavailable++;
      if (sent >= from && done <= until && status >= 200 && status < 300) {
        updates++;
        latencies.push(done - sent);
      }
    }
  };
  await Promise.all(opts.users.map((u) => respondent(u)));
  for (const client of clients) client.close();
  latencies.sort((a, b) => a - b);
  const resent = clients.reduce((n, c) => n + c.resent, 0);
  return { updates, seconds: opts.measureMs / 1000, latencies, errors, resent };
}

/**
 * A Telegram user building updates as the tests' users do, reading the chat from the lean Bot
 * API: only the newest message, its text, and fresh callback query ids are looked up.
 */
function userOf(api: LeanBotApi, id: number, language: string): TelegramUser {
  let queries = 0;
  const view = {
    me: { id: Number(api.token.split(':')[0]), is_bot: true, first_name: 'Survey' },
    message: (chat: number, messageId: number) => {
      const shown = api.shown.get(chat);
      return shown?.message_id === messageId ? shown : undefined;
    },
    issueQueryId: () => `${id}-${queries++}`,
  };
  return new TelegramUser(view as unknown as TelegramApiStandIn, id, language);
}
