import { randomBytes } from 'node:crypto';
import { cpus } from 'node:os';
import { Redis } from 'ioredis';
import mongoose from 'mongoose';
import { loadFlow, loadResources } from '../src/flows/load.ts';
import { Translator } from '../src/i18n/translator.ts';
import { freePort } from '../test/support/server-processes.ts';
import { LeanBotApi } from './lean-bot-api.ts';
import { runLoad, type LoadResult } from './loadtest-load.ts';
import { percentile, reachable } from './measure.ts';
import {
  cpuSecondsOf,
  machineSeconds,
  parallelCapacity,
  startBot,
  startFerretDb,
  type BotProcess,
} from './loadtest-processes.ts';
import { TEST_DATA_KEYS } from '../test/support/servers.ts';

/**
 * `npm run loadtest`: black-box load on running bot processes in webhook mode, 1 and then 2
 * replicas sharing one Redis and one MongoDB, with a local Bot API. Prints updates per second,
 * median and 99th percentile latency, errors, the CPU each part used per update, and the ratio
 * of 2 replicas to 1 against the target (at least 1.6 times, zero errors).
 *
 * This process is Telegram: it serves a lean Bot API (bench/lean-bot-api.ts) and sends the
 * updates, both over bare keep-alive sockets (bench/lean-http.ts) rather than Node's http module,
 * since on a 2-core machine every CPU second they use is taken from the replicas measured. It
 * also measures how much work two CPU-bound processes get done together on the machine at that
 * moment, the ceiling of any 2:1 ratio there (other jobs and the hypervisor take their share).
 *
 * REDIS_URL (default redis://127.0.0.1:6379) must answer; MONGODB_URI is used when set, else a
 * FerretDB of our own is started (then its CPU is counted too). LOADTEST_RESPONDENTS (200) and
 * LOADTEST_SECONDS (15) size the run; LOADTEST_BOT_FLAGS adds Node flags to the replicas, e.g.
 * `--single-threaded-gc` to hold each replica to one core (a diagnostic, not a production setting).
 */
const RESPONDENTS = Number(process.env.LOADTEST_RESPONDENTS ?? 200);
const MEASURE_MS = Number(process.env.LOADTEST_SECONDS ?? 15) * 1000;
const WARMUP_MS = 5000;
const SECRET = 'loadtest-webhook-secret';
const PATH = '/telegram/hook';
const LANGUAGES = ['en', 'ru', 'ar', 'es', 'fr'];

interface Run {
  replicas: number;
  result: LoadResult;
  apiFailures: number;
  completed: number;
  /** CPU seconds used during the measured window, by part. */
  cpu: { bots: number; harness: number; redis: number; mongo: number; machine: number; steal: number };
}

async function redisCpu(redis: Redis): Promise<number> {
  const info = await redis.info('cpu');
  const value = (name: string) => Number(new RegExp(`${name}:([\\d.]+)`).exec(info)?.[1] ?? Number.NaN);
  return value('used_cpu_user') + value('used_cpu_sys');
}

