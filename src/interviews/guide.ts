import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { z } from 'zod';
import { evaluate, referencedQuestions } from '../engine/condition.ts';
import { ConditionSchema, type Condition, type Flow } from '../engine/flow.ts';
import { FLOWS_DIR } from '../flows/load.ts';
import type { Translate } from '../i18n/translator.ts';
import type { ResponseRecord } from '../store/response-store.ts';

const GuideSchema = z.array(
  z.strictObject({
    when: ConditionSchema,
    text: z.string().regex(/^[a-z0-9][a-z0-9_]*$/, 'ids use a-z, 0-9 and _'),
  }),
);

export interface GuideEntry {
  when: Condition;
  text: string;
}

/** The key of a guide entry's text, in locales/<lng>/interviews.json. */
export const guideKey = (flowId: string, text: string) => `interviews:guide.${flowId}.${text}`;

/** Where guides are: beside the flows, apart, so they are never read as flows. */
export const GUIDES_DIR = join(FLOWS_DIR, 'guides');

/**
 * A flow's interview guide, `flows/guides/<id>.yaml` (none: an empty guide). A condition naming a
 * question the flow does not have is refused by name, so a guide never silently stops matching.
 */
export function loadGuide(flow: Pick<Flow, 'id' | 'index'>, dir = GUIDES_DIR): GuideEntry[] {
  const file = join(dir, `${flow.id}.yaml`);
  if (!existsSync(file)) return [];
  const entries = GuideSchema.parse(parse(readFileSync(file, 'utf8')) ?? []);
  for (const entry of entries)
    for (const q of referencedQuestions(entry.when))
      if (!flow.index.has(q)) throw new Error(`${file}: ${entry.text}: no question ${q} in flow ${flow.id}`);
  return entries;
}

/** The guide's suggested questions for one response, in the interviewer's language. */
export function guideLines(
  flow: Flow,
  guide: readonly GuideEntry[],
  response: ResponseRecord,
  t: Translate,
): string[] {
  const matching = guide.filter((entry) => evaluate(entry.when, response.answers));
  if (matching.length === 0) return [];
  return [
    t({ key: 'interviews:guide_heading' }),
    ...matching.map((entry) => `• ${t({ key: guideKey(flow.id, entry.text) })}`),
  ];
}
