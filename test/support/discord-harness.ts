import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import { startDiscordChannel, type DiscordChannel } from '../../src/channels/discord/channel.ts';
import { ConversationService } from '../../src/conversation/service.ts';
import { silentLogger } from '../../src/log.ts';
import { FileInvitationStore } from '../../src/store/file-invitation-store.ts';
import { FileContactStore, FileResponseStore } from '../../src/store/file-response-store.ts';
import type { InvitationStore } from '../../src/store/invitation-store.ts';
import { MemorySessionStore } from '../../src/store/memory-session-store.ts';
import type { ContactStore, ResponseStore } from '../../src/store/response-store.ts';
import type { SessionStore } from '../../src/store/session-store.ts';
import { DiscordStandIn } from './discord-api.ts';
import { DiscordRespondent } from './discord-user.ts';
import { flow, translator } from './flow.ts';

export interface HarnessStores {
  sessions: SessionStore;
  responses: ResponseStore;
  contacts: ContactStore;
  invitations: InvitationStore;
  /** Which implementations, for test names and the bench. */
  kind: string;
}

/** The embedded stores in a fresh folder. */
export function embeddedStores(t: TestContext): HarnessStores {
  const dir = mkdtempSync(join(tmpdir(), 'discord-test-'));
  const stores = {
    sessions: new MemorySessionStore(),
    responses: new FileResponseStore(dir),
    contacts: new FileContactStore(dir),
    invitations: new FileInvitationStore(dir),
    kind: 'embedded',
  };
  t.after(async () => {
    await Promise.all([stores.responses.close(), stores.contacts.close(), stores.invitations.close()]);
    rmSync(dir, { recursive: true, force: true });
  });
  return stores;
}

export interface Harness {
  api: DiscordStandIn;
  bot: DiscordChannel;
  service: ConversationService;
  stores: HarnessStores;
  respondent(opts?: { locale?: string; username?: string }): DiscordRespondent;
}

/**
 * The real discord.js client of our channel, connected to a fresh Discord stand-in, over the
 * given stores (embedded by default). Everything is stopped after the test.
 */
export async function startHarness(
  t: TestContext,
  opts: {
    stores?: HarnessStores;
    ackAfterMs?: number;
    heartbeatInterval?: number;
    clock?: () => number;
    maxRateLimitWaitMs?: number;
  } = {},
): Promise<Harness> {
  const stores = opts.stores ?? embeddedStores(t);
  const service = new ConversationService({
    flow,
    sessions: stores.sessions,
    responses: stores.responses,
    contacts: stores.contacts,
    salt: 'discord-test-salt-0123456789',
    ...(opts.clock ? { clock: opts.clock } : {}),
  });
  const api = await DiscordStandIn.start({ heartbeatInterval: opts.heartbeatInterval ?? 1000 });
  const bot = await startDiscordChannel({
    token: api.token,
    apiRoot: api.apiRoot,
    service,
    translator,
    invitations: stores.invitations,
    log: silentLogger,
    ...(opts.ackAfterMs ? { ackAfterMs: opts.ackAfterMs } : {}),
    ...(opts.maxRateLimitWaitMs ? { maxRateLimitWaitMs: opts.maxRateLimitWaitMs } : {}),
    ...(opts.clock ? { clock: opts.clock } : {}),
  });
  t.after(async () => {
    await bot.stop();
    service.close();
    await api.close();
  });
  return {
    api,
    bot,
    service,
    stores,
    respondent: (o = {}) => new DiscordRespondent(api, bot.events, api.addUser(o)),
  };
}
