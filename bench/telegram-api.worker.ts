import { parentPort } from 'node:worker_threads';
import { TelegramApiStandIn } from '../test/support/telegram-api.ts';

/**
 * The Bot API stand-in in its own thread for the Telegram benchmark: serving the bot's calls
 * is Telegram's work, not the bot's, so it runs beside the bot instead of on its event loop.
 */
const api = new TelegramApiStandIn({ keepCalls: false, anyQueryId: true });
await api.start();
parentPort!.postMessage({ apiRoot: api.apiRoot });
parentPort!.on('message', async (message: string) => {
  if (message !== 'close') return;
  const calls = [...api.counts.values()].reduce((a, b) => a + b, 0);
  await api.close();
  parentPort!.postMessage({ calls });
});
