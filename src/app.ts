import { Campaigns } from './campaigns/campaigns.ts';
import { invitationQueue, sendInvitations } from './campaigns/invitation-send.ts';
import { startReminders } from './campaigns/reminder-schedule.ts';
import { dashboardUrl, followupUrl, unsubscribeUrl, type Config } from './config.ts';
import { FileLinkStore, RedisLinkStore } from './dashboard/auth/link-store.ts';
import { SignInLinks } from './dashboard/auth/sign-in-links.ts';
import { ConversationService } from './conversation/service.ts';
import { startSweeper } from './conversation/sweeper.ts';
import { startRetention } from './privacy/retention.ts';
import type { Flow } from './engine/flow.ts';
import { setTimeout as sleep } from 'node:timers/promises';
import { FlowError, languagesOf, loadResources, withAllFlowTexts } from './flows/load.ts';
import { FlowRegistry } from './flows/registry.ts';
import { within } from './store/within.ts';
import { Translator } from './i18n/translator.ts';
import type { Logger } from './log.ts';
import { Metrics } from './metrics.ts';
import { BullmqJobs } from './jobs/bullmq-jobs.ts';
import type { Jobs } from './jobs/job-queue.ts';
import { MemoryJobs } from './jobs/memory-jobs.ts';
import { Outbound } from './outbound/outbound.ts';
import { InterviewCommands } from './interviews/commands.ts';
import { Interviews } from './interviews/interviews.ts';
import { followupHolder } from './interviews/personal-data.ts';
import { Router } from './router/router.ts';
import { StaffDirectory } from './staff/directory.ts';
import type { Principal } from './staff/staff.ts';
import { openStores, type Stores } from './store/open.ts';
import { RedisSessionStore } from './store/redis-session-store.ts';
import { redisTargetOf } from './store/redis-connection.ts';

export interface App {
  config: Config;
  flow: Flow;
  /** Every flow, and every version sessions may still be on. */
  flows: FlowRegistry;
  translator: Translator;
  stores: Stores;
  service: ConversationService;
  log: Logger;
  /** The process's Prometheus metrics, served at /metrics. */
  metrics: Metrics;
  /** Queued work: BullMQ on Redis when REDIS_URL or REDIS_CLUSTER_NODES is set, else in this process. */
  jobs: Jobs;
  /** Who is staff, with which role. */
  directory: StaffDirectory;
  /** Decides where each incoming update goes (a staff command or the survey). */
  router: Router;
  /** One-time sign-in links to the staff dashboard (kept in Redis, else in DATA_DIR). */
  signInLinks: SignInLinks;
  /**
   * The one way to send a message nobody asked for (reminders, relays): each running channel
   * registers its sender; `sendTo` finds the respondent's address in the address book.
   */
  outbound: Outbound;
  /** Follow-up conversations with consenting respondents; channels register their staff spaces. */
  interviews: Interviews;
  /** Coordinators' campaigns: invitees, links, e-mail invitations (with SMTP_URL and MAIL_FROM). */
  campaigns: Campaigns;
  close(): Promise<void>;
}

