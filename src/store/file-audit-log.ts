import { join } from 'node:path';
import { auditId, type AuditEntry, type AuditLog, type AuditQuery } from './audit-log.ts';
import { JsonlFile, reviveDates } from './jsonl-file.ts';

/** The audit log in `<dataDir>/audit.jsonl`, only ever appended to (one process). */
export class FileAuditLog implements AuditLog {
  private readonly file: JsonlFile<AuditEntry>;

  constructor(dataDir: string) {
    this.file = new JsonlFile(join(dataDir, 'audit.jsonl'), (raw) => reviveDates(raw, ['at']));
  }

  async append(entry: Omit<AuditEntry, 'id'>): Promise<AuditEntry> {
    const full = { id: auditId(entry.at), ...structuredClone(entry) };
    await this.file.put(full);
    return structuredClone(full);
  }

  async list(query: AuditQuery): Promise<AuditEntry[]> {
    return this.file
      .values()
      .filter(
        (e) =>
          (query.before === undefined || e.id < query.before) &&
          (query.actor === undefined || e.actor === query.actor) &&
          (query.action === undefined || e.action === query.action),
      )
      .sort((a, b) => (a.id < b.id ? 1 : -1))
      .slice(0, Math.max(1, Math.min(query.limit, 1000)))
      .map((e) => structuredClone(e));
  }

  async close(): Promise<void> {
    await this.file.close();
  }
}
