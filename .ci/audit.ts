/**
 * `npm audit` of the production dependencies, failing on high or critical advisories except the
 * ones accepted in `.ci/audit-accepted.json` (each with a reason and a date after which it is no
 * longer accepted). When the registry's audit endpoint cannot be reached (offline, a mirror
 * without it), the step says so plainly and passes, unless AUDIT_REQUIRED=1.
 *
 *   node --import tsx .ci/audit.ts            runs npm audit --omit=dev --json
 *   node --import tsx .ci/audit.ts --from f   decides on a saved report (tests)
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface Accepted {
  /** The GitHub advisory id, e.g. GHSA-xxxx-xxxx-xxxx. */
  id: string;
  reason: string;
  /** YYYY-MM-DD: after this day the advisory fails the build again. */
  until: string;
}

interface Via {
  source?: number;
  name?: string;
  title?: string;
  url?: string;
  severity?: string;
}

export type Verdict =
  | { status: 'unreachable'; reason: string }
  | { status: 'ok'; accepted: string[] }
  | { status: 'failed'; advisories: string[]; accepted: string[] };

const BLOCKING = new Set(['high', 'critical']);

/** What the report (npm audit --json output) means under the accepted list, on a day. */
export function decide(report: unknown, accepted: Accepted[], today: string): Verdict {
  const r = report as {
    vulnerabilities?: Record<string, { via?: (Via | string)[] }>;
    message?: string;
    error?: unknown;
  };
  if (!r || typeof r !== 'object' || !r.vulnerabilities) {
    const reason = typeof r?.message === 'string' ? r.message : 'no audit report';
    return { status: 'unreachable', reason };
  }
  const blocking = new Set<string>();
  const waived = new Set<string>();
  for (const [pkg, vulnerability] of Object.entries(r.vulnerabilities)) {
    for (const via of vulnerability.via ?? []) {
      if (typeof via === 'string' || !via.severity || !BLOCKING.has(via.severity)) continue;
      const id = /GHSA-[\w-]+/.exec(via.url ?? '')?.[0] ?? `advisory ${via.source}`;
      const ok = accepted.find((a) => a.id === id && a.until >= today);
      (ok ? waived : blocking).add(`${id} (${via.severity}) in ${pkg}: ${via.title ?? ''}`.trim());
    }
  }
  return blocking.size
    ? { status: 'failed', advisories: [...blocking], accepted: [...waived] }
    : { status: 'ok', accepted: [...waived] };
}

function run(): number {
  const from = process.argv.indexOf('--from');
  let output: string;
  if (from > 0) output = readFileSync(process.argv[from + 1]!, 'utf8');
  else {
    try {
      output = execFileSync('npm', ['audit', '--omit=dev', '--json'], {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'ignore'],
      });
    } catch (error) {
      // npm audit exits 1 when it finds anything, and when the endpoint fails: read its JSON either way.
      output = String((error as { stdout?: string }).stdout ?? '');
    }
  }
  let report: unknown = null;
  try {
    report = JSON.parse(output);
  } catch {
    report = { message: 'npm audit printed no JSON' };
  }
  const file = join(import.meta.dirname, 'audit-accepted.json');
  const accepted = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as Accepted[]) : [];
  const verdict = decide(report, accepted, new Date().toISOString().slice(0, 10));
  for (const a of verdict.status === 'unreachable' ? [] : verdict.accepted) console.log(`accepted: ${a}`);
  if (verdict.status === 'unreachable') {
    console.log(`npm audit: NOT CHECKED — the registry's audit endpoint did not answer (${verdict.reason})`);
    return process.env.AUDIT_REQUIRED === '1' ? 1 : 0;
  }
  if (verdict.status === 'failed') {
    for (const a of verdict.advisories) console.log(`high or critical: ${a}`);
    console.log(
      'npm audit: failed; fix, or accept an advisory in .ci/audit-accepted.json (id, reason, until)',
    );
    return 1;
  }
  console.log('npm audit: no high or critical advisory in the production dependencies');
  return 0;
}

if (process.argv[1] === import.meta.filename) process.exitCode = run();
