import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TelegramChannel } from '../src/channels/telegram/channel.ts';
import { ConversationService } from '../src/conversation/service.ts';
import { loadFlow, loadResources } from '../src/flows/load.ts';
import { Translator } from '../src/i18n/translator.ts';
import { pseudonym, silentLogger } from '../src/log.ts';
import { Outbound, type SendOutcome } from '../src/outbound/outbound.ts';
import { FileAddressBook } from '../src/store/file-address-book.ts';
import { FileContactStore, FileResponseStore } from '../src/store/file-response-store.ts';
import { MemorySessionStore } from '../src/store/memory-session-store.ts';
import { pacingOf } from '../test/support/pacing.ts';
import { TelegramApiStandIn } from '../test/support/telegram-api.ts';

/**
 * `npm run bench -- outbound`: BENCH_MESSAGES messages (10,000 by default) to a tenth as many
 * Telegram chats, handed to the outbound port all at once with each chat's ten one after
 * another (the hardest order for the per-chat limit: a chat's later messages wait while the
 * other chats go on), through the Telegram channel's sender and its pacing to the Bot API
 * stand-in, which logs every
 * call. One 429 with retry_after is injected on the way. From the stand-in's log: the busiest
 * second (Telegram's limit: 30) and the closest two messages to one chat (at least 1 s); each
 * message must arrive once. Prints the send rate achieved: about 6 minutes at 30 a second.
 */
const MESSAGES = Number(process.env.BENCH_MESSAGES ?? 10_000);
const CHATS = Math.max(1, Math.round(MESSAGES / 10));
const SALT = 'outbound-bench-salt-0123456789';

export async function run(): Promise<void> {
  const resources = loadResources();
  const flow = loadFlow('advocacy', resources);
  const translator = new Translator(resources, flow.languages);
  const dir = mkdtempSync(join(tmpdir(), 'outbound-bench-'));
  const api = new TelegramApiStandIn();
  await api.start();
  const addresses = new FileAddressBook(dir);
  const responses = new FileResponseStore(dir);
  const service = new ConversationService({
    flow,
    sessions: new MemorySessionStore(),
    responses,
    contacts: new FileContactStore(dir),
    salt: SALT,
  });
  const channel = new TelegramChannel({
    token: api.token,
    apiRoot: api.apiRoot,
    service,
    translator,
    log: silentLogger,
  });
  const outbound = new Outbound(addresses, silentLogger);
  outbound.register('telegram', channel.sender);
  try {
    const chats = Array.from({ length: CHATS }, (_, i) => 5_000_000 + i);
    for (const chat of chats) {
      await addresses.put({
        respondent: pseudonym(SALT, 'telegram', String(chat)),
        channel: 'telegram',
        chat: String(chat),
        locale: 'en',
        updatedAt: new Date(),
      });
    }
    console.log(
      `outbound: ${MESSAGES.toLocaleString('en')} messages to ${CHATS.toLocaleString('en')} Telegram chats ` +
        `through the port (about ${Math.ceil(MESSAGES / 30 / 60)} min at 30/s)`,
    );
    const started = Date.now();
    let done = 0;
    const progress = setInterval(
      () => console.log(`outbound: ${done.toLocaleString('en')} sent after ${elapsed(started)} s`),
      30_000,
    );
    // One 429 on the way: every paced send waits it out.
    setTimeout(() => {
      api.failNext('sendMessage', {
        error_code: 429,
        description: 'Too Many Requests: retry after 1',
        parameters: { retry_after: 1 },
      });
    }, 2_000).unref();
    const outcomes: SendOutcome[] = await Promise.all(
      Array.from({ length: MESSAGES }, (_, i) => {
        // Each chat's messages queued together: its later ones wait while other chats go on.
        const chat = chats[Math.floor((i * CHATS) / MESSAGES)]!;
        const message = { kind: 'text', texts: [{ key: 'telegram:welcome' }], locale: 'en' } as const;
        return outbound
          .sendTo(pseudonym(SALT, 'telegram', String(chat)), 'telegram', message)
          .finally(() => done++);
      }),
    );
    clearInterval(progress);
    const seconds = (Date.now() - started) / 1000;
    const sends = api.callsOf('sendMessage');
    const delivered = sends.filter((c) => c.ok).length;
    const refused = sends.length - delivered;
    const pacing = pacingOf(sends.map((c) => ({ chat: Number(c.body.chat_id), at: c.at })));
    const failed = outcomes.filter((o) => o.status !== 'delivered').length;
    console.log(
      `outbound: ${delivered.toLocaleString('en')} delivered in ${seconds.toFixed(1)} s = ` +
        `${(delivered / seconds).toFixed(2)} messages/s; ${refused} refused with 429 and waited out; ` +
        `busiest second ${pacing.busiestSecond} calls (limit 30); closest two in one chat ` +
        `${pacing.closestInChat} ms apart (limit ≥ 1000); not delivered: ${failed}`,
    );
    const problems = [
      ...(pacing.busiestSecond > 30 ? [`${pacing.busiestSecond} calls in one second`] : []),
      ...(pacing.closestInChat < 1000 ? [`two calls ${pacing.closestInChat} ms apart in one chat`] : []),
      ...(delivered !== MESSAGES ? [`${delivered} delivered of ${MESSAGES}`] : []),
      ...(failed > 0 ? [`${failed} sends did not end delivered`] : []),
    ];
    if (problems.length > 0) throw new Error(`outbound: limits not kept: ${problems.join('; ')}`);
  } finally {
    await channel.stop();
    await service.close();
    await Promise.all([addresses.close(), responses.close()]);
    await api.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

const elapsed = (since: number) => ((Date.now() - since) / 1000).toFixed(0);
