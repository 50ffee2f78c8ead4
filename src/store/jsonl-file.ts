import {
  appendFileSync,
  closeSync,
  existsSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  writeFileSync,
} from 'node:fs';
import { dirname } from 'node:path';

/**
 * An append-only JSON-lines file of records keyed by id: the embedded durable store. Each write
 * is one line, flushed to disk before the call returns; the last line for an id wins. A delete
 * rewrites the file without the record, so erased personal data does not linger in old lines.
 * A torn last line (power cut mid-write) is skipped on load.
 */
export class JsonlFile<T extends { id: string }> {
  private readonly records = new Map<string, T>();
  private fd: number | null = null;

  constructor(
    readonly path: string,
    private readonly revive: (raw: Record<string, unknown>) => T,
  ) {
    mkdirSync(dirname(path), { recursive: true });
    if (existsSync(path)) {
      for (const line of readFileSync(path, 'utf8').split('\n')) {
        if (!line.trim()) continue;
        let raw: Record<string, unknown>;
        try {
          raw = JSON.parse(line);
        } catch {
          continue;
        }
        this.records.set(String(raw.id), this.revive(raw));
      }
    }
  }

  get(id: string): T | undefined {
    return this.records.get(id);
  }

  values(): T[] {
    return [...this.records.values()];
  }

  put(record: T): void {
    this.append(JSON.stringify(record));
    this.records.set(record.id, record);
  }

  delete(ids: readonly string[]): void {
    if (!ids.some((id) => this.records.has(id))) return;
    for (const id of ids) this.records.delete(id);
    this.close();
    const tmp = `${this.path}.tmp`;
    const fd = openSync(tmp, 'w');
    writeFileSync(
      fd,
      this.values()
        .map((r) => JSON.stringify(r) + '\n')
        .join(''),
    );
    fsyncSync(fd);
    closeSync(fd);
    renameSync(tmp, this.path);
  }

  close(): void {
    if (this.fd !== null) closeSync(this.fd);
    this.fd = null;
  }

  private append(line: string): void {
    this.fd ??= openSync(this.path, 'a');
    appendFileSync(this.fd, line + '\n');
    fsyncSync(this.fd);
  }
}

/** Turns ISO date strings of the named fields back into Dates. */
export function reviveDates<T>(raw: Record<string, unknown>, fields: readonly string[]): T {
  const copy: Record<string, unknown> = { ...raw };
  for (const f of fields) if (typeof copy[f] === 'string') copy[f] = new Date(copy[f] as string);
  return copy as T;
}
