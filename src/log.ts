import { createHash } from 'node:crypto';
import { pino, type DestinationStream, type Logger } from 'pino';

export type { Logger };

// A Telegram bot token wherever it appears, also inside a URL's path (`/bot<token>/getMe`): a bot
// id of 6 or more digits and a secret of 30 or more characters (Telegram's are 35). Shorter
// shapes are ordinary text such as Redis keys (`<prefix>:telegram-polling-leader:<bot id>`).
const TELEGRAM_TOKEN = /(?<!\d)\d{6,12}:[\w-]{30,}/g;
const CENSOR = '[redacted]';

export interface LoggerOptions {
  /** Values never to be written (tokens, passwords): replaced wherever they appear in a line. */
  secrets?: readonly (string | undefined)[];
}

/**
 * Structured JSON logs. Tokens are redacted wherever they appear: by field name, by the shape of a
 * Telegram token, and every configured secret in the finished line. Errors are logged as name,
 * message, code and stack only: a library error's other fields can carry a request's body (a
 * message text) or headers. Message texts and personal data are never logged by callers
 * (respondents appear only as pseudonyms).
 */
export function createLogger(
  level = 'info',
  destination?: NodeJS.WritableStream,
  options: LoggerOptions = {},
): Logger {
  const secrets = [...new Set(options.secrets ?? [])].filter((s): s is string => !!s && s.length >= 6);
  const sink: { write(line: string): unknown } =
    (destination as never) ?? pino.destination({ dest: 1, sync: true });
  const scrubbed: DestinationStream = {
    write(line: string) {
      let clean = line.replace(TELEGRAM_TOKEN, CENSOR);
      for (const secret of secrets) if (clean.includes(secret)) clean = clean.split(secret).join(CENSOR);
      sink.write(clean);
    },
  };
  return pino(
    {
      level,
      base: { service: 'survey-bot' },
      redact: { paths: ['token', '*.token', 'config.*Token', 'headers.authorization'], censor: CENSOR },
      serializers: { err: serializeError },
    },
    scrubbed,
  );
}

/** An error as logged: what it is and where it came from, never the data it was carrying. */
export function serializeError(error: unknown, depth = 0): Record<string, unknown> {
  if (!(error instanceof Error)) return { type: typeof error };
  const code = (error as { code?: unknown }).code;
  const cause = (error as { cause?: unknown }).cause;
  return {
    type: error.name,
    message: error.message,
    ...(typeof code === 'string' || typeof code === 'number' ? { code } : {}),
    stack: error.stack,
    ...(cause !== undefined && depth < 3 ? { cause: serializeError(cause, depth + 1) } : {}),
  };
}

/** A logger that drops everything, for tests and the terminal chat. */
export const silentLogger: Logger = pino({ level: 'silent' });

/** A stable pseudonym of a platform user: the same person gets the same id, which reveals nothing. */
export function pseudonym(salt: string, channel: string, user: string): string {
  return createHash('sha256').update(`${salt}\0${channel}\0${user}`).digest('hex').slice(0, 32);
}
