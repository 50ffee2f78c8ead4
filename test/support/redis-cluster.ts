import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from './server-processes.ts';

/**
 * A Redis Cluster of `masters` redis-server processes on free loopback ports, made with
 * `redis-cli --cluster create` (no replicas), with their data in `dir`. `.ci/run` starts its own
 * the same way; for development, `npm run redis-cluster` starts one and prints the variable the
 * tests read (REDIS_CLUSTER_TEST_NODES).
 */
export interface RedisClusterProcesses {
  /** `127.0.0.1:port,...`: what REDIS_CLUSTER_NODES and REDIS_CLUSTER_TEST_NODES take. */
  nodes: string;
  stop(): Promise<void>;
}

const run = (command: string, args: string[]) =>
  spawnSync(command, args, { encoding: 'utf8', timeout: 30_000 });

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function startRedisCluster(dir: string, masters = 3): Promise<RedisClusterProcesses> {
  const children: ChildProcess[] = [];
  const stop = async () => {
    await Promise.all(
      children.map(
        (child) =>
          new Promise<void>((resolve) => {
            if (child.exitCode !== null || child.signalCode !== null) return resolve();
            child.once('close', () => resolve());
            child.kill('SIGTERM');
          }),
      ),
    );
  };
  try {
    const ports: number[] = [];
    for (let i = 0; i < masters; i++) {
      // The cluster bus gets a free port of its own rather than the default port + 10000.
      const [port, bus] = [await freePort(), await freePort()];
      ports.push(port);
      const data = join(dir, String(port));
      mkdirSync(data, { recursive: true });
      const child = spawn(
        'redis-server',
        [
          ...['--port', String(port), '--cluster-port', String(bus), '--bind', '127.0.0.1'],
          ...['--cluster-enabled', 'yes', '--cluster-config-file', join(data, 'nodes.conf')],
          ...['--dir', data, '--save', '', '--appendonly', 'no'],
        ],
        { stdio: 'ignore' },
      );
      children.push(child);
    }
    const ping = (port: number) => run('redis-cli', ['-h', '127.0.0.1', '-p', String(port), 'ping']);
    for (const port of ports) {
      for (let tries = 0; ping(port).stdout.trim() !== 'PONG'; tries++) {
        if (tries > 100) throw new Error(`redis-server on port ${port} does not answer`);
        await sleep(100);
      }
    }
    const nodes = ports.map((port) => `127.0.0.1:${port}`);
    const created = run('redis-cli', [
      '--cluster',
      'create',
      ...nodes,
      '--cluster-replicas',
      '0',
      '--cluster-yes',
    ]);
    if (created.status !== 0) throw new Error(`redis-cli --cluster create failed:\n${created.stdout}`);
    // Every node must know every slot's owner before a client's first command.
    const ok = (port: number) =>
      run('redis-cli', ['-h', '127.0.0.1', '-p', String(port), 'cluster', 'info']).stdout.includes(
        'cluster_state:ok',
      );
    for (let tries = 0; !ports.every(ok); tries++) {
      if (tries > 300) throw new Error('the cluster did not reach cluster_state:ok');
      await sleep(100);
    }
    return { nodes: nodes.join(','), stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

// `npm run redis-cluster`: a cluster for local test runs, until Ctrl-C.
if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const dir = mkdtempSync(join(tmpdir(), 'redis-cluster-'));
  const cluster = await startRedisCluster(dir);
  console.log(`REDIS_CLUSTER_TEST_NODES=${cluster.nodes}`);
  console.log('(Ctrl-C stops it)');
  const end = () =>
    void cluster.stop().then(() => {
      rmSync(dir, { recursive: true, force: true });
      process.exit(0);
    });
  process.once('SIGINT', end);
  process.once('SIGTERM', end);
}
