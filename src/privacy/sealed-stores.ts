import { addressId, type Address, type AddressBook } from '../store/address-book.ts';
import type { ContactRecord, ContactStore } from '../store/response-store.ts';
import type { SealedSwap, SealedValues } from '../store/sealed-swap.ts';
import type { InviteRefusal, StaffInviteRows, StaffStore } from '../store/staff-store.ts';
import type { Principal, StaffInvite, StaffMember } from '../staff/staff.ts';
import { UnreadableValue, type Keyring } from './keyring.ts';

/** What a value that cannot be opened reads as: shown as such, never a crash. */
export const UNREADABLE = '[unreadable: encrypted with a key that is not configured]';

/** A record one of whose fields could not be opened: which store, which record, which key. */
export interface UnreadableRecord {
  store: string;
  id: string;
  keyId: string;
  reason: UnreadableValue['reason'];
}

export type ReportUnreadable = (problem: UnreadableRecord) => void;

/**
 * What re-sealing a store with the current key did: records rewritten, those it could not open,
 * and those changed or erased between its read and its write, left as that change left them (an
 * update seals with the current key; a later run takes whatever is still on an old one).
 */
export interface RotationResult {
  store: string;
  resealed: number;
  unreadable: number;
  skipped: number;
}

/** Opens and seals the named string fields of one store's records. */
export class Fields<T extends object> {
  constructor(
    private readonly keyring: Keyring,
    readonly store: string,
    private readonly fields: readonly (keyof T & string)[],
    private readonly report: ReportUnreadable,
  ) {}

  seal<R extends T>(record: R): R {
    const sealed = { ...record } as Record<string, unknown>;
    for (const field of this.fields) {
      const value = sealed[field];
      if (typeof value === 'string') sealed[field] = this.keyring.seal(value, `${this.store}.${field}`);
    }
    return sealed as R;
  }

  /** The record in clear; a field that cannot be opened reads UNREADABLE and is reported. */
  open<R extends T>(record: R, id: string): R {
    const open = { ...record } as Record<string, unknown>;
    for (const field of this.fields) {
      const value = open[field];
      if (typeof value !== 'string') continue;
      try {
        open[field] = this.keyring.open(value, `${this.store}.${field}`);
      } catch (error) {
        if (!(error instanceof UnreadableValue)) throw error;
        open[field] = UNREADABLE;
        this.report({ store: this.store, id, keyId: error.keyId, reason: error.reason });
      }
    }
    return open as R;
  }

  /** Whether a stored record has a field in clear or sealed with another key than the current one. */
  stale(record: T): boolean {
    return this.fields.some((f) => {
      const value = (record as Record<string, unknown>)[f];
      return typeof value === 'string' && this.keyring.stale(value);
    });
  }

  /** The fields as stored, those that hold a value: what a rotation's write-back expects to find. */
  stored(record: T): SealedValues {
    const values: Record<string, string> = {};
    for (const field of this.fields) {
      const value = (record as Record<string, unknown>)[field];
      if (typeof value === 'string') values[field] = value;
    }
    return values;
  }

  /** Whether every field opens (a record that does not is left as it is by a rotation). */
  readable(record: T): boolean {
    return this.fields.every((f) => {
      const value = (record as Record<string, unknown>)[f];
      if (typeof value !== 'string') return true;
      try {
        this.keyring.open(value, `${this.store}.${f}`);
        return true;
      } catch {
        return false;
      }
    });
  }
}

/** A store whose sealed records can be sealed again with the current key. */
export interface Resealable {
  /** With `dryRun`, only counts what would be sealed again (and what cannot be opened). */
  reseal(dryRun?: boolean): Promise<RotationResult>;
}

/**
 * Seals one record read from `inner` again when it is not on the current key, and counts it.
 * The write-back holds only if its sealed fields are still those read, so an erasure or an
 * update that landed in between is never undone.
 */
async function resealOne<T extends object>(
  fields: Fields<T>,
  swap: SealedSwap['swapSealed'],
  id: string,
  stored: T,
  result: RotationResult,
  dryRun: boolean,
): Promise<void> {
  if (!fields.stale(stored)) return;
  if (!fields.readable(stored)) {
    result.unreadable++;
    return;
  }
  if (dryRun) {
    result.resealed++;
    return;
  }
  const next = fields.stored(fields.seal(fields.open(stored, id)));
  if (await swap(id, fields.stored(stored), next)) result.resealed++;
  else result.skipped++;
}

/**
 * Follow-up contact details sealed at rest: name, e-mail and chat. The respondent pseudonym and
 * the flow stay in clear (erasure and retention find records by them; neither names a person).
 */
export class SealedContactStore implements ContactStore, Resealable {
  private readonly fields: Fields<ContactRecord>;

  constructor(
    private readonly inner: ContactStore & SealedSwap,
    keyring: Keyring,
    report: ReportUnreadable,
  ) {
    this.fields = new Fields(keyring, 'contacts', ['name', 'email', 'chat'], report);
  }

  save(contact: ContactRecord): Promise<void> {
    return this.inner.save(this.fields.seal(contact));
  }

  async get(id: string): Promise<ContactRecord | null> {
    const found = await this.inner.get(id);
    return found && this.fields.open(found, found.id);
  }

  async list(): Promise<ContactRecord[]> {
    return (await this.inner.list()).map((c) => this.fields.open(c, c.id));
  }

