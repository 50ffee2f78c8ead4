import { join } from 'node:path';
import { addressId, type Address, type AddressBook } from './address-book.ts';
import { JsonlFile, reviveDates } from './jsonl-file.ts';
import { holds, type SealedSwap, type SealedValues } from './sealed-swap.ts';

type Row = Address & { id: string };

function revive(raw: Record<string, unknown>): Row {
  const row = reviveDates<Row>(raw, ['updatedAt']);
  if (row.unreachable) row.unreachable = { ...row.unreachable, at: new Date(row.unreachable.at) };
  return row;
}

function strip(row: Row): Address {
  const { id, ...address } = structuredClone(row);
  return address;
}

/** Respondents' chat addresses in `<dataDir>/addresses.jsonl` (one process). */
export class FileAddressBook implements AddressBook, SealedSwap {
  private readonly file: JsonlFile<Row>;

  constructor(dataDir: string) {
    this.file = new JsonlFile(join(dataDir, 'addresses.jsonl'), revive);
  }

  async put(address: Address): Promise<void> {
    const { unreachable, ...fields } = structuredClone(address);
    await this.file.put({ ...fields, id: addressId(address.respondent, address.channel) });
  }

  async get(respondent: string, channel: string): Promise<Address | null> {
    const row = this.file.get(addressId(respondent, channel));
    return row ? strip(row) : null;
  }

  async byRespondent(respondent: string): Promise<Address[]> {
    return this.file
      .values()
      .filter((r) => r.respondent === respondent)
      .sort((a, b) => a.channel.localeCompare(b.channel))
      .map(strip);
  }

  async *list(): AsyncIterable<Address> {
    for (const row of this.file.values()) yield strip(row);
  }

  async markUnreachable(respondent: string, channel: string, reason: string, at: Date): Promise<boolean> {
    const row = this.file.get(addressId(respondent, channel));
    if (!row) return false;
    await this.file.put({ ...row, unreachable: { reason, at } });
    return true;
  }

  /** Checked and put with no await in between: nothing can change the address in the gap. */
  async swapSealed(id: string, expected: SealedValues, next: SealedValues) {
    const row = this.file.get(id);
    if (!row || !holds(row, expected)) return false;
    await this.file.put({ ...structuredClone(row), ...next });
    return true;
  }

  compact(): Promise<void> {
    return this.file.compact();
  }

  async deleteByRespondent(respondent: string): Promise<number> {
    const mine = this.file.values().filter((r) => r.respondent === respondent);
    await this.file.delete(mine.map((r) => r.id));
    return mine.length;
  }

  async close(): Promise<void> {
    await this.file.close();
  }
}
