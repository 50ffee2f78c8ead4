import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { parse } from 'yaml';

const ROOT = join(import.meta.dirname, '..', '..');

test('the bot container runs as a non-root user, on a read-only root filesystem, with no capabilities', () => {
  const compose = parse(readFileSync(join(ROOT, 'docker-compose.yml'), 'utf8'));
  const bot = compose.services.bot;
  assert.equal(bot.read_only, true);
  assert.deepEqual(bot.cap_drop, ['ALL']);
  assert.ok(bot.security_opt.includes('no-new-privileges:true'));
  assert.ok(bot.tmpfs.some((t: string) => t.startsWith('/tmp')));
  assert.ok(
    bot.volumes.some((v: string) => v.endsWith(':/app/data')),
    'data on a volume, the only writable place',
  );
  const dockerfile = readFileSync(join(ROOT, 'Dockerfile'), 'utf8');
  const lastUser = [...dockerfile.matchAll(/^USER (\S+)$/gm)].at(-1)?.[1];
  assert.equal(lastUser, 'node');
});
