import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import { chromium, type BrowserContext } from 'playwright-core';
import { ROOT } from '../../src/flows/load.ts';

/** Debian's chromium package; CHROMIUM_PATH points elsewhere. */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
/** Where browser tests keep their screenshots (CI keeps the folder as an artifact). */
export const ARTIFACTS = join(ROOT, 'test', 'artifacts');

/**
 * A headless Chromium with a fresh profile, closed when the test ends; null (the test skipped
 * with a message) when Chromium is not installed, and a failure instead under CI=true. The
 * background-networking flags matter here: without them Chromium's own connections to the
 * internet are refused by the closed network and slow every page.
 */
export async function launchChromium(t: TestContext): Promise<BrowserContext | null> {
  if (!existsSync(CHROMIUM)) {
    const message = `chromium is not installed at ${CHROMIUM} (apt-get install chromium)`;
    if (process.env.CI === 'true') throw new Error(`${message}: required under CI=true`);
    t.skip(message);
    return null;
  }
  const profile = mkdtempSync(join(tmpdir(), 'dashboard-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: [
      ...(process.getuid?.() === 0 ? ['--no-sandbox'] : []),
      '--headless',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
    viewport: { width: 1200, height: 800 },
  });
  t.after(async () => {
    await context.close();
    rmSync(profile, { recursive: true, force: true });
  });
  mkdirSync(join(ARTIFACTS, 'dashboard'), { recursive: true });
  return context;
}
