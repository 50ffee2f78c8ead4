import { userInfo } from 'node:os';
import type { App } from '../../app.ts';
import { runTerminal } from './run.ts';

/** The terminal chat on this process's stdin and stdout, as the system user, in the system's language. */
export function runTerminalOnStdio(app: App): Promise<string | null> {
  return runTerminal({
    service: app.service,
    translator: app.translator,
    responses: app.stores.responses,
    input: process.stdin,
    output: process.stdout,
    user: userInfo().username,
    locale: process.env.LC_ALL || process.env.LC_MESSAGES || process.env.LANG,
  });
}