async function measure(
  replicas: number,
  api: LeanBotApi,
  redis: Redis,
  redisUrl: string,
  mongoUri: string,
  mongoPid: number | null,
): Promise<Run> {
  const run = randomBytes(3).toString('hex');
  const prefix = `loadtest:${run}:`;
  const uri = new URL(mongoUri);
  uri.pathname = `/loadtest_${run}`;
  const ports = await Promise.all(Array.from({ length: replicas }, () => freePort()));
  const env = {
    TELEGRAM_BOT_TOKEN: api.token,
    TELEGRAM_API_ROOT: api.apiRoot,
    TELEGRAM_WEBHOOK_URL: `http://127.0.0.1:${ports[0]}${PATH}`,
    TELEGRAM_WEBHOOK_SECRET: SECRET,
    REDIS_URL: redisUrl,
    REDIS_PREFIX: prefix,
    MONGODB_URI: uri.toString(),
    RESPONDENT_SALT: 'loadtest-salt-0123456789',
    ...TEST_DATA_KEYS,
    LOG_LEVEL: 'info',
  };
  const bots: BotProcess[] = [];
  try {
    for (const port of ports) bots.push(await startBot(env, port));
    const resources = loadResources();
    const translator = new Translator(resources, loadFlow('advocacy', resources).languages);
    const unavailable = LANGUAGES.map((l) => translator.translatorFor(l)({ key: 'common:unavailable' }));
    const users = Array.from({ length: RESPONDENTS }, (_, i) => ({
      id: 600_000 + replicas * 10_000 + i,
      language: LANGUAGES[i % LANGUAGES.length]!,
    }));
    const failuresBefore = api.failures;
    // CPU is read at the edges of the measured window, after the warm-up.
    const sample = async () => {
      const harness = process.cpuUsage();
      const machine = machineSeconds();
      return [
        ...bots.map((b) => cpuSecondsOf(b.child.pid!)),
        (harness.user + harness.system) / 1e6,
        await redisCpu(redis),
        mongoPid ? cpuSecondsOf(mongoPid) : Number.NaN,
        machine.busy,
        machine.steal,
      ];
    };
    const at = (ms: number) => new Promise<number[]>((resolve) => setTimeout(() => resolve(sample()), ms));
    const samples = Promise.all([at(WARMUP_MS), at(WARMUP_MS + MEASURE_MS)]);
    const result = await runLoad({
      api,
      ports,
      path: PATH,
      secret: SECRET,
      users,
      warmupMs: WARMUP_MS,
      measureMs: MEASURE_MS,
      unavailable,
    });
    const [cpuStart, cpuEnd] = await samples;
    const used = cpuEnd.map((v, i) => v - cpuStart[i]!);
    const db = await mongoose.createConnection(uri.toString()).asPromise();
    const completed = await db.collection('responses').countDocuments({ status: 'complete' });
    await db.dropDatabase();
    await db.close();
    return {
      replicas,
      result,
      apiFailures: api.failures - failuresBefore,
      completed,
      cpu: {
        bots: used.slice(0, replicas).reduce((a, b) => a + b, 0),
        harness: used[replicas]!,
        redis: used[replicas + 1]!,
        mongo: used[replicas + 2]!,
        machine: used[replicas + 3]!,
        steal: used[replicas + 4]!,
      },
    };
  } finally {
    for (const bot of bots) {
      const code = await bot.stop();
      if (code !== 0) console.error(`a replica exited with ${code}:\n${bot.output().slice(-2000)}`);
    }
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length > 0) await redis.del(...keys);
  }
}

/** CPU seconds of the parts this load test knows (MongoDB only when it started FerretDB itself). */
function known(cpu: Run['cpu']): number {
  return cpu.bots + cpu.harness + cpu.redis + (Number.isNaN(cpu.mongo) ? 0 : cpu.mongo);
}

function report(run: Run): string {
  const { result, cpu } = run;
  const rate = result.updates / result.seconds;
  const perUpdate = (s: number) =>
    Number.isNaN(s) ? 'n/a' : `${((s * 1000) / result.updates).toFixed(2)} ms`;
  const errors = result.errors.status + result.errors.network + result.errors.unavailable + run.apiFailures;
  return [
    `${run.replicas} replica${run.replicas > 1 ? 's' : ''}: ${Math.round(rate).toLocaleString('en')} updates/s` +
      ` (${result.updates.toLocaleString('en')} in ${result.seconds} s, ${run.completed} surveys completed in the whole run);` +
      ` latency median ${percentile(result.latencies, 0.5).toFixed(1)} ms, p99 ${percentile(result.latencies, 0.99).toFixed(1)} ms;` +
      ` errors ${errors} (webhook non-2xx ${result.errors.status}, network ${result.errors.network},` +
      ` "unavailable" notices ${result.errors.unavailable}, Bot API calls refused ${run.apiFailures});` +
      ` ${result.resent} sent again after a keep-alive connection closed`,
    `    CPU per update: bots ${perUpdate(cpu.bots)}, load generator + Bot API stand-in ${perUpdate(cpu.harness)},` +
      ` Redis ${perUpdate(cpu.redis)}, MongoDB (FerretDB) ${perUpdate(cpu.mongo)};` +
      ` machine ${(cpu.machine / result.seconds).toFixed(2)} of ${cpus().length} cores busy,` +
      ` ${(Math.max(0, cpu.machine - known(cpu)) / result.seconds).toFixed(2)} of them by other processes;` +
      ` taken by the hypervisor (steal) ${(cpu.steal / result.seconds).toFixed(2)}`,
  ].join('\n');
}

