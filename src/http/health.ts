import type { ServerResponse } from 'node:http';
import { within } from '../store/within.ts';
import type { HttpServer } from './server.ts';

/** Something the bot needs to serve respondents: a store's server, a platform connection. */
export interface ReadinessCheck {
  name: string;
  ready(): boolean | Promise<boolean>;
}

type Phase = 'starting' | 'running' | 'stopping';

/**
 * `/healthz` and `/readyz` on the shared HTTP server. Health is "the process answers": a restart
 * would not help otherwise. Readiness is "send me work": every check passes (Redis and MongoDB
 * answer a ping, the channels are connected) and the process is neither starting nor shutting
 * down. An unready answer is 503 with what is failing, so an operator sees why at a glance.
 */
export class Health {
  private readonly checks: ReadinessCheck[] = [];
  private phase: Phase = 'starting';

  /** A check slower than `timeoutMs` counts as failing: a hung server is not a ready one. */
  constructor(private readonly timeoutMs = 2000) {}

  add(check: ReadinessCheck): void {
    this.checks.push(check);
  }

  /** Start-up is over: readiness now follows the checks. */
  running(): void {
    if (this.phase === 'starting') this.phase = 'running';
  }

  /** Shutdown began: unready from now on, so a load balancer sends no more work. */
  stopping(): void {
    this.phase = 'stopping';
  }

  /** Each check by name (true when it passed), and whether all passed in the running phase. */
  async report(): Promise<{ ready: boolean; phase: Phase; checks: Record<string, boolean> }> {
    const results = await Promise.all(
      this.checks.map(async (check) => {
        const outcome = Promise.resolve()
          .then(() => check.ready())
          .catch(() => false);
        const ok = (await within(outcome, this.timeoutMs)) && (await outcome);
        return [check.name, ok] as const;
      }),
    );
    const checks = Object.fromEntries(results);
    const ready = this.phase === 'running' && results.every(([, ok]) => ok);
    return { ready, phase: this.phase, checks };
  }

  mount(http: HttpServer): void {
    http.route('GET', '/healthz', (_req, res) => json(res, 200, { status: 'ok' }));
    http.route('GET', '/readyz', async (_req, res) => {
      const report = await this.report();
      const failing = Object.entries(report.checks)
        .filter(([, ok]) => !ok)
        .map(([name]) => name);
      if (report.phase !== 'running') failing.unshift(report.phase);
      const status = report.ready ? 'ready' : 'unready';
      json(res, report.ready ? 200 : 503, { status, failing, phase: report.phase, checks: report.checks });
    });
  }
}

function json(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res
    .writeHead(status, {
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(text),
      'cache-control': 'no-store',
    })
    .end(text);
}
