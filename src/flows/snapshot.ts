import { createHash } from 'node:crypto';
import type { FlowDefinition } from '../engine/flow.ts';
import type { Resources } from '../engine/validate.ts';
import type { FlowSnapshot } from '../store/flow-snapshots.ts';

/** JSON with object keys sorted, so equal content always hashes alike. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : 1)))
      : v,
  );
}

/**
 * A deployed flow version: its definition and its own texts in every language. The hash covers
 * the definition only: a corrected translation is deployed without a new version (the stored
 * texts are replaced), a changed question is not.
 */
export function snapshotOf(def: FlowDefinition, resources: Resources, savedAt: Date): FlowSnapshot {
  const texts: Record<string, unknown> = {};
  for (const [lng, namespaces] of Object.entries(resources)) {
    if (namespaces[def.id] !== undefined) texts[lng] = namespaces[def.id];
  }
  const hash = createHash('sha256').update(canonical(def)).digest('hex');
  return { flowId: def.id, version: def.version, hash, definition: def, texts, savedAt };
}
