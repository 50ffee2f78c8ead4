import type { Interviews } from '../../src/interviews/interviews.ts';
import assert from 'node:assert/strict';
import type { TestContext } from 'node:test';
import { Campaigns } from '../../src/campaigns/campaigns.ts';
import type { InvitationJob } from '../../src/campaigns/invitation-send.ts';
import type { Config } from '../../src/config.ts';
import type { JobQueue } from '../../src/jobs/job-queue.ts';
import { FileLinkStore, RedisLinkStore } from '../../src/dashboard/auth/link-store.ts';
import { MemoryStaffSessions, RedisStaffSessions } from '../../src/dashboard/auth/session-store.ts';
import { SignInLinks } from '../../src/dashboard/auth/sign-in-links.ts';
import { StaffAuth } from '../../src/dashboard/auth/staff-auth.ts';
import { ResponseTally } from '../../src/dashboard/overview/tally.ts';
import { POLL_SECONDS } from '../../src/dashboard/routes/overview.ts';
import { countryQuestionOf } from '../../src/dashboard/routes/responses.ts';
import { createDashboard } from '../../src/dashboard/server.ts';
import { FlowRegistry } from '../../src/flows/registry.ts';
import { HttpServer } from '../../src/http/server.ts';
import { StaffDirectory } from '../../src/staff/directory.ts';
import type { StaffMember } from '../../src/staff/staff.ts';
import type { Stores } from '../../src/store/open.ts';
import { resources, translator } from '../support/flow.ts';
import { captureLog } from '../support/logs.ts';

/** Sign-in links kept where the app keeps them: Redis with the stores' Redis, else DATA_DIR. */
export function signInLinksFor(
  stores: Stores,
  config: Pick<Config, 'DATA_DIR' | 'REDIS_PREFIX'>,
  directory: StaffDirectory,
  baseUrl: string,
  clock?: () => number,
): SignInLinks {
  return new SignInLinks({
    store: stores.redis
      ? new RedisLinkStore(stores.redis, config.REDIS_PREFIX)
      : new FileLinkStore(config.DATA_DIR, clock),
    directory,
    audit: stores.audit,
    baseUrl,
    ...(clock ? { clock } : {}),
  });
}

export interface DashboardHarness {
  /** http://127.0.0.1:<port>/dashboard */
  url: string;
  origin: string;
  links: SignInLinks;
  directory: StaffDirectory;
  campaigns: Campaigns;
  tally: ResponseTally;
  log: ReturnType<typeof captureLog>;
  /** Signs a member in over HTTP as a browser would; resolves to a client holding their cookie. */
  signIn(member: StaffMember): Promise<Client>;
  /** A client signed in as nobody. */
  anonymous(): Client;
}

/** A cookie jar over fetch: what a browser does with our cookies, and nothing more. */
export class Client {
  readonly cookies = new Map<string, string>();
  constructor(readonly origin: string) {}

  async request(
    method: 'GET' | 'POST',
    path: string,
    body?: Record<string, string>,
    headers: Record<string, string> = {},
  ): Promise<{ status: number; location: string | null; text: string; headers: Headers }> {
    const cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    const response = await fetch(this.origin + path, {
      method,
      redirect: 'manual',
      headers: {
        ...(cookie ? { cookie } : {}),
        ...(body ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
        ...headers,
      },
      ...(body ? { body: new URLSearchParams(body).toString() } : {}),
    });
    for (const line of response.headers.getSetCookie()) {
      const [pair, ...attributes] = line.split(';');
      const [name, value = ''] = pair!.split('=');
      const expired = attributes.some((a) => /max-age=0|expires=thu, 01 jan 1970/i.test(a.trim()));
      if (expired || value === '') this.cookies.delete(name!.trim());
      else this.cookies.set(name!.trim(), value);
    }
    return {
      status: response.status,
      location: response.headers.get('location'),
      text: await response.text(),
      headers: response.headers,
    };
  }

  /** A form with a file, sent as multipart/form-data as a browser sends it. */
  async upload(
    path: string,
    fields: Record<string, string>,
    file: { field: string; name: string; content: Buffer },
  ): Promise<{ status: number; location: string | null; text: string }> {
    const form = new FormData();
    for (const [k, v] of Object.entries(fields)) form.append(k, v);
    form.append(file.field, new Blob([file.content], { type: 'text/csv' }), file.name);
    const cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    const response = await fetch(this.origin + path, {
      method: 'POST',
      redirect: 'manual',
      headers: cookie ? { cookie } : {},
      body: form,
    });
    return {
      status: response.status,
      location: response.headers.get('location'),
      text: await response.text(),
    };
  }

  get(path: string) {
    return this.request('GET', path);
  }

  /** A form's CSRF token, read from a page as a browser would see it. */
  async csrf(page = '/dashboard'): Promise<string> {
    const { text } = await this.get(page);
    const token = /name="_csrf" value="([^"]+)"/.exec(text)?.[1];
    assert.ok(token, `no form token on ${page}`);
    return token;
  }

  /** Opens a sign-in link and confirms it, as a person would. */
  async signInWith(link: string): Promise<{ status: number; location: string | null; text: string }> {
    const path = new URL(link).pathname;
    const page = await this.get(path);
    const nonce = /name="nonce" value="([^"]+)"/.exec(page.text)?.[1] ?? '';
    const token = /name="token" value="([^"]+)"/.exec(page.text)?.[1] ?? path.split('/').pop()!;
    return this.request('POST', '/dashboard/signin', { token, nonce });
  }
}

