import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { compileFlow, type Flow } from '../engine/flow.ts';
import { validateFlow, type FlowIssue, type Resources } from '../engine/validate.ts';
import type { Translator } from '../i18n/translator.ts';
import type { FlowSnapshot, FlowSnapshotStore } from '../store/flow-snapshots.ts';
import { checkFlowFile, FLOWS_DIR, FlowError, listFlowFiles } from './load.ts';
import { snapshotOf } from './snapshot.ts';

/** The flows a conversation can be on: the current version of each, and earlier versions by number. */
export interface Flows {
  /** The flow a respondent gets when nothing names another (FLOW). */
  readonly defaultFlow: Flow;
  /** The current version of a flow. */
  get(id: string): Flow | undefined;
  /** A flow at a version; null when that version cannot be loaded. */
  version(id: string, version: number): Promise<Flow | null>;
  /** Every flow's id. */
  ids(): string[];
}

/** One flow, one version: tests and tools that run a single flow. */
export function singleFlow(flow: Flow): Flows {
  return {
    defaultFlow: flow,
    get: (id) => (id === flow.id ? flow : undefined),
    version: async (id, version) => (id === flow.id && version === flow.version ? flow : null),
    ids: () => [flow.id],
  };
}

/** Earlier versions kept in the repository (deployed before versions were stored). */
export const ARCHIVE_DIR = join(FLOWS_DIR, 'archive');

export interface RegistryOptions {
  resources: Resources;
  translator: Translator;
  store: FlowSnapshotStore;
  /** The flow a respondent gets when no invitation or campaign names one (FLOW). */
  defaultFlow: string;
  clock?: () => number;
  flowsDir?: string;
  archiveDir?: string;
}

/**
 * Every survey the bot runs, and every version of each that sessions may still be on. The flows
 * in `flows/*.yaml` are the current versions; each is stored as a snapshot (definition and texts)
 * when first deployed, so a respondent who started on version 1 finishes on version 1 after
 * version 2 is deployed. A version deployed again with other content is refused at start-up: a
 * changed flow needs a new version number, or live sessions would walk a path they did not start.
 */
export class FlowRegistry implements Flows {
  private readonly earlier = new Map<string, Promise<Flow | null>>();

  private constructor(
    private readonly current: ReadonlyMap<string, Flow>,
    readonly defaultFlow: Flow,
    private readonly options: RegistryOptions,
  ) {}

  /** Reads and validates every flow file; nothing is stored until `deploy`. */
  static open(options: RegistryOptions): FlowRegistry {
    const issues: FlowIssue[] = [];
    const current = new Map<string, Flow>();
    for (const file of listFlowFiles(options.flowsDir)) {
      const checked = checkFlowFile(file, options.resources);
      issues.push(...checked.issues.filter((issue) => !issue.warning));
      if (checked.flow) current.set(checked.flow.id, checked.flow);
    }
    const defaultFlow = current.get(options.defaultFlow);
    if (!defaultFlow && issues.length === 0) {
      issues.push({ file: `flows/${options.defaultFlow}.yaml`, message: 'file not found (FLOW)' });
    }
    if (issues.length > 0) throw new FlowError(issues);
    return new FlowRegistry(current, defaultFlow!, options);
  }

  /**
   * Stores the archived versions and the current ones (texts refreshed). Throws a FlowError when
   * a version is stored with another definition, and the store's error when it cannot be reached.
   */
  async deploy(): Promise<void> {
    const savedAt = new Date((this.options.clock ?? Date.now)());
    const snapshots = [
      ...readArchive(this.options.archiveDir ?? ARCHIVE_DIR, savedAt),
      ...[...this.current.values()].map((flow) =>
        snapshotOf(definitionOf(flow), this.options.resources, savedAt),
      ),
    ];
    const issues: FlowIssue[] = [];
    for (const snapshot of snapshots) {
      if ((await this.options.store.put(snapshot)) === 'conflict') {
        issues.push(conflict(snapshot.flowId, snapshot.version));
      }
    }
    if (issues.length > 0) throw new FlowError(issues);
  }

  /**
   * What `deploy` would refuse, without storing anything: current versions stored before with
   * other questions. For `npm run validate`, before a deployment.
   */
  async check(): Promise<FlowIssue[]> {
    const issues: FlowIssue[] = [];
    for (const flow of this.current.values()) {
      const stored = await this.options.store.get(flow.id, flow.version);
      const mine = snapshotOf(definitionOf(flow), this.options.resources, new Date());
      if (stored && stored.hash !== mine.hash) issues.push(conflict(flow.id, flow.version));
    }
    return issues;
  }

  /** The current version of a flow, by id. */
  get(id: string): Flow | undefined {
    return this.current.get(id);
  }

  ids(): string[] {
    return [...this.current.keys()];
  }

  /**
   * A flow at the version a session is on: the current one, or an earlier one from the store
   * (its texts registered under their own namespace). Null when that version was never stored
   * (a session from before versions were kept): the caller moves the session onto the current one.
   */
  async version(id: string, version: number): Promise<Flow | null> {
    const now = this.current.get(id);
    if (now?.version === version) return now;
    const key = `${id}@${version}`;
    let found = this.earlier.get(key);
    if (!found) {
      found = this.load(id, version);
      this.earlier.set(key, found);
      // A failed read (the store is down) is tried again next time, not remembered.
      found.catch(() => this.earlier.delete(key));
    }
    return found;
  }

  private async load(id: string, version: number): Promise<Flow | null> {
    const snapshot = await this.options.store.get(id, version);
    if (!snapshot) return null;
    // Versions stored before flows named their consent settings take the current version's.
    const definition = snapshot.definition as { consent?: unknown };
    const current = this.current.get(id);
    if (definition.consent === undefined && current?.consent) definition.consent = current.consent;
    const ns = `${id}@${version}`;
    const resources: Resources = {};
    for (const lng of this.options.translator.languages) {
      resources[lng] = { ...this.options.resources[lng], [id]: snapshot.texts[lng] ?? {} };
    }
    const { flow } = validateFlow(definition, ns, resources);
    if (!flow) return null;
    this.options.translator.addNamespace(ns, snapshot.texts);
    return compileFlow(flow, this.options.translator.languages, ns);
  }
}

function conflict(flowId: string, version: number): FlowIssue {
  return {
    file: `flows/${flowId}.yaml`,
    message: `version ${version} was deployed before with other questions: raise the version number, so that sessions on version ${version} keep it`,
  };
}

/** The definition a flow was compiled from, without the lookups added at compile time. */
function definitionOf(flow: Flow) {
  const { index, metaCount, refs, languages, ns, ...definition } = flow;
  return definition;
}

function readArchive(dir: string, savedAt: Date): FlowSnapshot[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => ({ ...(JSON.parse(readFileSync(join(dir, f), 'utf8')) as FlowSnapshot), savedAt }));
}
