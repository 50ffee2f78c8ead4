import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { z } from 'zod';
import { ROOT } from './flows/load.ts';
import { KEY_BYTES, KEY_ID, type DataKey } from './privacy/keyring.ts';

const optionalUrl = z.url().optional();
const int = (fallback: number, min = 0, max = Number.MAX_SAFE_INTEGER) =>
  z.coerce.number().int().min(min).max(max).default(fallback);

/** "123, 456": platform user ids (digits), as a list. */
const idList = z
  .string()
  .regex(/^\s*\d{1,20}(\s*,\s*\d{1,20})*\s*$/, 'must be user ids (digits) separated by commas')
  .transform((value) => value.split(',').map((id) => id.trim()))
  .optional();

/** base64 of 32 random bytes (`openssl rand -base64 32`, or `npm run keys -- new`). */
const key32 = z
  .string()
  .refine((v) => /^[A-Za-z0-9+/=_-]+$/.test(v) && Buffer.from(v, 'base64').length === KEY_BYTES, {
    message: `must be the base64 of ${KEY_BYTES} random bytes`,
  })
  .transform((v) => Buffer.from(v, 'base64'));

/** `id:base64key,id:base64key`: the data keys, each named by the id stored beside what it seals. */
const dataKeys = z
  .string()
  .transform((value, ctx) => {
    const keys: DataKey[] = [];
    for (const part of value.split(',').map((p) => p.trim())) {
      const [id = '', key = '', ...more] = part.split(':');
      const bytes = Buffer.from(key, 'base64');
      if (!KEY_ID.test(id) || more.length || !/^[A-Za-z0-9+/=_-]+$/.test(key) || bytes.length !== KEY_BYTES) {
        ctx.addIssue({
          code: 'custom',
          message: `must be id:key pairs separated by commas, each key the base64 of ${KEY_BYTES} random bytes`,
        });
        return z.NEVER;
      }
      if (keys.some((k) => k.id === id)) {
        ctx.addIssue({ code: 'custom', message: `key id ${id} is listed twice` });
        return z.NEVER;
      }
      keys.push({ id, key: bytes });
    }
    return keys;
  })
  .optional();

/** One seed node of a Redis Cluster. */
export interface ClusterNode {
  host: string;
  port: number;
  username?: string;
  password?: string;
  tls?: boolean;
}

function clusterNode(part: string): ClusterNode | null {
  const url = /^rediss?:\/\//.test(part) ? part : `redis://${part}`;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return null;
  }
  const port = Number(parsed.port);
  if (!parsed.hostname || !Number.isInteger(port) || port < 1 || parsed.pathname.length > 1) return null;
  return {
    host: parsed.hostname.replace(/^\[|\]$/g, ''),
    port,
    ...(parsed.username ? { username: decodeURIComponent(parsed.username) } : {}),
    ...(parsed.password ? { password: decodeURIComponent(parsed.password) } : {}),
    ...(parsed.protocol === 'rediss:' ? { tls: true } : {}),
  };
}

/**
 * Every setting, from environment variables (and `.env` when present). Read and validated once,
 * at start-up; a wrong value stops start-up with one line per problem naming the variable.
 */