/**
 * The dashboard as `startDashboard` serves it, on a loopback HTTP server of its own, over the
 * given stores (a test's, opened by `openTestStores` or a Telegram harness).
 */
export async function startDashboardHarness(
  t: TestContext,
  opts: {
    stores: Stores;
    config: Pick<Config, 'DATA_DIR' | 'REDIS_PREFIX'>;
    directory?: StaffDirectory;
    /** A server already listening on `port` (shared with a Telegram webhook, say). */
    http?: { server: HttpServer; port: number };
    clock?: () => number;
    /** Follow-up conversations, for posting into one from the dashboard. */
    interviews?: Interviews;
    /** The invitation send queue the campaign pages queue into (none: e-mail not configured). */
    invitationQueue?: JobQueue<InvitationJob>;
    /** The bot's Telegram username, for the campaign pages' t.me links. */
    telegramBot?: string;
  },
): Promise<DashboardHarness> {
  const log = captureLog();
  const http = opts.http?.server ?? new HttpServer(log.log);
  const port = opts.http?.port ?? (await http.listen(0, '127.0.0.1'));
  const origin = `http://127.0.0.1:${port}`;
  const url = `${origin}/dashboard`;
  const directory =
    opts.directory ?? new StaffDirectory({ store: opts.stores.staff, audit: opts.stores.audit });
  const links = signInLinksFor(opts.stores, opts.config, directory, url, opts.clock);
  const flows = FlowRegistry.open({
    resources,
    translator,
    store: opts.stores.flowVersions,
    defaultFlow: 'advocacy',
  });
  await flows.deploy();
  const auth = new StaffAuth({
    sessions: opts.stores.redis
      ? new RedisStaffSessions(opts.stores.redis, opts.config.REDIS_PREFIX)
      : new MemoryStaffSessions(opts.clock),
    directory,
    audit: opts.stores.audit,
    idleMs: 30 * 60_000,
    ...(opts.clock ? { clock: opts.clock } : {}),
  });
  const tally = new ResponseTally({
    responses: opts.stores.responses,
    countryQuestion: (id) => countryQuestionOf(flows.get(id)),
    log: log.log,
  });
  tally.start(POLL_SECONDS * 1000);
  const campaigns = new Campaigns({
    ...opts.stores,
    flowOf: (id) => flows.get(id),
    invitationQueue: opts.invitationQueue ?? null,
    ...(opts.clock ? { clock: opts.clock } : {}),
  });
  const dashboard = await createDashboard({
    stores: opts.stores,
    directory,
    flows,
    translator,
    links,
    auth,
    tally,
    log: log.log,
    secureCookies: false,
    ...(opts.clock ? { clock: opts.clock } : {}),
    ...(opts.interviews ? { interviews: opts.interviews } : {}),
    campaigns,
    ...(opts.telegramBot ? { telegramBot: opts.telegramBot } : {}),
  });
  const unmount = http.mount('/dashboard', (req, res) => dashboard.handle(req, res));
  t.after(async () => {
    unmount();
    await tally.stop();
    await dashboard.close();
    if (!opts.http) await http.close();
  });
  return {
    url,
    origin,
    links,
    directory,
    campaigns,
    tally,
    log,
    anonymous: () => new Client(origin),
    async signIn(member) {
      const client = new Client(origin);
      const signed = await client.signInWith(await links.issue(member, 'test'));
      assert.equal(signed.status, 303, signed.text);
      assert.equal(signed.location, '/dashboard');
      return client;
    },
  };
}
