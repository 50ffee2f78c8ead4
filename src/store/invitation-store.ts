/**
 * Invitations: a token in an invitation link or code ties a response to a campaign and to the
 * coordinator (and region) who sent it, so response rates can be followed per coordinator.
 */
export interface Invitation {
  token: string;
  campaign: string;
  /** The flow a respondent starting with this token takes; the default flow when unset. */
  flowId?: string;
  coordinator?: string;
  region?: string;
  /** How many respondents may start with this token; null for a campaign link without limit. */
  maxUses: number | null;
  uses: number;
  revoked: boolean;
  expiresAt?: Date;
  createdAt: Date;
}

/**
 * Why a token starts no survey. 'closed' and 'not_open' come from the token's campaign (closed or
 * past its closing date; a draft or before its opening date), checked by the conversation service.
 */
export type RedeemRefusal = 'unknown' | 'revoked' | 'used_up' | 'expired' | 'closed' | 'not_open';

export interface InvitationStore {
  create(invitation: Invitation): Promise<void>;
  /** `create` of a batch (an import's new tokens) at once; throws if a token exists (the others are created). */
  createMany(invitations: readonly Invitation[]): Promise<void>;
  get(token: string): Promise<Invitation | null>;
  /** Counts one use, atomically, if the token is valid now; otherwise says why not. */
  redeem(
    token: string,
    now: Date,
  ): Promise<{ ok: true; invitation: Invitation } | { ok: false; reason: RedeemRefusal }>;
  revoke(token: string): Promise<boolean>;
  list(): Promise<Invitation[]>;
  close(): Promise<void>;
}

/** Tokens are what users type or click: a short, safe alphabet, checked before any lookup. */
export const TOKEN_PATTERN = /^[A-Za-z0-9_-]{4,64}$/;

export function refusalFor(invitation: Invitation | null, now: Date): RedeemRefusal | null {
  if (!invitation) return 'unknown';
  if (invitation.revoked) return 'revoked';
  if (invitation.expiresAt && invitation.expiresAt.getTime() <= now.getTime()) return 'expired';
  if (invitation.maxUses !== null && invitation.uses >= invitation.maxUses) return 'used_up';
  return null;
}