export const ConfigSchema = z.object({
  FLOW: z
    .string()
    .regex(/^[a-z0-9_-]+$/)
    .default('advocacy'),
  DATA_DIR: z.string().default(resolve(ROOT, 'data')),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  RESPONDENT_SALT: z.string().min(16).optional(),

  /** Data keys for personal data at rest (`id:base64,...`); see src/privacy/key-source.ts. */
  DATA_KEYS: dataKeys,
  /** The id in DATA_KEYS that seals new values (needed when several keys are listed). */
  DATA_KEY_CURRENT: z.string().regex(KEY_ID, 'use 1-16 of A-Z a-z 0-9 _ -').optional(),
  /** The key of keyed hashes (lookups by value), base64 of 32 bytes; never rotated. */
  DATA_HASH_KEY: key32.optional(),

  REDIS_URL: optionalUrl,
  /**
   * A Redis Cluster instead of one Redis: some of its nodes, `host:port` separated by commas
   * (the client finds the rest). A password or TLS: write the nodes as redis:// or rediss:// URLs.
   */
  REDIS_CLUSTER_NODES: z
    .string()
    .transform((value, ctx) => {
      const nodes = value.split(',').map((part) => clusterNode(part.trim()));
      if (nodes.some((n) => n === null)) {
        ctx.addIssue({
          code: 'custom',
          message: 'must be host:port (or redis:// URLs) separated by commas',
        });
        return z.NEVER;
      }
      return nodes as ClusterNode[];
    })
    .optional(),
  /** Prefix of every Redis key, so several bots (or a test) can share one Redis. */
  REDIS_PREFIX: z
    .string()
    .regex(/^[\w:.-]{1,64}$/, 'use 1-64 of A-Z a-z 0-9 _ : . -')
    .default('survey:'),
  MONGODB_URI: z
    .string()
    .regex(/^mongodb(\+srv)?:\/\//, 'must start with mongodb:// or mongodb+srv://')
    .optional(),
  SESSION_TTL_DAYS: int(30, 1, 365),
  ABANDON_AFTER_HOURS: int(48, 1, 24 * 365),
  /** How often idle sessions are archived as partial responses; 0 turns the sweep off. */
  SWEEP_INTERVAL_MINUTES: int(15, 0, 24 * 60),
  /** Updates one user may send per minute (half of it at once) before being asked to slow down; 0: no limit. */
  USER_UPDATES_PER_MINUTE: int(240, 0, 100_000),

  TELEGRAM_BOT_TOKEN: z
    .string()
    .regex(/^\d+:[\w-]+$/, 'must look like 123456:ABC-DEF...')
    .optional(),
  TELEGRAM_API_ROOT: optionalUrl,
  TELEGRAM_WEBHOOK_URL: optionalUrl,
  TELEGRAM_WEBHOOK_SECRET: z
    .string()
    .regex(/^[\w-]{1,256}$/, 'use 1-256 of A-Z a-z 0-9 _ -')
    .optional(),
  /** Where the webhook is served on HTTP_PORT; defaults to the path of TELEGRAM_WEBHOOK_URL. */
  TELEGRAM_WEBHOOK_PATH: z
    .string()
    .regex(/^\/[\w\-./]*$/, 'must be a path such as /telegram/webhook')
    .optional(),

  DISCORD_TOKEN: z.string().min(20).optional(),
  DISCORD_APPLICATION_ID: z.string().regex(/^\d+$/).optional(),
  DISCORD_API_ROOT: optionalUrl,
  /** The Discord server whose role members `npm run campaign -- invite-role` invites by DM. */
  DISCORD_GUILD_ID: z
    .string()
    .regex(/^\d{17,20}$/, 'must be a server id')
    .optional(),

  /** Staff: platform user ids that are admins whatever the staff directory says (comma-separated). */
  ADMIN_TELEGRAM_IDS: idList,
  ADMIN_DISCORD_IDS: idList,

  /** Interviewers: the Telegram forum supergroup whose topics hold follow-up conversations. */
  INTERVIEW_TELEGRAM_GROUP: z
    .string()
    .regex(/^-100\d{5,16}$/, 'must be a supergroup id such as -1001234567890')
    .optional(),
  /** Interviewers: the Discord staff text channel whose private threads hold follow-up conversations. */
  INTERVIEW_DISCORD_CHANNEL: z
    .string()
    .regex(/^\d{17,20}$/, 'must be a channel id')
    .optional(),

  /**
   * The staff dashboard's public address (what /dashboard on HTTP_PORT is reached at through
   * your proxy), put in sign-in links; unset: http://localhost:<HTTP_PORT>/dashboard.
   */
  DASHBOARD_URL: optionalUrl,
  /** Minutes without a request after which a dashboard session ends. */
  DASHBOARD_IDLE_MINUTES: int(30, 1, 24 * 60),

  /**
   * Coordinators' e-mail invitations: the SMTP server (smtp:// or smtps://, user and password in
   * the URL) and the sender address. Both unset: campaigns cannot send e-mail.
   */
  SMTP_URL: z
    .url()
    .refine((url) => /^smtps?:\/\//.test(url), 'must start with smtp:// or smtps://')
    .optional(),
  MAIL_FROM: z.string().min(3).max(200).optional(),
  /** The bot's Telegram username, for the t.me links in invitations and on posters. */
  TELEGRAM_BOT_USERNAME: z
    .string()
    .regex(/^@?[A-Za-z0-9_]{5,32}$/)
    .optional(),

  HTTP_PORT: int(8080, 0, 65535),
  /** Address the HTTP server listens on; loopback unless set (a container sets 0.0.0.0). */
  HTTP_HOST: z.string().min(1).default('127.0.0.1'),
  /**
   * On SIGTERM or SIGINT, how long the turns in flight may take to finish before the stores are
   * closed anyway; keep it below the orchestrator's grace period (Docker and Kubernetes: 30 s).
   */
  SHUTDOWN_TIMEOUT_SECONDS: int(20, 1, 3600),
});

export type Config = z.infer<typeof ConfigSchema>;

/** Where the answer links of e-mailed follow-up invitations point (served on HTTP_PORT at /followup). */
export function followupUrl(config: Pick<Config, 'DASHBOARD_URL' | 'HTTP_PORT'>): string {
  return `${new URL(dashboardUrl(config)).origin}/followup`;
}

/** Where the unsubscribe links of invitations point (served on HTTP_PORT at /unsubscribe). */
export function unsubscribeUrl(config: Pick<Config, 'DASHBOARD_URL' | 'HTTP_PORT'>): string {
  return `${new URL(dashboardUrl(config)).origin}/unsubscribe`;
}

/** The address sign-in links point to, without a trailing slash. */
export function dashboardUrl(config: Pick<Config, 'DASHBOARD_URL' | 'HTTP_PORT'>): string {
  return (config.DASHBOARD_URL ?? `http://localhost:${config.HTTP_PORT}/dashboard`).replace(/\/+$/, '');
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(problems.join('\n'));
    this.name = 'ConfigError';
  }
}

/** Parses settings; empty strings count as unset, so `FOO=` in a .env file is harmless. */
export function parseConfig(env: Record<string, string | undefined>): Config {
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = ConfigSchema.safeParse(cleaned);
  if (!parsed.success) {
    // Values are not echoed: they may be secrets.
    throw new ConfigError(parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`));
  }
  const problems = [...redisProblems(parsed.data), ...keyProblems(parsed.data)];
  if (problems.length) throw new ConfigError(problems);
  return parsed.data;
}

/** Sessions, locks and jobs live in one Redis or in one cluster, never split between both. */
function redisProblems(config: Config): string[] {
  return config.REDIS_URL && config.REDIS_CLUSTER_NODES
    ? ['REDIS_CLUSTER_NODES: set it or REDIS_URL, not both']
    : [];
}

/**
 * The data keys must be whole. Without DATA_KEYS the keys come from a file made in DATA_DIR (never
 * stored with the data it seals): enough for one process, even on Redis or MongoDB, and a second
 * replica with another file is refused at start-up by the stored key check. A Redis Cluster is
 * always several processes, so it needs the keys from the environment.
 */
function keyProblems(config: Config): string[] {
  const keys = config.DATA_KEYS;
  if (!keys) {
    if (config.REDIS_CLUSTER_NODES)
      return [
        'DATA_KEYS: not set; it is needed when REDIS_CLUSTER_NODES is set (make one with npm run keys -- new)',
      ];
    if (config.DATA_KEY_CURRENT || config.DATA_HASH_KEY)
      return ['DATA_KEYS: not set, while DATA_KEY_CURRENT or DATA_HASH_KEY is'];
    return [];
  }
  const problems: string[] = [];
  if (!config.DATA_HASH_KEY) problems.push('DATA_HASH_KEY: not set; it is needed with DATA_KEYS');
  if (config.DATA_KEY_CURRENT && !keys.some((k) => k.id === config.DATA_KEY_CURRENT))
    problems.push(`DATA_KEY_CURRENT: ${config.DATA_KEY_CURRENT} is not an id in DATA_KEYS`);
  if (!config.DATA_KEY_CURRENT && keys.length > 1)
    problems.push(
      'DATA_KEY_CURRENT: not set; it must name the key that seals new data when DATA_KEYS lists several',
    );
  return problems;
}

/** Loads `.env` from the project folder (if any) under the process environment, then parses. */
export function loadConfig(): Config {
  const file = resolve(ROOT, '.env');
  if (existsSync(file)) process.loadEnvFile(file);
  return parseConfig(process.env);
}

/** Loads the configuration, or writes one line per problem (naming the variable) and returns null. */
export function loadConfigOrReport(write: (line: string) => void): Config | null {
  try {
    return loadConfig();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    for (const problem of error.problems) write(`config: ${problem}`);
    return null;
  }
}
