import { spawnSync } from 'node:child_process';
import type { TestContext } from 'node:test';

/** The Python that runs pyxform (`PYTHON`, default python3). */
const PYTHON = process.env.PYTHON ?? 'python3';

let available: boolean | null = null;

/**
 * pyxform, the XLSForm reference converter ODK and KoboToolbox use: true when it can be run;
 * otherwise the test is skipped with a message, and fails under CI=true (`.ci/run` installs it).
 */
export function needPyxform(t: TestContext): boolean {
  available ??= spawnSync(PYTHON, ['-c', 'import pyxform'], { stdio: 'ignore' }).status === 0;
  if (available) return true;
  const message = `pyxform is not installed for ${PYTHON}`;
  if (process.env.CI === 'true') throw new Error(`${message} (required under CI=true)`);
  t.skip(`${message}: pip install pyxform`);
  return false;
}

/** What pyxform says of a form: code 100 (ok) or 101 (ok with warnings), else an error. */
export function pyxformCheck(
  path: string,
  out: string,
): { code: number; message: string; warnings: string[] } {
  const run = spawnSync(PYTHON, ['-m', 'pyxform.xls2xform', '--json', '--skip_validate', path, out], {
    encoding: 'utf8',
  });
  // pyxform writes its JSON report to stderr.
  const said = run.stdout + run.stderr;
  const json = said.slice(said.lastIndexOf('{"code"'));
  return JSON.parse(json) as { code: number; message: string; warnings: string[] };
}
