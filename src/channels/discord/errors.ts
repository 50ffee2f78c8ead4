import { DiscordAPIError, HTTPError, RateLimitError, RESTJSONErrorCodes } from 'discord.js';

/**
 * What went wrong talking to Discord, as far as the respondent is concerned. Each problem but
 * `expired` has a translated text `discord:errors.<problem>`; an expired interaction can no
 * longer be answered at all, so it is only logged.
 */
export type DiscordProblem = 'dm_closed' | 'missing_permissions' | 'rate_limited' | 'expired' | 'failed';

const PERMISSION_CODES = new Set<number>([
  RESTJSONErrorCodes.MissingPermissions,
  RESTJSONErrorCodes.MissingAccess,
]);
const EXPIRED_CODES = new Set<number>([
  RESTJSONErrorCodes.UnknownInteraction,
  RESTJSONErrorCodes.InteractionHasAlreadyBeenAcknowledged,
  RESTJSONErrorCodes.InvalidWebhookToken,
]);

/** Tells a refusal by Discord (named error codes) from a fault of ours or of the network. */
export function classifyError(error: unknown): DiscordProblem {
  if (error instanceof RateLimitError) return 'rate_limited';
  if (error instanceof DiscordAPIError) {
    const code = typeof error.code === 'number' ? error.code : Number(error.code);
    if (code === RESTJSONErrorCodes.CannotSendMessagesToThisUser) return 'dm_closed';
    if (PERMISSION_CODES.has(code)) return 'missing_permissions';
    if (EXPIRED_CODES.has(code)) return 'expired';
    if (error.status === 429) return 'rate_limited';
  }
  return 'failed';
}

/** A short, secret-free description for logs (a DiscordAPIError's URL carries interaction tokens). */
export function describeError(error: unknown): Record<string, unknown> {
  if (error instanceof DiscordAPIError) {
    return { name: error.name, code: error.code, status: error.status, method: error.method };
  }
  if (error instanceof RateLimitError)
    return { name: 'RateLimitError', route: error.route, retryAfter: error.retryAfter };
  return { name: (error as Error)?.name, message: (error as Error)?.message };
}

/** Whether Discord (or the way to it) refused the request, rather than our own code failing. */
export function isPlatformError(error: unknown): boolean {
  return error instanceof DiscordAPIError || error instanceof HTTPError || error instanceof RateLimitError;
}
