import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { z } from 'zod';
import { ROOT } from './flows/load.ts';

const optionalUrl = z.url().optional();
const int = (fallback: number, min = 0, max = Number.MAX_SAFE_INTEGER) =>
  z.coerce.number().int().min(min).max(max).default(fallback);

/** "123, 456": platform user ids (digits), as a list. */
const idList = z
  .string()
  .regex(/^\s*\d{1,20}(\s*,\s*\d{1,20})*\s*$/, 'must be user ids (digits) separated by commas')
  .transform((value) => value.split(',').map((id) => id.trim()))
  .optional();

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

  REDIS_URL: optionalUrl,
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

  /** Staff: platform user ids that are admins whatever the staff directory says (comma-separated). */
  ADMIN_TELEGRAM_IDS: idList,
  ADMIN_DISCORD_IDS: idList,

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
  return parsed.data;
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