/** Wires the configured flow, texts, stores and conversation service; channels come on top. */
export async function createApp(config: Config, log: Logger): Promise<App> {
  const resources = withAllFlowTexts(loadResources());
  const translator = new Translator(resources, languagesOf(resources));
  const stores = await openStores(config, log);
  let flows: FlowRegistry;
  try {
    // A wrong key stops start-up before anything is sealed or read with it. A server still
    // connecting does not: the check goes on, and a wrong key found later stops the process.
    const checked = stores.verifyKeys();
    if (!(await within(checked, 10_000)))
      checked.catch((error: unknown) => {
        log.fatal({ err: error }, 'data keys refused');
        process.kill(process.pid, 'SIGTERM');
      });
    flows = FlowRegistry.open({
      resources,
      translator,
      store: stores.flowVersions,
      defaultFlow: config.FLOW,
    });
    // A version stored before with other questions stops start-up; a store still connecting
    // does not: storing the versions goes on in the background until it answers.
    const deployed = deployFlows(flows, log);
    await within(deployed, 10_000);
    // Later, a conflict is logged as fatal (and the process goes on with what the files say).
    deployed.catch(() => {});
  } catch (error) {
    await stores.close();
    throw error;
  }
  const flow = flows.defaultFlow;
  if (stores.sessions instanceof RedisSessionStore) {
    // Sessions kept per flow before several flows ran are moved to their respondent's key.
    const moved = await stores.sessions.migrateLegacyKeys().catch((error: unknown) => {
      log.warn({ err: error }, 'sessions kept per flow not moved yet (Redis did not answer)');
      return 0;
    });
    if (moved > 0) log.info({ moved }, 'sessions moved to their respondent keys');
    // Sessions stored in clear before sealing was on are sealed under their keyed names.
    const sealed = await stores.sessions.sealClearKeys().catch((error: unknown) => {
      log.warn({ err: error }, 'sessions stored in clear not sealed yet (Redis did not answer)');
      return { resealed: 0 };
    });
    if (sealed.resealed > 0) log.info({ sealed: sealed.resealed }, 'sessions stored in clear sealed');
  }
  const metrics = new Metrics({ defaults: true });
  const redisTarget = redisTargetOf(config);
  const jobs: Jobs = redisTarget
    ? new BullmqJobs({ target: redisTarget, prefix: config.REDIS_PREFIX, log })
    : new MemoryJobs();
  const directory = new StaffDirectory({
    store: stores.staff,
    audit: stores.audit,
    envAdmins: envAdmins(config),
  });
  const signInLinks = new SignInLinks({
    store: stores.redis
      ? new RedisLinkStore(stores.redis, config.REDIS_PREFIX)
      : new FileLinkStore(config.DATA_DIR),
    directory,
    audit: stores.audit,
    baseUrl: dashboardUrl(config),
  });
  const outbound = new Outbound(stores.addresses, log);
  const mail = config.SMTP_URL && config.MAIL_FROM ? { url: config.SMTP_URL, from: config.MAIL_FROM } : null;
  // Pooled: one connection carries many messages, as a large send needs.
  // Loaded only when mail is configured: the bot process needs no mailer otherwise.
  const transport = mail
    ? (await import('nodemailer')).default.createTransport({ url: mail.url, pool: true })
    : null;
  // The service is made below; the interviews ask it, at run time, whether a question is live.
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
    respondentOf: (channel, user) => service!.respondentOf(channel, user),
    ...(mail && transport
      ? { mail: { transport, from: mail.from, linkBase: followupUrl(config), sends: stores.sends } }
      : {}),
    log,
  });
  service = new ConversationService({
    flows,
    sessions: stores.sessions,
    responses: stores.responses,
    contacts: stores.contacts,
    codings: stores.codings,
    salt: config.RESPONDENT_SALT ?? '',
    abandonAfter: config.ABANDON_AFTER_HOURS * 3600_000,
    log,
    metrics,
    jobs,
    invitations: stores.invitations,
    addresses: stores.addresses,
    campaigns: stores.campaigns,
    invitees: stores.invitees,
    sends: stores.sends,
    keyring: stores.keyring,
    updatesPerMinute: config.USER_UPDATES_PER_MINUTE,
    holders: [
      followupHolder({
        claims: stores.claims,
        conversations: stores.conversations,
        beforeErase: (respondent) => interviews.beforeErase(respondent),
      }),
    ],
  });
  const interviewCommands = new InterviewCommands({
    interviews,
    translator,
    flows,
    responses: stores.responses,
    contacts: stores.contacts,
    invitations: stores.invitations,
    claims: stores.claims,
    staff: directory,
  });
  const retention = startRetention({
    flows,
    responses: stores.responses,
    contacts: stores.contacts,
    log,
  });
  const invitations = transport ? invitationQueue(jobs) : null;
  let sendDeps: Parameters<typeof sendInvitations>[0] | null = null;
  if (mail && transport && invitations) {
    sendDeps = {
      ...stores,
      translator,
      transport,
      log,
      mail: {
        from: mail.from,
        unsubscribeBase: unsubscribeUrl(config),
        ...(config.TELEGRAM_BOT_USERNAME ? { telegramBot: config.TELEGRAM_BOT_USERNAME } : {}),
      },
    };
    const deps = sendDeps;
    invitations.work(async (job) => void (await sendInvitations(deps, job.campaign)));
  }
  const campaigns = new Campaigns({
    ...stores,
    flowOf: (id) => flows.get(id),
    invitationQueue: invitations,
  });
  const reminders = startReminders({
    ...stores,
    outbound,
    jobs,
    flowOf: (id) => flows.get(id),
    log,
    intervalMs: config.SWEEP_INTERVAL_MINUTES * 60_000,
    ...(sendDeps ? { mail: { ...sendDeps, invitations: stores.invitations } } : {}),
  });
  const sweeper =
    config.SWEEP_INTERVAL_MINUTES > 0
      ? startSweeper(service, { intervalMs: config.SWEEP_INTERVAL_MINUTES * 60_000, log })
      : null;
  return {
    config,
    flow,
    flows,
    translator,
    stores,
    service,
    log,
    metrics,
    jobs,
    directory,
    router: new Router(directory, signInLinks, { interviews, commands: interviewCommands }, campaigns),
    signInLinks,
    outbound,
    interviews,
    campaigns,
    async close() {
      await sweeper?.stop();
      await retention.stop();
      reminders.stop();
      await service.close();
      await jobs.close();
      transport?.close();
      await stores.close();
    },
  };
}

/** The admins named by ADMIN_TELEGRAM_IDS and ADMIN_DISCORD_IDS. */
function envAdmins(config: Config): Principal[] {
  return [
    ...(config.ADMIN_TELEGRAM_IDS ?? []).map((user) => ({ channel: 'telegram' as const, user })),
    ...(config.ADMIN_DISCORD_IDS ?? []).map((user) => ({ channel: 'discord' as const, user })),
  ];
}

/** Stores the flow versions, trying again while the store cannot be reached; rejects on a conflict. */
async function deployFlows(flows: FlowRegistry, log: Logger): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await flows.deploy();
      return;
    } catch (error) {
      if (error instanceof FlowError) {
        log.fatal({ err: error }, 'flow versions conflict with the deployed ones');
        throw error;
      }
      log.warn({ err: error, attempt }, 'flow versions not stored yet; trying again');
      await sleep(Math.min(30_000, 500 * 2 ** attempt), undefined, { ref: false });
    }
  }
}
