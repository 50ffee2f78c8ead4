import { STATUS_CODES } from 'node:http';
import { TelegramError } from 'telegraf';
import { Pool } from 'undici';

/** What the outbox needs of the Bot API: one method call, its result or a `TelegramError`. */
export interface BotApiCaller {
  call<T>(method: string, payload: object): Promise<T>;
}

interface ApiResponse<T> {
  ok: boolean;
  result?: T;
  error_code?: number;
  description?: string;
  parameters?: { retry_after?: number; migrate_to_chat_id?: number };
}

/**
 * The HTTP client for the bot's own Bot API calls (messages, edits, callback answers, the
 * command menu): a pool of kept-alive undici connections. telegraf's built-in client (node-fetch 2
 * over `http.Agent`) costs about three times the CPU per call, which at three calls per button
 * press was most of the bot's time (`npm run bench -- telegram`, README). Receiving stays with
 * telegraf (long polling, webhook), and so do its error semantics: a refused call throws
 * telegraf's `TelegramError` with the API's code, description and parameters (`retry_after`), a
 * server error (5xx) one with the HTTP status, as telegraf's own client does.
 *
 * Bodies are JSON, except for a call carrying a file (a `File` value: /my_data's JSON), sent as
 * multipart form data.
 */
export class BotApi implements BotApiCaller {
  private readonly pool: Pool;
  /** `/bot<token>/`, resolved against the API root as telegraf resolves it. */
  private readonly base: string;

  constructor(token: string, apiRoot = 'https://api.telegram.org', options: { connections?: number } = {}) {
    const url = new URL(`./bot${token}/`, apiRoot);
    this.base = url.pathname;
    this.pool = new Pool(url.origin, {
      connections: options.connections ?? 128,
      // A call hanging this long holds its chat's queue: failed (and logged) instead.
      headersTimeout: 60_000,
      bodyTimeout: 60_000,
    });
  }

  async call<T>(method: string, payload: object): Promise<T> {
    const file = Object.values(payload).some((v) => v instanceof File);
    const response = await this.pool.request({
      method: 'POST',
      path: this.base + method,
      ...(file
        ? { body: formOf(payload) }
        : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(payload) }),
    });
    if (response.statusCode >= 500) {
      await response.body.dump();
      const description = STATUS_CODES[response.statusCode] ?? 'Server Error';
      throw new TelegramError({ error_code: response.statusCode, description }, { method, payload });
    }
    const data = (await response.body.json()) as ApiResponse<T>;
    if (!data.ok) {
      const { error_code = response.statusCode, description = 'Bot API error', parameters } = data;
      throw new TelegramError(
        { error_code, description, ...(parameters ? { parameters } : {}) },
        { method, payload },
      );
    }
    return data.result as T;
  }

  /** Closes the kept-alive connections once the calls in flight are done; again, does nothing. */
  async close(): Promise<void> {
    if (!this.pool.closed && !this.pool.destroyed) await this.pool.close();
  }
}

/** A payload with a file as multipart form data: files as parts, objects as JSON, the rest as text. */
function formOf(payload: object): FormData {
  const form = new FormData();
  for (const [name, value] of Object.entries(payload)) {
    if (value === undefined) continue;
    if (value instanceof File) form.append(name, value, value.name);
    else form.append(name, typeof value === 'object' ? JSON.stringify(value) : String(value));
  }
  return form;
}
