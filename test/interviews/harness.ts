import { followupHolder } from '../../src/interviews/personal-data.ts';
import type { TestContext } from 'node:test';
import type { Config } from '../../src/config.ts';
import { startDiscordChannel, type DiscordChannel } from '../../src/channels/discord/channel.ts';
import { TelegramChannel } from '../../src/channels/telegram/channel.ts';
import { DiscordStandIn, type StandInUser } from '../support/discord-api.ts';
import { DiscordRespondent } from '../support/discord-user.ts';
import { ConversationService } from '../../src/conversation/service.ts';
import { InterviewCommands } from '../../src/interviews/commands.ts';
import { Interviews } from '../../src/interviews/interviews.ts';
import type { FollowupMail } from '../../src/interviews/invitation-mail.ts';
import { pseudonym } from '../../src/log.ts';
import { Outbound } from '../../src/outbound/outbound.ts';
import { Router } from '../../src/router/router.ts';
import { StaffDirectory } from '../../src/staff/directory.ts';
import type { Role, StaffMember } from '../../src/staff/staff.ts';
import type { Stores } from '../../src/store/open.ts';
import type { ResponseRecord } from '../../src/store/response-store.ts';
import { flow, translator } from '../support/flow.ts';
import { captureLog } from '../support/logs.ts';
import assert from 'node:assert/strict';
import { TelegramApiStandIn, TelegramUser } from '../support/telegram-api.ts';
import type { Respondent } from '../telegram/respondent.ts';
import { FORUM, openTestStores, type StoreKind } from '../telegram/harness.ts';

export const SALT = 'interview-test-salt-0123456789';
/** The interviewers' forum supergroup (the same as the Telegram harness's). */
export { FORUM };

export interface InterviewHarness {
  api: TelegramApiStandIn;
  /** The configuration the stores were opened with. */
  config: Config;
  /** The Discord stand-in and bot, when started with `discord`. */
  discord: { api: DiscordStandIn; bot: DiscordChannel; staffChannel: string } | null;
  stores: Stores;
  service: ConversationService;
  interviews: Interviews;
  router: Router;
  directory: StaffDirectory;
  outbound: Outbound;
  log: ReturnType<typeof captureLog>;
  /** A staff member with a Telegram account. */
  staff(
    id: string,
    name: string,
    role: Role,
    user: number | string,
    locale?: string,
    channel?: 'telegram' | 'discord',
  ): Promise<StaffMember>;
  /** A respondent who completed the survey on Telegram; `agreed` answers the contact question. */
  respondent(
    user: number | string,
    opts?: {
      agreed?: boolean;
      locale?: string;
      answers?: ResponseRecord['answers'];
      channel?: 'telegram' | 'discord';
      /** They asked to be contacted by e-mail at this address, not in the chat. */
      email?: string;
    },
  ): Promise<string>;
}

/**
 * The stores, the conversation service, the interviews and the router wired as the app wires
 * them, and a real telegraf bot against the Bot API stand-in, with the interviewers' forum. Paced
 * as in production, except the per-chat interval, which is a millisecond so a test of a hundred
 * messages takes seconds, not minutes.
 */