async function main(): Promise<void> {
  const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
  if (!(await reachable(redisUrl))) {
    console.error(`Redis does not answer at ${redisUrl}: start it or set REDIS_URL`);
    process.exitCode = 1;
    return;
  }
  let mongoUri = process.env.MONGODB_URI;
  let ferret: Awaited<ReturnType<typeof startFerretDb>> = null;
  if (!mongoUri) {
    ferret = await startFerretDb(await freePort());
    if (!ferret) {
      console.error(
        'MONGODB_URI is not set and no FerretDB binary was found (~/go/bin/ferretdb or FERRETDB_BIN)',
      );
      process.exitCode = 1;
      return;
    }
    mongoUri = ferret.uri;
  }
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: 1 });
  const api = new LeanBotApi();
  await api.start();
  try {
    console.log(
      `loadtest: ${RESPONDENTS} respondents each sending their next update as soon as the last is answered;` +
        ` ${WARMUP_MS / 1000} s warm-up, ${MEASURE_MS / 1000} s measured; webhook mode, Redis ${redisUrl.replace(/\/\/[^@]*@/, '//')},` +
        ` MongoDB ${ferret ? '(FerretDB started for this run)' : 'from MONGODB_URI'}`,
    );
    const before = await parallelCapacity();
    console.log(
      `loadtest: two CPU-bound processes run ${before.toFixed(2)}× the work of one on this machine now (two free cores: 2.00)`,
    );
    const runs: Run[] = [];
    for (const replicas of [1, 2]) {
      const run = await measure(replicas, api, redis, redisUrl, mongoUri, ferret?.pid ?? null);
      runs.push(run);
      console.log(report(run));
    }
    const [one, two] = runs as [Run, Run];
    const ratio = two.result.updates / one.result.updates;
    const errors = runs.reduce(
      (n, r) =>
        n + r.result.errors.status + r.result.errors.network + r.result.errors.unavailable + r.apiFailures,
      0,
    );
    const met = ratio >= 1.6 && errors === 0;
    console.log(
      `loadtest: 2 replicas give ${ratio.toFixed(2)}× the throughput of 1 (target ≥ 1.6×, zero errors): ${met ? 'met' : 'NOT met'}`,
    );
    // What the machine allows: the bots' share of two cores at the 2-replica load.
    const costs = two.cpu;
    const perUpdate =
      (costs.bots + costs.harness + costs.redis + (Number.isNaN(costs.mongo) ? 0 : costs.mongo)) /
      two.result.updates;
    const ceiling = 2 / perUpdate / (one.result.updates / one.result.seconds);
    const after = await parallelCapacity();
    console.log(
      `loadtest: at these CPU costs per update, two fully busy cores allow at most ${ceiling.toFixed(2)}× the 1-replica throughput;` +
        ` two CPU-bound processes ran ${before.toFixed(2)}× / ${after.toFixed(2)}× one before / after the runs`,
    );
  } finally {
    await api.close();
    redis.disconnect();
    await ferret?.stop();
  }
}

await main();
