/**
 * Every version of every flow that sessions were started on, with its texts, so a respondent who
 * started on version 1 finishes on version 1 after version 2 is deployed, even when version 2
 * removed a question (and its texts) from the files. Keyed by flow id and version; the hash of
 * the definition and texts tells a re-deployed version from a changed one.
 */
export interface FlowSnapshot {
  flowId: string;
  version: number;
  /** SHA-256 of the canonical JSON of `definition`. */
  hash: string;
  /** The flow definition as validated (plain data). */
  definition: unknown;
  /** The flow's own texts (its i18next namespace) per language. */
  texts: Record<string, unknown>;
  savedAt: Date;
}

export interface FlowSnapshotStore {
  get(flowId: string, version: number): Promise<FlowSnapshot | null>;
  /**
   * Saves a version once: 'same' when that version is stored with this hash (its texts are then
   * replaced by these), 'conflict' when it is stored with another definition (nothing changes).
   */
  put(snapshot: FlowSnapshot): Promise<'saved' | 'same' | 'conflict'>;
  close(): Promise<void>;
}

export const snapshotId = (flowId: string, version: number) => `${flowId}@${version}`;
