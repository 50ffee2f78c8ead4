import { join } from 'node:path';
import { snapshotId, type FlowSnapshot, type FlowSnapshotStore } from './flow-snapshots.ts';
import { JsonlFile, reviveDates } from './jsonl-file.ts';

type Row = FlowSnapshot & { id: string };

/** Deployed flow versions in `<dataDir>/flow-versions.jsonl` (one process). */
export class FileFlowSnapshots implements FlowSnapshotStore {
  private readonly file: JsonlFile<Row>;

  constructor(dataDir: string) {
    this.file = new JsonlFile(join(dataDir, 'flow-versions.jsonl'), (raw) => reviveDates(raw, ['savedAt']));
  }

  async get(flowId: string, version: number): Promise<FlowSnapshot | null> {
    const row = this.file.get(snapshotId(flowId, version));
    if (!row) return null;
    const { id, ...snapshot } = structuredClone(row);
    return snapshot;
  }

  async put(snapshot: FlowSnapshot): Promise<'saved' | 'same' | 'conflict'> {
    const stored = this.file.get(snapshotId(snapshot.flowId, snapshot.version));
    if (stored && stored.hash !== snapshot.hash) return 'conflict';
    if (stored) {
      await this.file.put({ ...stored, texts: structuredClone(snapshot.texts) });
      return 'same';
    }
    await this.file.put({ ...structuredClone(snapshot), id: snapshotId(snapshot.flowId, snapshot.version) });
    return 'saved';
  }

  async close(): Promise<void> {
    await this.file.close();
  }
}
