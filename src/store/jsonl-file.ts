import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { open, rename, type FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';

/**
 * An append-only JSON-lines file of records keyed by id: the embedded durable store. A write is
 * one line, on disk (fdatasync) before its promise resolves; the last line for an id wins. Writes
 * are group-committed: lines put while a write is on its way go to disk together in the next one,
 * so the event loop never waits for the disk and a burst of completions costs one sync, not one
 * each. A delete rewrites the file without the record, so erased personal data does not linger in
 * old lines. A torn last line (power cut mid-write) is skipped on load.
 */
export class JsonlFile<T extends { id: string }> {
  private readonly records = new Map<string, T>();
  private handle: FileHandle | null = null;
  /** Lines waiting for the next write. */
  private pending: string[] = [];
  /** The write that will take the lines put now (not started yet), if one is queued. */
  private next: Promise<void> | null = null;
  /** The last write or rewrite queued: each starts when the one before has finished. */
  private queue: Promise<void> = Promise.resolve();
  /** The file ends in a torn line: the next write starts on a new line, so it is not glued to it. */
  private torn = false;

  constructor(
    readonly path: string,
    private readonly revive: (raw: Record<string, unknown>) => T,
  ) {
    mkdirSync(dirname(path), { recursive: true });
    if (existsSync(path)) {
      const content = readFileSync(path, 'utf8');
      this.torn = content.length > 0 && !content.endsWith('\n');
      for (const line of content.split('\n')) {
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

  /** Seen by `get` at once; resolves once the record is on disk. */
  put(record: T): Promise<void> {
    this.records.set(record.id, record);
    this.pending.push(JSON.stringify(record) + '\n');
    if (!this.next) {
      const batch = this.enqueue(async () => {
        if (this.next === batch) this.next = null;
        const text = (this.torn ? '\n' : '') + this.pending.join('');
        this.pending = [];
        if (!text) return;
        this.torn = false;
        this.handle ??= await open(this.path, 'a');
        await this.handle.appendFile(text);
        await this.handle.datasync();
      });
      this.next = batch;
    }
    return this.next;
  }

  /** Gone from `get` at once; resolves once the file no longer holds them. */
  delete(ids: readonly string[]): Promise<void> {
    if (!ids.some((id) => this.records.has(id))) return Promise.resolve();
    for (const id of ids) this.records.delete(id);
    // Lines put from now on are written after the rewrite (their records are in it as well).
    this.next = null;
    return this.enqueue(async () => {
      await this.closeHandle();
      const tmp = `${this.path}.tmp`;
      const lines = this.values().map((r) => JSON.stringify(r) + '\n');
      const file = await open(tmp, 'w');
      try {
        await file.writeFile(lines.join(''));
        await file.sync();
      } finally {
        await file.close();
      }
      await rename(tmp, this.path);
      this.torn = false;
    });
  }

  /** Waits for the writes under way, then closes the file. */
  async close(): Promise<void> {
    await this.enqueue(() => this.closeHandle());
  }

  /** Runs `write` after every write queued before it, whether that one failed or not. */
  private enqueue(write: () => Promise<void>): Promise<void> {
    const run = this.queue.catch(() => undefined).then(write);
    this.queue = run;
    return run;
  }

  private async closeHandle(): Promise<void> {
    const handle = this.handle;
    this.handle = null;
    await handle?.close();
  }
}

/** Turns ISO date strings of the named fields back into Dates. */
export function reviveDates<T>(raw: Record<string, unknown>, fields: readonly string[]): T {
  const copy: Record<string, unknown> = { ...raw };
  for (const f of fields) if (typeof copy[f] === 'string') copy[f] = new Date(copy[f] as string);
  return copy as T;
}
