import type { Principal, StaffInvite, StaffMember } from '../staff/staff.ts';
import type { SealedValues } from './sealed-swap.ts';

export type InviteRefusal = 'unknown' | 'used' | 'expired';

/** Staff members and their single-use invitation codes. */
export interface StaffStore {
  create(member: StaffMember): Promise<void>;
  get(id: string): Promise<StaffMember | null>;
  /** The member (active or revoked) one of whose accounts this is. */
  byPrincipal(principal: Principal): Promise<StaffMember | null>;
  list(): Promise<StaffMember[]>;
  /** Replaces a member's record; false when there is none with that id. */
  update(member: StaffMember): Promise<boolean>;
  createInvite(invite: StaffInvite): Promise<void>;
  /**
   * Takes an invitation code, once: the first redemption gets the invite, every later one (or
   * one after expiry) is refused. Atomic across processes.
   */
  redeemInvite(
    codeHash: string,
    now: Date,
  ): Promise<{ ok: true; invite: StaffInvite } | { ok: false; reason: InviteRefusal }>;
  close(): Promise<void>;
}

/** Invitation codes as stored, for sealing the names given with them again with another key. */
export interface StaffInviteRows {
  /** Every invitation code, as stored. */
  listInvites(): Promise<StaffInvite[]>;
  /** As `SealedSwap.swapSealed`, for an invitation code (by its hash). */
  swapSealedInvite(codeHash: string, expected: SealedValues, next: SealedValues): Promise<boolean>;
}
