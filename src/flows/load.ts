import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parse } from 'yaml';
import { compileFlow, type Flow } from '../engine/flow.ts';
import { validateFlow, type FlowIssue, type Resources } from '../engine/validate.ts';

/** Project folders, relative to this file so that `npm start` works from any directory. */
export const ROOT = join(import.meta.dirname, '..', '..');
export const FLOWS_DIR = join(ROOT, 'flows');
export const LOCALES_DIR = join(ROOT, 'locales');
/**
 * Texts of flows imported from XLSForms: `flows/locales/<lng>/<flow id>.json`, in the languages
 * the form labels, apart from the bot's own texts (which every language of the bot must hold).
 */
export const FLOW_LOCALES_DIR = join(FLOWS_DIR, 'locales');

/** English first: it is the fallback. */
export function loadResources(dir = LOCALES_DIR): Resources {
  const languages = readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => d.name)
    .sort((a, b) => (a === 'en' ? -1 : b === 'en' ? 1 : a.localeCompare(b)));
  const resources: Resources = {};
  for (const lng of languages) {
    resources[lng] = {};
    for (const file of readdirSync(join(dir, lng)).filter((f) => f.endsWith('.json'))) {
      resources[lng][file.slice(0, -'.json'.length)] = JSON.parse(readFileSync(join(dir, lng, file), 'utf8'));
    }
  }
  return resources;
}

/** The resources with one flow's own texts added from `<flows dir>/locales/<lng>/<id>.json`. */
export function withFlowTexts(resources: Resources, flowId: string, dir = FLOW_LOCALES_DIR): Resources {
  if (!existsSync(dir)) return resources;
  const merged: Resources = { ...resources };
  for (const lng of readdirSync(dir, { withFileTypes: true }).filter((d) => d.isDirectory())) {
    const file = join(dir, lng.name, `${flowId}.json`);
    if (!existsSync(file)) continue;
    merged[lng.name] = { ...merged[lng.name], [flowId]: JSON.parse(readFileSync(file, 'utf8')) };
  }
  return merged;
}

/** The resources with the texts of every imported flow in `<flows dir>/locales` added. */
export function withAllFlowTexts(resources: Resources, dir = FLOW_LOCALES_DIR): Resources {
  if (!existsSync(dir)) return resources;
  const merged: Resources = { ...resources };
  for (const lng of readdirSync(dir, { withFileTypes: true }).filter((d) => d.isDirectory())) {
    for (const file of readdirSync(join(dir, lng.name)).filter((f) => f.endsWith('.json'))) {
      const id = file.slice(0, -'.json'.length);
      merged[lng.name] = {
        ...merged[lng.name],
        [id]: JSON.parse(readFileSync(join(dir, lng.name, file), 'utf8')),
      };
    }
  }
  return merged;
}

/**
 * Every language of the resources: the bot's own (those with its common texts) first, English
 * leading as the fallback, then languages only some imported flows are offered in.
 */
export function languagesOf(resources: Resources): string[] {
  const own = Object.keys(resources).filter((lng) => resources[lng]?.common !== undefined);
  const others = Object.keys(resources).filter((lng) => !own.includes(lng));
  return [...own, ...others];
}

export class FlowError extends Error {
  constructor(readonly issues: FlowIssue[]) {
    super(issues.map(formatIssue).join('\n'));
    this.name = 'FlowError';
  }
}

export function formatIssue(issue: FlowIssue): string {
  return `${issue.file}: ${issue.question ? `${issue.question}: ` : ''}${issue.message}`;
}

/** Parses and validates one flow file; every problem is reported, with file and question id. */
export function checkFlowFile(
  path: string,
  resources: Resources,
): { flow: Flow | null; issues: FlowIssue[] } {
  const file = path.startsWith(ROOT) ? path.slice(ROOT.length + 1) : path;
  if (!existsSync(path)) return { flow: null, issues: [{ file, message: 'file not found' }] };
  let raw: unknown;
  try {
    raw = parse(readFileSync(path, 'utf8'));
  } catch (error) {
    return { flow: null, issues: [{ file, message: `not valid YAML: ${(error as Error).message}` }] };
  }
  const id = (raw as { id?: unknown } | null)?.id;
  const texts =
    typeof id === 'string' ? withFlowTexts(resources, id, join(dirname(path), 'locales')) : resources;
  const { flow, issues } = validateFlow(raw, file, texts);
  return { flow: flow ? compileFlow(flow, Object.keys(resources)) : null, issues };
}

/** Loads a flow by id from flows/, or throws a FlowError listing every problem. */
export function loadFlow(id: string, resources: Resources = loadResources(), dir = FLOWS_DIR): Flow {
  const { flow, issues } = checkFlowFile(join(dir, `${id}.yaml`), resources);
  if (!flow) throw new FlowError(issues.filter((i) => !i.warning));
  return flow;
}

export function listFlowFiles(dir = FLOWS_DIR): string[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.yaml') || f.endsWith('.yml'))
    .map((f) => join(dir, f));
}
