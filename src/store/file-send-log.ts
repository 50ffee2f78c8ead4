import { join } from 'node:path';
import { JsonlFile, reviveDates } from './jsonl-file.ts';
import type { SendLog, SendRecord } from './send-log.ts';

type Row = SendRecord & { id: string };
const strip = ({ id, ...record }: Row): SendRecord => record;

/** The send log in `<dataDir>/sends.jsonl` (one process). */
export class FileSendLog implements SendLog {
  private readonly file: JsonlFile<Row>;

  constructor(dataDir: string) {
    this.file = new JsonlFile(join(dataDir, 'sends.jsonl'), (raw) =>
      reviveDates(raw, ['startedAt', 'finishedAt']),
    );
  }

  async begin(record: Omit<SendRecord, 'status' | 'finishedAt'>): Promise<boolean> {
    // Checked and claimed with no await in between: one process, so one claim wins.
    if (this.file.get(record.key)) return false;
    await this.file.put({ ...structuredClone(record), status: 'sending', id: record.key });
    return true;
  }

  async finish(key: string, status: SendRecord['status'], at: Date, detail?: string): Promise<void> {
    const row = this.file.get(key);
    if (!row) throw new Error('no such send');
    await this.file.put({ ...row, status, finishedAt: at, ...(detail ? { detail } : {}) });
  }

  async get(key: string): Promise<SendRecord | null> {
    const row = this.file.get(key);
    return row ? strip(structuredClone(row)) : null;
  }

  async *scan(campaign: string): AsyncIterable<SendRecord> {
    for await (const row of this.file.scan((r) => r.campaign === campaign)) yield strip(row);
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
