import type { ResponseScope } from '../scope.ts';
import type { Counted } from './tally.ts';

export interface Row {
  key: string;
  complete: number;
  partial: number;
}

export interface Overview {
  /** Sessions under way now (all flows and scopes; sessions know no country yet). */
  inProgress: number;
  completedToday: number;
  completed: number;
  partial: number;
  byChannel: Row[];
  byLanguage: Row[];
  byCountry: Row[];
}

const DAY_MS = 86_400_000;

/** Adds up one flow's counted responses that the scope allows; "today" is the UTC day of `now`. */
export function overviewOf(
  counted: Iterable<Counted>,
  flowId: string,
  scope: ResponseScope,
  inProgress: number,
  now: number,
): Overview {
  const today = Math.floor(now / DAY_MS) * DAY_MS;
  const overview: Overview = {
    inProgress,
    completedToday: 0,
    completed: 0,
    partial: 0,
    byChannel: [],
    byLanguage: [],
    byCountry: [],
  };
  const tables = {
    channel: new Map<string, Row>(),
    locale: new Map<string, Row>(),
    country: new Map<string, Row>(),
  };
  for (const c of counted) {
    if (c.flowId !== flowId || !scope.allows(c)) continue;
    const complete = c.status === 'complete';
    if (complete) overview.completed++;
    else overview.partial++;
    if (complete && c.finishedAt !== undefined && c.finishedAt >= today) overview.completedToday++;
    for (const [field, table] of Object.entries(tables) as [keyof typeof tables, Map<string, Row>][]) {
      const key = c[field] ?? '';
      const row = table.get(key) ?? { key, complete: 0, partial: 0 };
      if (complete) row.complete++;
      else row.partial++;
      table.set(key, row);
    }
  }
  const sorted = (table: Map<string, Row>) =>
    [...table.values()].sort(
      (a, b) => b.complete + b.partial - (a.complete + a.partial) || (a.key < b.key ? -1 : 1),
    );
  overview.byChannel = sorted(tables.channel);
  overview.byLanguage = sorted(tables.locale);
  overview.byCountry = sorted(tables.country);
  return overview;
}
