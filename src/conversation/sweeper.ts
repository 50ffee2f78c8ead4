import type { Logger } from '../log.ts';
import type { ConversationService } from './service.ts';

export interface Sweeper {
  /** Stops the timer and waits for a sweep in progress to end. */
  stop(): Promise<void>;
}

/**
 * Runs the service's sweep every `intervalMs`: abandoned sessions become partial responses
 * before Redis expires them, and finished ones whose save failed are saved. Runs never overlap;
 * a failing run (the database is down) is logged and the next one tries again.
 */
export function startSweeper(
  service: ConversationService,
  opts: { intervalMs: number; log: Logger },
): Sweeper {
  let running: Promise<void> | null = null;
  const run = () => {
    if (running) return;
    running = service
      .sweep()
      .then(({ archived, completed }) => {
        if (archived || completed) opts.log.info({ archived, completed }, 'sweep saved idle sessions');
      })
      .catch((error: unknown) => opts.log.error({ err: error }, 'sweep failed; the next one tries again'))
      .finally(() => {
        running = null;
      });
  };
  const timer = setInterval(run, opts.intervalMs);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}
