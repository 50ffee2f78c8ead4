import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { reachable } from './measure.ts';

/** The processes a load test runs against, started and stopped by it, and their CPU time. */

const ROOT = join(import.meta.dirname, '..');

export interface BotProcess {
  child: ChildProcess;
  port: number;
  output(): string;
  stop(): Promise<number | null>;
}

/** The flags node runs the service with (`npm run serve`, the image's command). */
const SERVE_FLAGS = (
  JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: { serve: string } }
).scripts.serve
  .split(' ')
  .filter((arg) => arg.startsWith('--'));

/**
 * A bot replica: `node --import tsx src/main.ts` with the service's node flags (or
 * LOADTEST_BOT_FLAGS); resolves once it runs.
 */
export async function startBot(env: Record<string, string>, port: number): Promise<BotProcess> {
  const dataDir = mkdtempSync(join(tmpdir(), 'loadtest-bot-'));
  const child = spawn(
    process.execPath,
    [
      ...(process.env.LOADTEST_BOT_FLAGS?.split(' ').filter(Boolean) ?? SERVE_FLAGS),
      '--import',
      'tsx',
      'src/main.ts',
    ],
    {
      cwd: ROOT,
      env: {
        PATH: process.env.PATH ?? '',
        HOME: process.env.HOME ?? '',
        DATA_DIR: dataDir,
        ...env,
        HTTP_PORT: String(port),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let output = '';
  child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
  const exit = new Promise<number | null>((resolve) => child.once('close', resolve));
  const until = Date.now() + 60_000;
  while (!/survey bot running/.test(output)) {
    if (child.exitCode !== null || Date.now() > until) {
      child.kill('SIGKILL');
      throw new Error(`a bot replica did not start:\n${output.slice(-3000)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return {
    child,
    port,
    output: () => output,
    async stop() {
      child.kill('SIGTERM');
      const code = await exit;
      rmSync(dataDir, { recursive: true, force: true });
      return code;
    },
  };
}

/** CPU seconds (user + system) a process has used so far, from /proc (Linux). */
export function cpuSecondsOf(pid: number): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    // utime and stime are fields 14 and 15 of the line, in clock ticks (100 per second on Linux).
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return Number.NaN;
  }
}

/**
 * CPU seconds the whole machine has been busy (all cores, all processes), and those the
 * hypervisor gave to other machines ("steal"), from /proc/stat; NaN where there is none.
 */
export function machineSeconds(): { busy: number; steal: number } {
  if (!existsSync('/proc/stat')) return { busy: Number.NaN, steal: Number.NaN }; // not Linux
  const [, ...ticks] = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/);
  const [user, nice, system, , , irq, softirq, steal] = ticks.map(Number) as number[];
  return { busy: (user! + nice! + system! + irq! + softirq!) / 100, steal: steal! / 100 };
}

const SPIN = `const end = Date.now() + Number(process.argv[1]); let n = 0;
while (Date.now() < end) { for (let i = 0; i < 1e5; i++) Math.sqrt(i * n); n++; }
process.stdout.write(String(n));`;

function spin(ms: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['-e', SPIN, String(ms)], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.once('close', (code) =>
      code === 0 ? resolve(Number(out)) : reject(new Error(`spin exited ${code}`)),
    );
  });
}

/**
 * How much work two CPU-bound processes get done together, as a multiple of one alone: the most
 * any two replicas can give on this machine (2.0 on two free cores; less when the cores are
 * shared by the hypervisor or busy with other work).
 */
export async function parallelCapacity(ms = 2000): Promise<number> {
  const one = await spin(ms);
  const [a, b] = await Promise.all([spin(ms), spin(ms)]);
  return (a + b) / one;
}

/** A FerretDB of our own (SQLite in a temporary folder) when no MONGODB_URI is given. */
export async function startFerretDb(
  port: number,
): Promise<{ uri: string; pid: number; stop(): Promise<void> } | null> {
  const bin = [process.env.FERRETDB_BIN ?? '', join(homedir(), 'go', 'bin', 'ferretdb')].find(
    (b) => b && existsSync(b),
  );
  if (!bin) return null;
  const dir = mkdtempSync(join(tmpdir(), 'loadtest-ferretdb-'));
  const child = spawn(
    bin,
    [
      '--handler=sqlite',
      `--sqlite-url=file:${dir}/`,
      `--state-dir=${dir}`,
      `--listen-addr=127.0.0.1:${port}`,
      '--debug-addr=127.0.0.1:0',
      '--telemetry=disable',
      '--log-level=error',
    ],
    { stdio: 'ignore' },
  );
  const uri = `mongodb://127.0.0.1:${port}/`;
  const until = Date.now() + 15_000;
  while (!(await reachable(uri))) {
    if (Date.now() > until) {
      child.kill('SIGKILL');
      return null;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return {
    uri,
    pid: child.pid!,
    async stop() {
      const exited = new Promise((resolve) => child.once('close', resolve));
      child.kill('SIGTERM');
      await exited;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
