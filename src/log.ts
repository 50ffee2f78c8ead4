import { createHash } from 'node:crypto';
import { pino, type Logger } from 'pino';

export type { Logger };

/**
 * Structured JSON logs. Tokens are redacted wherever they appear in logged objects; message
 * texts and personal data are never logged by callers (respondents appear only as pseudonyms).
 */
export function createLogger(level = 'info', destination?: NodeJS.WritableStream): Logger {
  const options = {
    level,
    base: { service: 'survey-bot' },
    redact: { paths: ['token', '*.token', 'config.*Token', 'headers.authorization'], censor: '[redacted]' },
  };
  return destination ? pino(options, destination as never) : pino(options);
}

/** A logger that drops everything, for tests and the terminal chat. */
export const silentLogger: Logger = pino({ level: 'silent' });

/** A stable pseudonym of a platform user: the same person gets the same id, which reveals nothing. */
export function pseudonym(salt: string, channel: string, user: string): string {
  return createHash('sha256').update(`${salt}\0${channel}\0${user}`).digest('hex').slice(0, 32);
}
