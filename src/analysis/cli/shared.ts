import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { loadConfigOrReport } from '../../config.ts';
import type { Flow } from '../../engine/flow.ts';
import { loadFlow, loadResources } from '../../flows/load.ts';
import { Translator } from '../../i18n/translator.ts';
import { createLogger } from '../../log.ts';
import { openStores, type Stores } from '../../store/open.ts';
import { boundHeapGrowth } from '../heap.ts';
import type { Sink } from '../render/html.ts';

/** A mistake in a command line: printed as one line with the usage, exit status 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}

export interface Opened {
  stores: Stores;
  flow: Flow;
  translator: Translator;
  close(): Promise<void>;
}

/** The configured stores and the flow named by `--flow` (default: the configured FLOW). */
export async function openForAnalysis(flowId: string | undefined): Promise<Opened | null> {
  const config = loadConfigOrReport((line) => console.error(line));
  if (!config) return null;
  boundHeapGrowth();
  const resources = loadResources();
  const flow = loadFlow(flowId ?? config.FLOW, resources);
  const stores = await openStores(config, createLogger('warn', process.stderr));
  return { stores, flow, translator: new Translator(resources, flow.languages), close: () => stores.close() };
}

/** A sink to a file (or stdout), waiting when the stream asks to. */
export function fileSink(path: string | undefined): { write: Sink; done(): Promise<void> } {
  if (!path) {
    return {
      write: (chunk) =>
        process.stdout.write(chunk) ? undefined : once(process.stdout, 'drain').then(() => {}),
      done: async () => {},
    };
  }
  const out = createWriteStream(path);
  let failed: Error | null = null;
  out.on('error', (error) => (failed = error));
  const check = () => {
    if (failed) throw failed;
  };
  return {
    write: (chunk) => {
      check();
      return out.write(chunk) ? undefined : once(out, 'drain').then(check);
    },
    done: () =>
      new Promise<void>((resolve, reject) => {
        if (failed) return reject(failed);
        out.once('error', reject);
        out.end(resolve);
      }),
  };
}

/** The languages a report or export can be labelled in: those of the flow. */
export function checkLanguage(flow: Flow, lang: string): string {
  if (!flow.languages.includes(lang)) {
    throw new UsageError(`--lang ${lang}: the flow is in ${flow.languages.join(', ')}`);
  }
  return lang;
}
