import { parentPort } from 'node:worker_threads';
import { LeanBotApi } from './lean-bot-api.ts';

/**
 * The Bot API stand-in in its own thread for the Telegram benchmark: serving the bot's calls is
 * Telegram's work, not the bot's, so it runs beside the bot instead of on its event loop, and it
 * is the lean one (bench/lean-bot-api.ts): on a two-core machine the CPU it takes is taken from
 * the bot. The tests' full stand-in checks every limit of each call; the tests do that.
 */
const api = new LeanBotApi();
await api.start();
parentPort!.postMessage({ apiRoot: api.apiRoot, token: api.token });
parentPort!.on('message', async (message: string) => {
  if (message !== 'close') return;
  await api.close();
  parentPort!.postMessage({ calls: api.calls, failures: api.failures });
});
