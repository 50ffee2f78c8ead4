import { Worker } from 'node:worker_threads';

/**
 * A worker thread running a TypeScript file of the benches. A worker does not inherit tsx's
 * loader, so it loads the file through tsx's API.
 */
export function tsWorker(script: URL): Worker {
  return new Worker(
    `import('tsx/esm/api').then(({ tsImport }) => tsImport(${JSON.stringify(script.href)}, ${JSON.stringify(import.meta.url)}))`,
    { eval: true },
  );
}
