import {
  inviteeId,
  normalEmail,
  type Invitee,
  type InviteeRows,
  type InviteeStore,
} from '../store/invitee-store.ts';
import { UnreadableValue, type Keyring } from './keyring.ts';
import { UNREADABLE, type ReportUnreadable, type Resealable, type RotationResult } from './sealed-stores.ts';

/** The keyed hash's context: an address is found by `keyring.hash(address, EMAIL_HASH)`. */
export const EMAIL_HASH = 'invitee.email';
const BATCH = 200;

/** Where each sealed value of an invitee lives; the context binds a value to its field. */
const CONTEXT = {
  email: 'invitees.email',
  name: 'invitees.name',
  organisation: 'invitees.organisation',
  attribute: 'invitees.attributes',
};

/**
 * Invitees with their address, name, organisation and the file's other columns sealed. The
 * address is found by its keyed hash, stored as the invitee's `email` (so also in its id): an
 * import merges by it, an unsubscription and an erasure find it. Invitees stored in clear before
 * sealing read as they are and are sealed, under their hashed id, by the next import of their
 * address or by a rotation. Tokens, languages and countries stay in clear (links, mail, time zones).
 */
export class SealedInviteeStore implements InviteeStore, Resealable {
  constructor(
    private readonly inner: InviteeStore & InviteeRows,
    private readonly keyring: Keyring,
    private readonly report: ReportUnreadable,
  ) {}

  private hashOf(email: string): string {
    return this.keyring.hash(normalEmail(email), EMAIL_HASH);
  }

  /** Empty texts stay empty: they say nothing, and a merge keeps the stored name over an empty one. */
  private sealText(value: string, context: string): string {
    return value ? this.keyring.seal(value, context) : value;
  }

  private seal(invitee: Invitee): Invitee {
    const address = normalEmail(invitee.email);
    const { organisation, attributes } = invitee;
    return {
      ...invitee,
      email: this.hashOf(address),
      sealedEmail: this.keyring.seal(address, CONTEXT.email),
      name: this.sealText(invitee.name, CONTEXT.name),
      ...(organisation !== undefined
        ? { organisation: this.sealText(organisation, CONTEXT.organisation) }
        : {}),
      attributes: Object.fromEntries(
        Object.entries(attributes).map(([k, v]) => [k, this.sealText(v, CONTEXT.attribute)]),
      ),
    };
  }

  /** The invitee in clear; a value no configured key opens reads UNREADABLE and is reported. */
  private open(stored: Invitee): Invitee {
    // Its id holds the hash, never the address (the token would let someone answer as them).
    const id = inviteeId(stored.campaign, stored.email);
    const open = (value: string, context: string) => {
      try {
        return this.keyring.open(value, context);
      } catch (error) {
        if (!(error instanceof UnreadableValue)) throw error;
        this.report({ store: 'invitees', id, keyId: error.keyId, reason: error.reason });
        return UNREADABLE;
      }
    };
    const { sealedEmail, organisation, ...rest } = stored;
    return {
      ...rest,
      email: sealedEmail ? open(sealedEmail, CONTEXT.email) : stored.email,
      name: open(stored.name, CONTEXT.name),
      ...(organisation !== undefined ? { organisation: open(organisation, CONTEXT.organisation) } : {}),
      attributes: Object.fromEntries(
        Object.entries(stored.attributes).map(([k, v]) => [k, open(v, CONTEXT.attribute)]),
      ),
    };
  }

  private sealedValues(stored: Invitee): [string, string][] {
    const values: [string, string][] = [
      [stored.sealedEmail ?? '', CONTEXT.email],
      [stored.name, CONTEXT.name],
      [stored.organisation ?? '', CONTEXT.organisation],
      ...Object.values(stored.attributes).map((v): [string, string] => [v, CONTEXT.attribute]),
    ];
    return values.filter(([value]) => value !== '');
  }

  /** Stored in clear (no sealed address), or with a value sealed with another key than the current one. */
  private stale(stored: Invitee): boolean {
    return !stored.sealedEmail || this.sealedValues(stored).some(([v]) => this.keyring.stale(v));
  }

  private readable(stored: Invitee): boolean {
    return this.sealedValues(stored).every(([value, context]) => {
      try {
        this.keyring.open(value, context);
        return true;
      } catch {
        return false;
      }
    });
  }

  /** The invitee of this address stored in clear, from before sealing. */
  private async inClear(campaign: string, email: string): Promise<Invitee | null> {
    const found = await this.inner.get(campaign, email);
    return found && !found.sealedEmail ? found : null;
  }

