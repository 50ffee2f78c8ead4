import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestContext } from 'node:test';

/**
 * Servers a fault test starts, stops and restarts itself: its own redis-server or FerretDB on a
 * free loopback port, with its data in a temporary folder. Missing binaries skip the test
 * locally and fail it under CI=true, like `needServer`.
 */
export interface ServerProcess {
  url: string;
  port: number;
  dir: string;
  /** Starts (again) on the same port and data folder, and waits until it answers. */
  start(): Promise<void>;
  /** Stops it: SIGTERM by default, SIGKILL to simulate a crash. */
  stop(signal?: NodeJS.Signals): Promise<void>;
  /** Stops it and removes its data folder. */
  dispose(): Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

function which(name: string, candidates: string[]): string | null {
  for (const c of candidates) if (c && existsSync(c)) return c;
  const found = spawnSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' });
  return found.status === 0 ? found.stdout.trim() : null;
}

function missing(t: TestContext, what: string): null {
  if (process.env.CI === 'true') throw new Error(`${what} (required under CI=true)`);
  t.skip(what);
  return null;
}

async function answers(port: number, timeoutMs: number): Promise<boolean> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    const ok = await new Promise<boolean>((resolve) => {
      const socket = connect({ host: '127.0.0.1', port });
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (ok) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return false;
}

function processServer(
  url: (port: number) => string,
  command: string,
  args: (port: number, dir: string) => string[],
  port: number,
  dir: string,
  ready: (port: number) => Promise<boolean>,
): ServerProcess {
  let child: ChildProcess | null = null;
  let output = '';
  const stop = async (signal: NodeJS.Signals = 'SIGTERM') => {
    const running = child;
    child = null;
    if (!running || running.exitCode !== null) return;
    const exited = new Promise<void>((resolve) => running.once('exit', () => resolve()));
    running.kill(signal);
    await exited;
  };
  return {
    url: url(port),
    port,
    dir,
    async start() {
      if (child) return;
      output = '';
      child = spawn(command, args(port, dir), { stdio: ['ignore', 'pipe', 'pipe'] });
      child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
      child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
      if (!(await ready(port))) {
        await stop('SIGKILL');
        throw new Error(`${command} did not start on port ${port}:\n${output.slice(-2000)}`);
      }
    },
    stop,
    async dispose() {
      await stop('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A redis-server with append-only persistence (every write on disk before it is acknowledged). */
export async function startRedisServer(
  t: TestContext,
  opts: { port?: number; start?: boolean; password?: string } = {},
): Promise<ServerProcess | null> {
  const bin = which('redis-server', ['/usr/bin/redis-server']);
  if (!bin) return missing(t, 'redis-server is not installed');
  const port = opts.port ?? (await freePort());
  const dir = mkdtempSync(join(tmpdir(), 'survey-redis-'));
  const server = processServer(
    (p) => `redis://127.0.0.1:${p}`,
    bin,
    (p, d) => [
      '--port',
      String(p),
      '--bind',
      '127.0.0.1',
      '--dir',
      d,
      '--save',
      '',
      '--appendonly',
      'yes',
      '--appendfsync',
      'always',
      '--protected-mode',
      'yes',
      ...(opts.password ? ['--requirepass', opts.password] : []),
    ],
    port,
    dir,
    (p) => redisAnswers(p, 10_000),
  );
  if (opts.start !== false) await server.start();
  t.after(() => server.dispose());
  return server;
}

/** Redis answers PING only once it has loaded its data; a bare TCP connect comes too early. */
async function redisAnswers(port: number, timeoutMs: number): Promise<boolean> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    const reply = await new Promise<string>((resolve) => {
      const socket = connect({ host: '127.0.0.1', port });
      let data = '';
      socket.once('connect', () => socket.write('PING\r\n'));
      socket.on('data', (d) => {
        data += d.toString();
        if (data.includes('\r\n')) {
          socket.destroy();
          resolve(data);
        }
      });
      socket.once('error', () => resolve(''));
    });
    if (reply.startsWith('+PONG') || reply.startsWith('-NOAUTH')) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return false;
}

/** The FerretDB binary: $FERRETDB_BIN, ~/go/bin/ferretdb, or on the PATH. */
export function ferretDbBinary(): string | null {
  return which('ferretdb', [process.env.FERRETDB_BIN ?? '', join(homedir(), 'go', 'bin', 'ferretdb')]);
}

/** A FerretDB (SQLite backend, telemetry off) speaking the MongoDB protocol. */
export async function startFerretDb(
  t: TestContext,
  opts: { port?: number; start?: boolean } = {},
): Promise<ServerProcess | null> {
  const bin = ferretDbBinary();
  if (!bin) return missing(t, 'ferretdb is not installed (bash .ci/run builds it)');
  const version = spawnSync(bin, ['--version'], { encoding: 'utf8' });
  if (version.status !== 0)
    return missing(t, `${bin} does not run (bash .ci/run rebuilds it): ${version.stderr.split('\n')[0]}`);
  const port = opts.port ?? (await freePort());
  const dir = mkdtempSync(join(tmpdir(), 'survey-ferretdb-'));
  const server = processServer(
    (p) => `mongodb://127.0.0.1:${p}/`,
    bin,
    (p, d) => [
      '--handler=sqlite',
      `--sqlite-url=file:${d}/`,
      `--state-dir=${d}`,
      `--listen-addr=127.0.0.1:${p}`,
      '--debug-addr=127.0.0.1:0',
      '--telemetry=disable',
      '--log-level=error',
    ],
    port,
    dir,
    (p) => answers(p, 15_000),
  );
  if (opts.start !== false) await server.start();
  t.after(() => server.dispose());
  return server;
}
