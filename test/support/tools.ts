import { spawnSync } from 'node:child_process';
import type { TestContext } from 'node:test';

/**
 * Programs some tests run (pspp, Rscript). Like servers, a missing one skips the test visibly,
 * and fails it under CI=true, where `.ci/run` installs them.
 */
export function needTool(t: TestContext, name: string): string | null {
  const found = spawnSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' });
  if (found.status === 0) return found.stdout.trim();
  const message = `${name} is not installed`;
  if (process.env.CI === 'true') throw new Error(`${message} (required under CI=true)`);
  t.skip(
    `${message}: install it (apt-get install ${name === 'Rscript' ? 'r-base-core' : name}) to run this test`,
  );
  return null;
}
