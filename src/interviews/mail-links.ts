import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { MailLinks } from '../store/followup-store.ts';
import type { InvitationAnswer } from './interviews.ts';

/** An e-mailed invitation's links answer it for this long; after that they show "no longer open". */
export const MAIL_LINK_DAYS = 14;

export const MAIL_ANSWERS = ['accept', 'later', 'no'] as const satisfies readonly InvitationAnswer[];

const hash = (secret: string) => createHash('sha256').update(secret).digest('base64url');

/**
 * Three one-time links for one conversation, one per answer: `<conversation>.<secret>`, the
 * secret 144 random bits. Only the secrets' hashes are kept, so a copy of the store answers nothing.
 */
export function newMailLinks(
  conversation: string,
  now: number,
): { links: Record<InvitationAnswer, string>; stored: MailLinks } {
  const secrets = Object.fromEntries(MAIL_ANSWERS.map((a) => [a, randomBytes(18).toString('base64url')]));
  return {
    links: Object.fromEntries(MAIL_ANSWERS.map((a) => [a, `${conversation}.${secrets[a]}`])) as Record<
      InvitationAnswer,
      string
    >,
    stored: {
      accept: hash(secrets.accept!),
      later: hash(secrets.later!),
      no: hash(secrets.no!),
      expires: now + MAIL_LINK_DAYS * 86_400_000,
    },
  };
}

const LINK = /^([0-9a-f-]{36})\.([A-Za-z0-9_-]{24})$/;

/** A link's conversation id and secret, or null when it cannot be one. */
export function parseMailLink(link: string): { conversation: string; secret: string } | null {
  const m = LINK.exec(link);
  return m ? { conversation: m[1]!, secret: m[2]! } : null;
}

/** Which answer a secret is the link of, or null (forged, or another conversation's). */
export function answerOfSecret(stored: MailLinks, secret: string): InvitationAnswer | null {
  const given = Buffer.from(hash(secret));
  for (const answer of MAIL_ANSWERS) {
    const expected = Buffer.from(stored[answer]);
    if (expected.length === given.length && timingSafeEqual(expected, given)) return answer;
  }
  return null;
}
