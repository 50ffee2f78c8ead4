import mongoose, { type Connection } from 'mongoose';
import type { Logger } from '../log.ts';
import { serverName } from './server-name.ts';
import { within } from './within.ts';

export interface MongoConnectOptions {
  /** The database to use, instead of the one the URI names. */
  dbName?: string;
  /** How long one operation waits for a server before failing (so a turn does not hang). */
  serverSelectionTimeoutMS?: number;
  /** Longest pause between attempts to make the first connection. */
  maxBackoffMs?: number;
}

export interface MongoConnection {
  connection: Connection;
  /** Resolves when connected; never rejects (attempts go on in the background). */
  connected: Promise<void>;
  /** Whether the server answers a ping within `timeoutMs` (for the readiness check; never throws). */
  ping(timeoutMs?: number): Promise<boolean>;
  close(): Promise<void>;
}

/**
 * A mongoose connection that never brings the process down. The driver reconnects by itself
 * once connected; a failed first connection is retried here with exponential backoff. Operations
 * fail fast while the server is away (no buffering), so completion can tell the respondent that
 * the answers are kept and will be saved. Filters are sanitized: a `$` key in a value becomes a
 * plain `$eq` comparison, never an operator.
 */
export async function connectMongo(
  uri: string,
  log: Logger,
  options: MongoConnectOptions = {},
  onConnected: (connection: Connection) => Promise<void> = async () => {},
): Promise<MongoConnection> {
  const server = serverName(uri);
  const connection = mongoose.createConnection();
  connection.set('sanitizeFilter', true);
  connection.set('bufferCommands', false);
  connection.set('autoIndex', false);
  connection.set('autoCreate', false);
  let closed = false;
  let down = false;
  const lost = (reason: string) => {
    if (down || closed) return;
    down = true;
    log.error({ server }, `MongoDB at ${server} is not reachable (${reason}); retrying with backoff`);
  };
  let opened = false;
  // Before the first connection, the failed attempt says why; afterwards the driver reconnects.
  connection.on('disconnected', () => opened && lost('connection lost'));
  connection.on('error', (error: Error) => lost(error.message));
  const back = () => {
    if (down) log.info({ server }, `MongoDB at ${server} is reachable again`);
    down = false;
  };
  connection.on('reconnected', back);

  let resolveConnected: () => void = () => {};
  const connected = new Promise<void>((resolve) => (resolveConnected = resolve));
  const attempt = async (n: number): Promise<void> => {
    try {
      await connection.openUri(uri, {
        serverSelectionTimeoutMS: options.serverSelectionTimeoutMS ?? 3000,
        ...(options.dbName ? { dbName: options.dbName } : {}),
      });
    } catch (error) {
      if (closed) return;
      lost((error as Error).message);
      const delay = Math.min(options.maxBackoffMs ?? 30_000, 250 * 2 ** Math.min(n, 10));
      await new Promise((resolve) => setTimeout(resolve, delay).unref());
      if (!closed) return attempt(n + 1);
      return;
    }
    opened = true;
    if (down) back();
    else log.info({ server }, `MongoDB at ${server} connected`);
    try {
      await onConnected(connection);
    } catch (error) {
      log.error({ server, err: error }, `MongoDB at ${server}: setting up indexes failed`);
    }
    resolveConnected();
  };
  void attempt(0);
  // Start-up waits about as long as the first attempt takes; later attempts go on in the background.
  await within(connected, (options.serverSelectionTimeoutMS ?? 3000) + 1000);
  return {
    connection,
    connected,
    async ping(timeoutMs = 1000) {
      const db = connection.db;
      if (!opened || closed || !db) return false;
      const pong = db
        .admin()
        .ping()
        .then(
          (reply) => reply.ok === 1,
          () => false,
        );
      return (await within(pong, timeoutMs)) && pong;
    },
    async close() {
      closed = true;
      await connection.close(true).catch(() => {});
    },
  };
}

/** Whether a MongoDB URI names a database (`mongodb://host/db`). */
export function namesDatabase(uri: string): boolean {
  return /^mongodb(\+srv)?:\/\/[^/]+\/[^?]+/.test(uri);
}
