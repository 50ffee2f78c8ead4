import { closeSync, existsSync, fstatSync, mkdirSync, openSync, readSync } from 'node:fs';
import { open, rename, type FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';

/** Where a record's line is in the file, and what of it is kept in memory. */
interface Entry<H> {
  offset: number;
  length: number;
  head: H;
}

/** A record put but not on disk yet: read from memory until its write is done. */
interface Unwritten<T, H> {
  record: T;
  head: H;
}

const READ_CHUNK = 1 << 20;

/**
 * An append-only JSON-lines file of records keyed by id: the embedded durable store. A write is
 * one line, on disk (fdatasync) before its promise resolves; the last line for an id wins. Writes
 * are group-committed: records put while a write is on its way go to disk together in the next one,
 * so the event loop never waits for the disk and a burst of completions costs one sync, not one
 * each. A delete rewrites the file without the record, so erased personal data does not linger in
 * old lines. A torn last line (power cut mid-write) is skipped on load.
 *
 * Memory holds, per id, only the *head* the owner chooses (the whole record by default) and where
 * its line is; whole records are read back from disk (`read`, `scan`), so a store of 100,000
 * responses keeps a few megabytes in memory, not the whole file.
 */
export class JsonlFile<T extends { id: string }, H = T> {
  private readonly index = new Map<string, Entry<H>>();
  /** Put, waiting for the next write. */
  private pending = new Map<string, Unwritten<T, H>>();
  /** Being written now. */
  private writing = new Map<string, Unwritten<T, H>>();
  private handle: FileHandle | null = null;
  /** The file's length in bytes, where the next line starts (after the newline a torn line needs). */
  private size = 0;
  /** The write that will take the records put now (not started yet), if one is queued. */
  private next: Promise<void> | null = null;
  /** The last write or rewrite queued: each starts when the one before has finished. */
  private queue: Promise<void> = Promise.resolve();
  /** The file ends in a torn line: the next write starts on a new line, so it is not glued to it. */
  private torn = false;
  /** Counts rewrites: offsets read before one do not hold in the file after it. */
  private generation = 0;

  constructor(
    readonly path: string,
    private readonly revive: (raw: Record<string, unknown>) => T,
    private readonly headOf: (record: T) => H = (record) => record as unknown as H,
  ) {
    mkdirSync(dirname(path), { recursive: true });
    if (existsSync(path)) this.load();
  }

  /**
   * Reads the file in chunks, keeping each id's last line; a line that does not parse is skipped.
   * One buffer serves every chunk, the unfinished line moved to its start: a new buffer per chunk
   * is garbage outside the heap, which V8 lets reach 64 MB before it collects.
   */
  private load(): void {
    const fd = openSync(this.path, 'r');
    try {
      const total = fstatSync(fd).size;
      let buffer = Buffer.allocUnsafe(READ_CHUNK);
      /** Bytes of an unfinished line at the buffer's start, and where they are in the file. */
      let carried = 0;
      let carryAt = 0;
      for (let position = 0; position < total;) {
        if (buffer.length - carried < READ_CHUNK / 2) {
          // A line longer than the buffer: a bigger one.
          const bigger = Buffer.allocUnsafe(buffer.length * 2);
          buffer.copy(bigger, 0, 0, carried);
          buffer = bigger;
        }
        const read = readSync(fd, buffer, carried, buffer.length - carried, position);
        if (read === 0) break;
        const end = carried + read;
        let start = 0;
        for (let nl = buffer.indexOf(10); nl >= 0 && nl < end; nl = buffer.indexOf(10, start)) {
          this.indexLine(buffer, start, nl, carryAt);
          start = nl + 1;
        }
        buffer.copy(buffer, 0, start, end);
        carried = end - start;
        carryAt += start;
        position += read;
      }
      this.size = total;
      if (carried > 0) {
        this.torn = true;
        this.indexLine(buffer, 0, carried, carryAt);
      }
    } finally {
      closeSync(fd);
    }
  }

  private indexLine(chunk: Buffer, start: number, end: number, chunkAt: number): void {
    if (end <= start) return;
    const line = chunk.toString('utf8', start, end);
    if (!line.trim()) return;
    let raw: Record<string, unknown>;
    try {
      raw = JSON.parse(line);
    } catch {
      return;
    }
    const record = this.revive(raw);
    this.index.set(String(raw.id), {
      offset: chunkAt + start,
      length: end - start,
      head: this.headOf(record),
    });
  }

  /** What memory holds of a record (the record itself by default), seen at once after a put. */
  get(id: string): H | undefined {
    return (this.pending.get(id) ?? this.writing.get(id) ?? this.index.get(id))?.head;
  }

  values(): H[] {
    const heads = new Map<string, H>();
    for (const [id, e] of this.index) heads.set(id, e.head);
    for (const [id, u] of this.writing) heads.set(id, u.head);
    for (const [id, u] of this.pending) heads.set(id, u.head);
    return [...heads.values()];
  }

  /** The whole record, from memory while its write is under way, else from disk. */
  async read(id: string): Promise<T | undefined> {
    for (;;) {
      const unwritten = this.pending.get(id) ?? this.writing.get(id);
      if (unwritten) return structuredClone(unwritten.record);
      const entry = this.index.get(id);
      if (!entry) return undefined;
      const generation = this.generation;
      const file = await open(this.path, 'r');
      try {
        if (generation !== this.generation) continue;
        const line = Buffer.alloc(entry.length);
        await file.read(line, 0, entry.length, entry.offset);
        return this.revive(JSON.parse(line.toString('utf8')));
      } finally {
        await file.close();
      }
    }
  }

  /**
   * The records whose head passes `select`, in `order` of their heads, each read from disk when
   * it is reached: memory holds one read window, not the records. The set is fixed when the scan
   * starts; writes made meanwhile are not seen.
   */
  scan(select: (head: H) => boolean, order?: (a: H, b: H) => number): AsyncGenerator<T> {
    return this.readSnapshot((head) => select(head), order);
  }

  private async *readSnapshot(
    select: (head: H, id: string) => boolean,
    order?: (a: H, b: H) => number,
  ): AsyncGenerator<T> {
    // A rewrite moves lines: take the snapshot and open the file within one generation.
    for (;;) {
      const generation = this.generation;
      const picked: ({ id: string; head: H } & ({ record: T } | { offset: number; length: number }))[] = [];
      for (const [id, entry] of this.index) {
        if (this.pending.has(id) || this.writing.has(id)) continue;
        // Spelled out: fields spread into a literal take a property array each (4 MB at 100,000).
        if (select(entry.head, id))
          picked.push({ id, head: entry.head, offset: entry.offset, length: entry.length });
      }
      const inMemory = new Map([...this.writing, ...this.pending]);
      for (const [id, u] of inMemory) if (select(u.head, id)) picked.push({ id, ...u });
      if (order) picked.sort((a, b) => order(a.head, b.head) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
      const onDisk = picked.some((p) => 'offset' in p);
      const file = onDisk ? await open(this.path, 'r') : null;
      if (generation !== this.generation) {
        await file?.close();
        continue;
      }
      try {
        // One buffer for every window: a new megabyte per window is garbage outside the heap,
        // which V8 lets reach 64 MB before it collects.
        let buffer = Buffer.allocUnsafe(0);
        let window = buffer;
        let windowAt = 0;
        for (let i = 0; i < picked.length; i++) {
          const p = picked[i]!;
          if ('record' in p) {
            yield structuredClone(p.record);
            continue;
          }
          if (p.offset < windowAt || p.offset + p.length > windowAt + window.length) {
            // Read the run of lines that follow each other on disk in this order, up to a chunk.
            let end = p.offset + p.length;
            for (let j = i + 1; j < picked.length; j++) {
              const q = picked[j]!;
              if ('record' in q) continue;
              if (q.offset < end || q.offset - end > 65_536 || q.offset + q.length - p.offset > READ_CHUNK)
                break;
              end = q.offset + q.length;
            }
            if (buffer.length < end - p.offset)
              buffer = Buffer.allocUnsafe(Math.max(end - p.offset, READ_CHUNK));
            const { bytesRead } = await file!.read(buffer, 0, end - p.offset, p.offset);
            window = buffer.subarray(0, bytesRead);
            windowAt = p.offset;
          }
          const start = p.offset - windowAt;
          yield this.revive(JSON.parse(window.toString('utf8', start, start + p.length)));
        }
      } finally {
        await file?.close();
      }
      return;
    }
  }

  /** Seen by `get` at once; resolves once the record is on disk. */
  put(record: T): Promise<void> {
    this.pending.set(record.id, { record, head: this.headOf(record) });
    if (!this.next) {
      const batch = this.enqueue(async () => {
        if (this.next === batch) this.next = null;
        const taken = this.pending;
        this.pending = new Map();
        if (taken.size === 0) return;
        this.writing = taken;
        try {
          const lines: { id: string; u: Unwritten<T, H>; offset: number; length: number }[] = [];
          let at = this.size + (this.torn ? 1 : 0);
          const parts: string[] = this.torn ? ['\n'] : [];
          for (const [id, u] of taken) {
            const text = JSON.stringify(u.record);
            const length = Buffer.byteLength(text);
            lines.push({ id, u, offset: at, length });
            parts.push(text, '\n');
            at += length + 1;
          }
          this.handle ??= await open(this.path, 'a');
          await this.handle.appendFile(parts.join(''));
          await this.handle.datasync();
          this.torn = false;
          this.size = at;
          // A record deleted while it was being written is not brought back.
          for (const { id, u, offset, length } of lines) {
            if (this.writing.get(id) === u) this.index.set(id, { offset, length, head: u.head });
          }
        } finally {
          this.writing = new Map();
        }
      });
      this.next = batch;
    }
    return this.next;
  }

  /** Gone from `get` at once; resolves once the file no longer holds them. */
  delete(ids: readonly string[]): Promise<void> {
    const gone = ids.filter((id) => this.index.has(id) || this.pending.has(id) || this.writing.has(id));
    if (gone.length === 0) return Promise.resolve();
    for (const id of gone) {
      this.index.delete(id);
      this.pending.delete(id);
      this.writing.delete(id);
    }
    return this.enqueue(() => this.rewrite());
  }

  /** Rewrites the file with each record's last line only: replaced values do not linger in old lines. */
  compact(): Promise<void> {
    return this.enqueue(() => this.rewrite());
  }

  /** Copies the lines still indexed into a new file, in file order, then puts it in place. */
  private async rewrite(): Promise<void> {
    await this.closeHandle();
    const tmp = `${this.path}.tmp`;
    const kept = [...this.index].sort((a, b) => a[1].offset - b[1].offset);
    const source = existsSync(this.path) ? await open(this.path, 'r') : null;
    const target = await open(tmp, 'w');
    const moved = new Map<string, Entry<H>>();
    let at = 0;
    try {
      for (let i = 0; i < kept.length;) {
        const first = kept[i]![1];
        let j = i + 1;
        while (j < kept.length && kept[j]![1].offset + kept[j]![1].length - first.offset <= READ_CHUNK) j++;
        const last = kept[j - 1]![1];
        const window = Buffer.alloc(last.offset + last.length - first.offset);
        await source!.read(window, 0, window.length, first.offset);
        const parts: Buffer[] = [];
        for (const [id, entry] of kept.slice(i, j)) {
          parts.push(
            window.subarray(entry.offset - first.offset, entry.offset - first.offset + entry.length),
          );
          parts.push(Buffer.from('\n'));
          moved.set(id, { ...entry, offset: at });
          at += entry.length + 1;
        }
        await target.write(Buffer.concat(parts));
        i = j;
      }
      await target.sync();
    } finally {
      await target.close();
      await source?.close();
    }
    await rename(tmp, this.path);
    for (const [id, entry] of moved) if (this.index.has(id)) this.index.set(id, entry);
    this.size = at;
    this.torn = false;
    this.generation++;
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
