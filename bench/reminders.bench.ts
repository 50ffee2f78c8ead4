import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sendReminders } from '../src/campaigns/reminders.ts';
import { TelegramChannel } from '../src/channels/telegram/channel.ts';
import { ConversationService } from '../src/conversation/service.ts';
import { loadFlow, loadResources } from '../src/flows/load.ts';
import { Translator } from '../src/i18n/translator.ts';
import { silentLogger } from '../src/log.ts';
import { Outbound } from '../src/outbound/outbound.ts';
import { FileAddressBook } from '../src/store/file-address-book.ts';
import { FileCampaignStore } from '../src/store/file-campaign-store.ts';
import { FileInvitationStore } from '../src/store/file-invitation-store.ts';
import { FileInviteeStore } from '../src/store/file-invitee-store.ts';
import { FileContactStore, FileResponseStore } from '../src/store/file-response-store.ts';
import { FileSendLog } from '../src/store/file-send-log.ts';
import { MemorySessionStore } from '../src/store/memory-session-store.ts';
import { pacingOf } from '../test/support/pacing.ts';
import { TelegramApiStandIn } from '../test/support/telegram-api.ts';

/**
 * `npm run bench -- reminders`: BENCH_REMINDERS (5,000) respondents who started a campaign's link
 * and stopped at the first question; two days later the sweeper archives them and one reminder
 * run sends each their live question through the Telegram channel's paced sender to the Bot API
 * stand-in. A second run at once sends nothing. Prints the send rate and the time to remind them
 * all; from the stand-in's log: the busiest second (limit 30), the closest two messages to one
 * chat (limit ≥ 1 s), and that nobody got two.
 */
const COUNT = Number(process.env.BENCH_REMINDERS ?? 5_000);
const SALT = 'reminder-bench-salt-0123456789';
const T0 = Date.parse('2026-11-10T10:00:00Z');

export async function run(): Promise<void> {
  const resources = loadResources();
  const flow = loadFlow('advocacy', resources);
  const translator = new Translator(resources, flow.languages);
  const dir = mkdtempSync(join(tmpdir(), 'reminder-bench-'));
  const api = new TelegramApiStandIn();
  await api.start();
  let now = T0;
  const stores = {
    addresses: new FileAddressBook(dir),
    responses: new FileResponseStore(dir),
    contacts: new FileContactStore(dir),
    campaigns: new FileCampaignStore(dir),
    invitations: new FileInvitationStore(dir),
    invitees: new FileInviteeStore(dir),
    sends: new FileSendLog(dir),
  };
  const service = new ConversationService({
    flow,
    sessions: new MemorySessionStore(),
    ...stores,
    salt: SALT,
    clock: () => now,
  });
  const channel = new TelegramChannel({
    token: api.token,
    apiRoot: api.apiRoot,
    service,
    translator,
    log: silentLogger,
  });
  const outbound = new Outbound(stores.addresses, silentLogger);
  outbound.register('telegram', channel.sender);
  try {
    await stores.campaigns.create({
      id: 'bench',
      name: 'Bench',
      flowId: flow.id,
      coordinators: [],
      regions: [],
      languages: ['en'],
      consentOrganisation: 'IFLA',
      reminders: { firstAfterDays: 2, minGapDays: 3, maxCount: 2 },
      status: 'open',
      createdAt: new Date(T0),
      updatedAt: new Date(T0),
    });
    await stores.invitations.create({
      token: 'bench-link',
      campaign: 'bench',
      flowId: flow.id,
      maxUses: null,
      uses: 0,
      revoked: false,
      createdAt: new Date(T0),
    });
    for (let i = 0; i < COUNT; i++) {
      const user = String(7_000_000 + i);
      const turn = { channel: 'telegram', user, locale: 'en' } as const;
      await service.turn({ ...turn, invitation: 'bench-link', input: { type: 'start' } });
      await service.turn({ ...turn, input: { type: 'choose', option: 'en' } });
      await service.turn({ ...turn, input: { type: 'choose', option: 'yes' } });
    }
    now = T0 + 2 * 86_400_000 + 3600_000;
    let archived = 0;
    for (;;) {
      const swept = await service.sweep(1000);
      if (swept.archived === 0) break;
      archived += swept.archived;
    }
    console.log(
      `reminders: ${COUNT.toLocaleString('en')} unfinished surveys (${archived} archived); reminding`,
    );
    const deps = { ...stores, outbound, flowOf: () => flow, log: silentLogger, clock: () => now };
    const mark = api.callsOf('sendMessage').length;
    const started = Date.now();
    const summary = await sendReminders(deps, 'bench');
    const seconds = (Date.now() - started) / 1000;
    const again = await sendReminders(deps, 'bench');
    const sends = api.callsOf('sendMessage').slice(mark);
    const pacing = pacingOf(sends.map((c) => ({ chat: Number(c.body.chat_id), at: c.at })));
    const perChat = new Map<string, number>();
    for (const c of sends)
      perChat.set(String(c.body.chat_id), (perChat.get(String(c.body.chat_id)) ?? 0) + 1);
    const twice = [...perChat.values()].filter((n) => n > 1).length;
    console.log(
      `reminders: ${summary.sent.toLocaleString('en')} reminded in ${seconds.toFixed(1)} s = ` +
        `${(summary.sent / seconds).toFixed(2)} messages/s; busiest second ${pacing.busiestSecond} calls (limit 30); ` +
        `closest two in one chat ${pacing.closestInChat} ms (limit ≥ 1000); reminded twice: ${twice}; ` +
        `second run sent ${again.sent}`,
    );
    const problems = [
      ...(summary.sent !== COUNT ? [`${summary.sent} reminded of ${COUNT}`] : []),
      ...(pacing.busiestSecond > 30 ? [`${pacing.busiestSecond} calls in one second`] : []),
      ...(twice > 0 || again.sent > 0 ? [`${twice + again.sent} reminded twice`] : []),
    ];
    if (problems.length > 0) throw new Error(`reminders: ${problems.join('; ')}`);
  } finally {
    await channel.stop();
    await service.close();
    for (const s of Object.values(stores)) await s.close();
    await api.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
