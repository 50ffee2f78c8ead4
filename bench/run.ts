import { readdirSync } from 'node:fs';

/**
 * `npm run bench`: runs every bench/*.bench.ts in turn (or those named on the command line).
 * Each file exports `run(): Promise<void>` that prints its own figures and targets.
 */
const only = process.argv.slice(2);
const files = readdirSync(import.meta.dirname)
  .filter((f) => f.endsWith('.bench.ts'))
  .filter((f) => only.length === 0 || only.some((o) => f.includes(o)))
  .sort();
for (const file of files) {
  const mod = (await import(`./${file}`)) as { run: () => Promise<void> };
  console.log(`\n== ${file.replace('.bench.ts', '')} ==`);
  await mod.run();
}