export async function startInterviews(
  t: TestContext,
  opts: { discord?: boolean; mail?: Omit<FollowupMail, 'sends'>; stores?: StoreKind } = {},
): Promise<InterviewHarness | null> {
  const opened = await openTestStores(t, opts.stores);
  if (!opened) return null;
  const { stores } = opened;
  const api = new TelegramApiStandIn();
  await api.start();
  const log = captureLog();
  const directory = new StaffDirectory({ store: stores.staff, audit: stores.audit });
  const outbound = new Outbound(stores.addresses, log.log);
  let service: ConversationService | null = null;
  const interviews = new Interviews({
    claims: stores.claims,
    conversations: stores.conversations,
    responses: stores.responses,
    contacts: stores.contacts,
    audit: stores.audit,
    outbound,
    translator,
    staff: directory,
    surveyLive: async (channel, user) => (await service?.current(channel, user))?.status === 'active',
    respondentOf: (channel, user) => pseudonym(SALT, channel, user),
    ...(opts.mail ? { mail: { ...opts.mail, sends: stores.sends } } : {}),
    log: log.log,
  });
  service = new ConversationService({
    // A second response may be started (/restart), so a respondent can be mid-survey in a conversation.
    flow: { ...flow, responses: { ...flow.responses, perRespondent: 'many' } },
    sessions: stores.sessions,
    responses: stores.responses,
    contacts: stores.contacts,
    addresses: stores.addresses,
    salt: SALT,
    log: log.log,
    holders: [
      followupHolder({
        claims: stores.claims,
        conversations: stores.conversations,
        beforeErase: (respondent) => interviews.beforeErase(respondent),
      }),
    ],
  });
  const commands = new InterviewCommands({
    interviews,
    translator,
    flows: { ids: () => [flow.id], get: (id) => (id === flow.id ? flow : undefined) },
    responses: stores.responses,
    contacts: stores.contacts,
    invitations: stores.invitations,
    claims: stores.claims,
    staff: directory,
  });
  const router = new Router(directory, undefined, { interviews, commands });
  const channel = new TelegramChannel({
    token: api.token,
    apiRoot: api.apiRoot,
    service,
    translator,
    log: log.log,
    router,
    staffGroup: FORUM,
    bulkIntervalMs: 1,
  });
  outbound.register('telegram', channel.sender);
  interviews.registerSpace('telegram', channel.staffSpace!);
  await channel.start({ mode: 'polling' });
  let discord: InterviewHarness['discord'] = null;
  if (opts.discord) {
    const dapi = await DiscordStandIn.start({ heartbeatInterval: 1000 });
    const staffChannel = dapi.addGuildChannel().id;
    const bot = await startDiscordChannel({
      staffChannel,
      token: dapi.token,
      apiRoot: dapi.apiRoot,
      service,
      translator,
      invitations: stores.invitations,
      log: log.log,
      router,
    });
    outbound.register('discord', bot.sender);
    interviews.registerSpace('discord', bot.staffSpace!);
    discord = { api: dapi, bot, staffChannel };
  }
  t.after(async () => {
    if (discord) {
      await discord.bot.stop();
      await discord.api.close();
    }
    await channel.stop();
    await service.close();
    await api.close();
    await stores.close();
    await opened.dispose();
  });
  const now = new Date('2026-11-20T10:00:00Z');
  return {
    api,
    config: opened.config,
    discord,
    stores,
    service,
    interviews,
    router,
    directory,
    outbound,
    log,
    async staff(id, name, role, user, locale = 'en', channel = 'telegram') {
      const member: StaffMember = {
        id,
        name,
        role,
        scope: { campaigns: [], regions: [] },
        principals: [{ channel, user: String(user) }],
        locale,
        status: 'active',
        createdAt: now,
        updatedAt: now,
      };
      await stores.staff.create(member);
      return member;
    },
    async respondent(user, opts = {}) {
      const on = opts.channel ?? 'telegram';
      const respondent = pseudonym(SALT, on, String(user));
      const id = `resp-${user}`;
      const locale = opts.locale ?? 'en';
      const agreed = opts.agreed ?? true;
      await stores.responses.save({
        id,
        flowId: flow.id,
        flowVersion: flow.version,
        locale,
        channel: on,
        respondent,
        status: 'complete',
        answers: {
          q1: { status: 'answered', value: { option: 'public' } },
          q3: { status: 'answered', value: { code: 'RU', region: '150', subregion: '151' } },
          q9a: { status: 'answered', value: { option: 'partly' } },
          q17: { status: 'answered', value: { agreed: agreed ? 'yes' : 'no' } },
          ...opts.answers,
        },
        durations: {},
        startedAt: now,
        updatedAt: now,
        finishedAt: now,
        ...(agreed ? { contactId: id } : {}),
      });
      if (agreed)
        await stores.contacts.save({
          id,
          flowId: flow.id,
          respondent,
          channel: on,
          ...(opts.email ? { email: opts.email } : { chat: String(user) }),
          name: `Librarian ${user}`,
          viaChat: !opts.email,
          language: locale,
          createdAt: now,
        });
      await stores.addresses.put({
        respondent,
        channel: on,
        chat: String(user),
        locale,
        updatedAt: now,
      });
      return respondent;
    },
  };
}

/** A staff member typing in their private chat with the bot, and in the forum's topics. */
export class StaffUser extends TelegramUser {
  constructor(api: TelegramApiStandIn, id: number) {
    super(api, id, 'en');
  }

  /** Sends a command in the private chat; resolves with the bot's answers there. */
  async command(text: string): Promise<string[]> {
    const before = this.api.chat(this.id).length;
    await this.api.deliver(this.text(text));
    return this.api
      .chat(this.id)
      .slice(before)
      .map((m) => m.text);
  }

  /** Writes in a conversation's topic; resolves once the bot handled it. */
  async say(thread: number, text: string): Promise<void> {
    await this.api.deliver(this.topicText(FORUM, thread, text));
  }
}

/** Amina holds the respondent and has invited them; returns the conversation's forum topic. */
export async function invited(
  h: InterviewHarness,
  respondent: Respondent,
  amina: StaffUser,
): Promise<number> {
  const handle = (await h.respondent(respondent.id)).slice(0, 8);
  assert.match((await amina.command(`/claim ${handle}`)).join('\n'), /is yours now/);
  const said = await amina.command(`/invite ${handle}`);
  assert.match(said.join('\n'), /Invitation sent/);
  const topic = h.api.callsOf('createForumTopic').at(-1)!;
  assert.equal(topic.body.chat_id, FORUM);
  return h.api.chat(FORUM).findLast((m) => m.thread !== undefined)!.thread!;
}

export async function accept(respondent: Respondent): Promise<void> {
  const invitation = respondent.last;
  const buttons = invitation.reply_markup!.inline_keyboard.flat() as {
    text: string;
    callback_data: string;
  }[];
  assert.deepEqual(
    buttons.map((b) => b.text),
    ['Accept', 'Not now', 'No, thank you'],
  );
  await respondent.deliver(respondent.user.press(invitation.message_id, buttons[0]!.callback_data));
}

/** An interviewer on Discord: commands in the DM with the bot, messages in a private thread. */
export class DiscordStaffUser {
  readonly respondentView: DiscordRespondent;

  constructor(
    private readonly h: InterviewHarness,
    readonly user: StandInUser,
  ) {
    this.respondentView = new DiscordRespondent(h.discord!.api, h.discord!.bot.events, user);
  }

  /** A command typed in the DM; resolves with the bot's answers. */
  async command(text: string): Promise<string[]> {
    const before = this.respondentView.botMessages().length;
    await this.respondentView.type(text);
    return this.respondentView
      .botMessages()
      .slice(before)
      .map((m) => m.content);
  }

  /** Writes in a private thread; resolves once the bot handled it. */
  async say(thread: string, text: string): Promise<void> {
    const message = this.h.discord!.api.threadMessage(this.user.id, thread, text);
    await this.respondentView.settled(message.id);
  }

  /** The bot's messages in a thread, in order. */
  botTexts(thread: string): string[] {
    const api = this.h.discord!.api;
    return api.channels
      .get(thread)!
      .messages.filter((m) => m.author.id === api.bot.id)
      .map((m) => m.content);
  }
}
