import { userInfo } from 'node:os';
import { join } from 'node:path';
import type { App } from '../../app.ts';
import { runTerminal } from './run.ts';
import { TerminalSender } from './sender.ts';

/**
 * The terminal chat on this process's stdin and stdout, as the system user, in the system's
 * language; while it runs, the outbound port can write to that user here.
 */
export async function runTerminalOnStdio(app: App): Promise<string | null> {
  const user = userInfo().username;
  const { service, translator } = app;
  const sender = new TerminalSender({ service, translator, output: process.stdout, user });
  const unregister = app.outbound.register('terminal', sender);
  try {
    return await runTerminal({
      service,
      translator,
      responses: app.stores.responses,
      input: process.stdin,
      output: process.stdout,
      user,
      myDataFile: join(app.config.DATA_DIR, 'my-data.json'),
      locale: process.env.LC_ALL || process.env.LC_MESSAGES || process.env.LANG,
    });
  } finally {
    unregister();
  }
}