  deleteByRespondent(respondent: string): Promise<number> {
    return this.inner.deleteByRespondent(respondent);
  }

  deleteIds(ids: string[]): Promise<number> {
    return this.inner.deleteIds(ids);
  }

  /** Every contact not sealed with the current key, sealed again; running it again goes on where it stopped. */
  async reseal(dryRun = false): Promise<RotationResult> {
    const result = { store: 'contacts', resealed: 0, unreadable: 0, skipped: 0 };
    for (const stored of await this.inner.list())
      await resealOne(this.fields, this.inner.swapSealed.bind(this.inner), stored.id, stored, result, dryRun);
    if (!dryRun && result.resealed > 0) await this.inner.compact();
    return result;
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}

/** Respondents' chat addresses with the chat sealed; found by pseudonym and channel as before. */
export class SealedAddressBook implements AddressBook, Resealable {
  private readonly fields: Fields<Address>;

  constructor(
    private readonly inner: AddressBook & SealedSwap,
    keyring: Keyring,
    report: ReportUnreadable,
  ) {
    this.fields = new Fields(keyring, 'addresses', ['chat'], report);
  }

  private open(address: Address): Address {
    return this.fields.open(address, `${address.channel}:${address.respondent}`);
  }

  put(address: Address): Promise<void> {
    return this.inner.put(this.fields.seal(address));
  }

  async get(respondent: string, channel: string): Promise<Address | null> {
    const found = await this.inner.get(respondent, channel);
    return found && this.open(found);
  }

  async byRespondent(respondent: string): Promise<Address[]> {
    return (await this.inner.byRespondent(respondent)).map((a) => this.open(a));
  }

  async *list(): AsyncIterable<Address> {
    for await (const address of this.inner.list()) yield this.open(address);
  }

  markUnreachable(respondent: string, channel: string, reason: string, at: Date): Promise<boolean> {
    return this.inner.markUnreachable(respondent, channel, reason, at);
  }

  deleteByRespondent(respondent: string): Promise<number> {
    return this.inner.deleteByRespondent(respondent);
  }

  /** Only the chat is written back, so a mark of unreachable made meanwhile stays. */
  async reseal(dryRun = false): Promise<RotationResult> {
    const result = { store: 'addresses', resealed: 0, unreadable: 0, skipped: 0 };
    for await (const stored of this.inner.list())
      await resealOne(
        this.fields,
        this.inner.swapSealed.bind(this.inner),
        addressId(stored.respondent, stored.channel),
        stored,
        result,
        dryRun,
      );
    if (!dryRun && result.resealed > 0) await this.inner.compact();
    return result;
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}

/**
 * Staff members' names (and the names given with invitation codes) sealed at rest. Their
 * platform accounts stay in clear: every update from staff is looked up by account.
 */
export class SealedStaffStore implements StaffStore, Resealable {
  private readonly members: Fields<StaffMember>;
  private readonly invites: Fields<StaffInvite>;

  constructor(
    private readonly inner: StaffStore & SealedSwap & StaffInviteRows,
    keyring: Keyring,
    report: ReportUnreadable,
  ) {
    this.members = new Fields(keyring, 'staff', ['name'], report);
    this.invites = new Fields(keyring, 'staff_invites', ['name'], report);
  }

  private open(member: StaffMember | null): StaffMember | null {
    return member && this.members.open(member, member.id);
  }

  create(member: StaffMember): Promise<void> {
    return this.inner.create(this.members.seal(member));
  }

  async get(id: string): Promise<StaffMember | null> {
    return this.open(await this.inner.get(id));
  }

  async byPrincipal(principal: Principal): Promise<StaffMember | null> {
    return this.open(await this.inner.byPrincipal(principal));
  }

  async list(): Promise<StaffMember[]> {
    return (await this.inner.list()).map((m) => this.members.open(m, m.id));
  }

  update(member: StaffMember): Promise<boolean> {
    return this.inner.update(this.members.seal(member));
  }

  createInvite(invite: StaffInvite): Promise<void> {
    return this.inner.createInvite(invite.name ? this.invites.seal(invite) : invite);
  }

  async redeemInvite(
    codeHash: string,
    now: Date,
  ): Promise<{ ok: true; invite: StaffInvite } | { ok: false; reason: InviteRefusal }> {
    const result = await this.inner.redeemInvite(codeHash, now);
    return result.ok ? { ok: true, invite: this.invites.open(result.invite, 'invite') } : result;
  }

  /**
   * Members' names and those given with invitation codes. Only the name is written back: a role
   * change or a revocation made meanwhile is never undone.
   */
  async reseal(dryRun = false): Promise<RotationResult> {
    const result = { store: 'staff', resealed: 0, unreadable: 0, skipped: 0 };
    for (const stored of await this.inner.list())
      await resealOne(
        this.members,
        this.inner.swapSealed.bind(this.inner),
        stored.id,
        stored,
        result,
        dryRun,
      );
    const swapInvite = this.inner.swapSealedInvite.bind(this.inner);
    // A code given without a name holds an empty one, never sealed.
    for (const stored of await this.inner.listInvites())
      if (stored.name) await resealOne(this.invites, swapInvite, stored.codeHash, stored, result, dryRun);
    if (!dryRun && result.resealed > 0) await this.inner.compact();
    return result;
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}
