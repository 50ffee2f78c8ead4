import type { Retention } from '../engine/flow.ts';
import type { Flows } from '../flows/registry.ts';
import type { Logger } from '../log.ts';
import type { ContactStore, ResponseStore } from '../store/response-store.ts';

const DAY_MS = 86_400_000;

export interface RetentionDeps {
  flows: Pick<Flows, 'ids' | 'get'>;
  responses: Pick<ResponseStore, 'scanHeads' | 'deleteIds'>;
  contacts: Pick<ContactStore, 'list' | 'deleteIds'>;
  log: Logger;
}

/** What one run erased, per flow: counts only. */
export interface RetentionRun {
  flowId: string;
  contacts: number;
  unfinished: number;
}

/** When data kept `days` after the flow's closing day expires (ms since the epoch). */
const expiry = (retention: Retention, days: number) =>
  Date.parse(`${retention.closes}T00:00:00Z`) + days * DAY_MS;

/**
 * Erases what each flow's retention says has expired at `now`: the flow's contact details
 * `contactsDays` after it closes, and its partial responses (respondents who did not finish)
 * `unfinishedDays` after. Complete responses stay. Logs counts only; running it again erases
 * nothing more.
 */
export async function applyRetention(deps: RetentionDeps, now: number): Promise<RetentionRun[]> {
  const runs: RetentionRun[] = [];
  for (const flowId of deps.flows.ids()) {
    const retention = deps.flows.get(flowId)?.retention;
    if (!retention) continue;
    let contacts = 0;
    let unfinished = 0;
    if (now >= expiry(retention, retention.contactsDays)) {
      const ids = (await deps.contacts.list()).filter((c) => c.flowId === flowId).map((c) => c.id);
      contacts = await deps.contacts.deleteIds(ids);
    }
    if (now >= expiry(retention, retention.unfinishedDays)) {
      const ids: string[] = [];
      for await (const head of deps.responses.scanHeads({ flowId, status: 'partial' })) ids.push(head.id);
      unfinished = await deps.responses.deleteIds(ids);
    }
    if (contacts || unfinished)
      deps.log.info({ flow: flowId, contacts, unfinished }, 'retention: expired data erased');
    runs.push({ flowId, contacts, unfinished });
  }
  return runs;
}

/** Runs the retention once a day (and once at start); a failing run is logged and tried the next day. */
export function startRetention(
  deps: RetentionDeps,
  clock: () => number = Date.now,
): { stop(): Promise<void> } {
  let running: Promise<unknown> | null = null;
  const run = () => {
    if (running) return;
    running = applyRetention(deps, clock())
      .catch((error: unknown) => deps.log.error({ err: error }, 'retention run failed; tried again tomorrow'))
      .finally(() => {
        running = null;
      });
  };
  const timer = setInterval(run, DAY_MS);
  timer.unref();
  run();
  return {
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}
