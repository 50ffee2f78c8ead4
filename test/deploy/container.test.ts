import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { parse } from 'yaml';
import { ConfigSchema } from '../../src/config.ts';

/**
 * No Docker engine runs on our machines, so the container files are checked by reading them:
 * the compose file parses and wires the services, and the image starts what package.json builds.
 */
const ROOT = join(import.meta.dirname, '..', '..');
const read = (file: string) => readFileSync(join(ROOT, file), 'utf8');
const configKeys = Object.keys(ConfigSchema.shape);

test('docker-compose.yml runs the bot with Redis (append-only, volume) and MongoDB (volume)', () => {
  const compose = parse(read('docker-compose.yml'));
  const { bot, redis, mongo } = compose.services;
  assert.ok(bot && redis && mongo);
  assert.equal(bot.env_file, '.env');
  assert.match(bot.environment.REDIS_URL, /^redis:\/\/redis:6379/);
  assert.match(bot.environment.MONGODB_URI, /^mongodb:\/\/mongo:27017\//);
  assert.ok(redis.command.includes('--appendonly') && redis.command.includes('yes'));
  assert.ok(redis.volumes.some((v: string) => v.endsWith(':/data')));
  assert.ok(mongo.volumes.some((v: string) => v.endsWith(':/data/db')));
  for (const volume of [...bot.volumes, ...redis.volumes, ...mongo.volumes]) {
    assert.ok(volume.split(':')[0] in compose.volumes, `${volume} is a named volume`);
  }
  assert.equal(bot.depends_on.redis.condition, 'service_healthy');
  assert.equal(bot.depends_on.mongo.condition, 'service_healthy');
  for (const name of Object.keys(bot.environment))
    assert.ok(configKeys.includes(name), `${name} is a config variable`);
});

test('.env.example documents exactly the variables the configuration reads', () => {
  const documented = [...read('.env.example').matchAll(/^([A-Z][A-Z0-9_]*)=/gm)].map((m) => m[1]);
  assert.deepEqual([...documented].sort(), [...configKeys].sort());
});

test('the README configuration table names every variable', () => {
  const readme = read('README.md');
  for (const key of configKeys) assert.ok(readme.includes(`\`${key}\``), `${key} in README`);
});

test('the image starts the compiled entry point that package.json builds', () => {
  const dockerfile = read('Dockerfile');
  const pkg = JSON.parse(read('package.json'));
  const cmd = /^CMD (\[.*\])$/m.exec(dockerfile);
  assert.ok(cmd, 'Dockerfile has an exec-form CMD');
  assert.equal((JSON.parse(cmd[1]!) as string[]).join(' '), pkg.scripts.serve);
  assert.match(pkg.scripts.build, /tsconfig\.build\.json/);
  const outDir = JSON.parse(read('tsconfig.build.json')).compilerOptions.outDir;
  assert.match(pkg.scripts.serve, new RegExp(`^node (--[\\w=-]+ )*${outDir}/main\\.js$`));
  assert.ok(existsSync(join(ROOT, 'src/main.ts')));
  assert.match(dockerfile, /^USER node$/m, 'runs as a non-root user');
  assert.match(dockerfile, /^HEALTHCHECK /m);
  assert.match(dockerfile, /npm prune --omit=dev/);
  for (const [, from] of dockerfile.matchAll(/^COPY (?:--chown=\S+ )?(?!--from)(\S+)/gm)) {
    assert.ok(existsSync(join(ROOT, from!)), `COPY source ${from} exists`);
  }
  const node = /^FROM node:(\d+)/m.exec(dockerfile);
  assert.ok(Number(node?.[1]) >= 20, 'a current Node LTS');
});