  /**
   * The address stored in clear moves to its hashed id first, so the import merges into it
   * (read again and retried when it changed meanwhile).
   */
  private async moveInClear(old: Invitee | null): Promise<void> {
    for (; old; old = await this.inClear(old.campaign, old.email))
      if (await this.inner.replace(old, this.seal(old))) return;
  }

  async upsert(invitee: Invitee): Promise<{ invitee: Invitee; added: boolean }> {
    await this.moveInClear(await this.inClear(invitee.campaign, invitee.email));
    const { invitee: stored, added } = await this.inner.upsert(this.seal(invitee));
    return { invitee: this.open(stored), added };
  }

  async upsertMany(invitees: readonly Invitee[]): Promise<{ invitee: Invitee; added: boolean }[]> {
    const campaigns = new Map<string, string[]>();
    for (const { campaign, email } of invitees)
      campaigns.set(campaign, [...(campaigns.get(campaign) ?? []), email]);
    for (const [campaign, emails] of campaigns)
      for (const old of (await this.inner.getMany(campaign, emails)).values())
        if (!old.sealedEmail) await this.moveInClear(old);
    const results = await this.inner.upsertMany(invitees.map((invitee) => this.seal(invitee)));
    return results.map(({ invitee, added }) => ({ invitee: this.open(invitee), added }));
  }

  async get(campaign: string, email: string): Promise<Invitee | null> {
    if (typeof email !== 'string') return null;
    const found =
      (await this.inner.get(campaign, this.hashOf(email))) ?? (await this.inClear(campaign, email));
    return found && this.open(found);
  }

  /** By their hashes, then those not found by the address itself (stored in clear before sealing). */
  async getMany(campaign: string, emails: readonly string[]): Promise<Map<string, Invitee>> {
    const addresses = [...new Set(emails.filter((e) => typeof e === 'string').map(normalEmail))];
    const hashes = addresses.map((address) => this.hashOf(address));
    const sealed = await this.inner.getMany(campaign, hashes);
    const found = new Map<string, Invitee>();
    const missing: string[] = [];
    addresses.forEach((address, k) => {
      const stored = sealed.get(normalEmail(hashes[k]!));
      if (stored) found.set(address, this.open(stored));
      else missing.push(address);
    });
    if (missing.length === 0) return found;
    for (const [address, stored] of await this.inner.getMany(campaign, missing))
      if (!stored.sealedEmail) found.set(address, this.open(stored));
    return found;
  }

  async byToken(token: string): Promise<Invitee | null> {
    const found = await this.inner.byToken(token);
    return found && this.open(found);
  }

  async *scan(campaign: string): AsyncIterable<Invitee> {
    for await (const stored of this.inner.scan(campaign)) yield this.open(stored);
  }

  count(campaign: string): Promise<number> {
    return this.inner.count(campaign);
  }

  linkRespondent(token: string, respondent: string): Promise<boolean> {
    return this.inner.linkRespondent(token, respondent);
  }

  unsubscribe(token: string, at: Date): Promise<boolean> {
    return this.inner.unsubscribe(token, at);
  }

  /** Sealed ones by the hash, and any stored in clear before sealing by the address itself. */
  async deleteByEmail(email: string): Promise<number> {
    if (typeof email !== 'string') return 0;
    return (await this.inner.deleteByEmail(this.hashOf(email))) + (await this.inner.deleteByEmail(email));
  }

  deleteByRespondent(respondent: string): Promise<number> {
    return this.inner.deleteByRespondent(respondent);
  }

  /**
   * Every invitee in clear or on another key sealed again (those in clear move to their hashed
   * id), in batches by id; each is replaced only if it did not change meanwhile, so an import,
   * an unsubscription or an erasure running beside it is never undone. A rerun goes on.
   */
  async reseal(dryRun = false): Promise<RotationResult> {
    const result = { store: 'invitees', resealed: 0, unreadable: 0, skipped: 0 };
    for (let after = ''; ;) {
      const batch = await this.inner.rows(after, BATCH);
      for (const stored of batch) {
        if (!this.stale(stored)) continue;
        if (!this.readable(stored)) {
          result.unreadable++;
          continue;
        }
        if (dryRun || (await this.inner.replace(stored, this.seal(this.open(stored))))) result.resealed++;
        else result.skipped++;
      }
      if (batch.length < BATCH) break;
      const last = batch.at(-1)!;
      after = inviteeId(last.campaign, last.email);
    }
    if (!dryRun && result.resealed > 0) await this.inner.compact();
    return result;
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}
