import { randomBytes } from 'node:crypto';

/**
 * A personal or open-link token: 144 random bits in base64url, 24 characters of
 * `[A-Za-z0-9_-]`, the alphabet Telegram allows in a start parameter (at most 64 characters).
 */
export function newToken(): string {
  return randomBytes(18).toString('base64url');
}
