import { parseArgs } from 'node:util';
import type { App } from '../app.ts';
import { nothingErased, type Erased } from '../privacy/personal-data.ts';
import { ROLES, STAFF_CHANNELS, type Principal, type Role, type StaffMember } from './staff.ts';

export const STAFF_USAGE = `usage: npm run staff -- <command>
  list                                   every staff member (environment admins first)
  add --name <name> --role <role> [--telegram <user id>] [--discord <user id>]
      [--campaign <id> ...] [--region <M49 or ISO code> ...] [--locale <lng>]
  invite <role> [--name <name>]          a single-use code: the person sends /staff <code> to the bot
  role <member id> <role>                change a member's role
  remove <member id>                     revoke a member (they lose access at their next update)
  login-link <member id>                 a one-time link that signs the member in to the dashboard
  erase <telegram|discord|terminal> <user id>   a respondent's erasure on request (e.g. by e-mail):
  erase --response <response id>                everything kept about them goes; audited
roles: ${ROLES.join(', ')}`;

/** The CLI acts as `cli` in the audit log. */
const ACTOR = 'cli';

const isRole = (value: unknown): value is Role => (ROLES as readonly unknown[]).includes(value);

/** `npm run staff -- ...`: manage the staff directory from the server's shell. Returns the exit code. */
export async function staffCli(app: App, args: string[], out: (line: string) => void): Promise<number> {
  const [command, ...rest] = args;
  const { directory } = app;
  switch (command) {
    case 'list': {
      const members = await directory.list();
      for (const m of members) out(describe(m));
      out(`${members.length} staff member(s)`);
      return 0;
    }
    case 'add': {
      const { values } = parseArgs({
        args: rest,
        options: {
          name: { type: 'string' },
          role: { type: 'string' },
          telegram: { type: 'string', multiple: true },
          discord: { type: 'string', multiple: true },
          campaign: { type: 'string', multiple: true },
          region: { type: 'string', multiple: true },
          locale: { type: 'string' },
        },
      });
      if (!values.name || !isRole(values.role)) return usage(out, 'add needs --name and --role');
      const principals: Principal[] = [];
      for (const channel of STAFF_CHANNELS) {
        for (const user of values[channel] ?? []) {
          if (!/^\d{1,20}$/.test(user)) return usage(out, `--${channel} takes a numeric user id`);
          principals.push({ channel, user });
        }
      }
      const member = await directory.add(ACTOR, {
        name: values.name,
        role: values.role,
        principals,
        scope: { campaigns: values.campaign ?? [], regions: values.region ?? [] },
        ...(values.locale ? { locale: values.locale } : {}),
      });
      out(`added ${describe(member)}`);
      return 0;
    }
    case 'invite': {
      const { values, positionals } = parseArgs({
        args: rest,
        options: { name: { type: 'string' } },
        allowPositionals: true,
      });
      const role = positionals[0];
      if (!isRole(role)) return usage(out, 'invite needs a role');
      const code = await directory.invite(ACTOR, role, values.name ? { name: values.name } : {});
      out(`staff code for a new ${role}: ${code}`);
      out('it works once, for 7 days: the person sends /staff <code> to the bot on Telegram or Discord');
      return 0;
    }
    case 'role': {
      const [id, role] = rest;
      if (!id || !isRole(role)) return usage(out, 'role needs a member id and a role');
      const member = await directory.change(ACTOR, id, { role });
      if (!member) return usage(out, `no stored staff member ${id}`);
      out(`changed ${describe(member)}`);
      return 0;
    }
    case 'remove': {
      const [id] = rest;
      if (!id) return usage(out, 'remove needs a member id');
      if (!(await directory.revoke(ACTOR, id))) return usage(out, `no active stored staff member ${id}`);
      out(`revoked ${id}`);
      return 0;
    }
    case 'login-link': {
      const [id] = rest;
      if (!id) return usage(out, 'login-link needs a member id');
      const member = await directory.get(id);
      if (member?.status !== 'active') return usage(out, `no active staff member ${id}`);
      out(await app.signInLinks.issue(member, ACTOR));
      out('it signs in once, within 10 minutes');
      return 0;
    }
    case 'erase':
      return eraseOnRequest(app, rest, out);
    default:
      return usage(out, command ? `unknown command ${command}` : undefined);
  }
}

const RESPONDENT_CHANNELS = ['telegram', 'discord', 'terminal'];

/**
 * An admin's erasure of a respondent's data on request: by platform account, or by a response
 * of theirs. The audit entry names a keyed hash of the pseudonym (never the person), so the
 * erasure can be shown later to whoever holds the keys, while the log links to no one.
 */
async function eraseOnRequest(app: App, args: string[], out: (line: string) => void): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    options: { response: { type: 'string' } },
    allowPositionals: true,
  });
  let respondent: string;
  let session = false;
  let counts: Omit<Erased, 'session'>;
  if (values.response !== undefined) {
    const response = await app.stores.responses.get(values.response);
    if (!response) {
      out('no stored response has that id: nothing erased');
      await audit(app, null, 'refused', { reason: 'unknown_response' });
      return 1;
    }
    respondent = response.respondent;
    counts = await app.service.eraseRespondent(respondent);
  } else {
    const [channel, user] = positionals;
    if (!channel || !RESPONDENT_CHANNELS.includes(channel) || !user || !/^[\w.-]{1,64}$/.test(user))
      return usage(
        out,
        'erase needs a channel (telegram, discord, terminal) and a user id, or --response <id>',
      );
    respondent = app.service.respondentOf(channel, user);
    ({ session, ...counts } = await app.service.erase(channel, user));
  }
  const erased = { session, ...counts };
  if (nothingErased(erased)) {
    out('nothing is stored about that respondent: nothing erased');
    await audit(app, respondent, 'ok', { nothing: true });
    return 1;
  }
  const more = Object.fromEntries(counts.more.map((m) => [m.name, m.count]));
  const details = {
    session,
    responses: counts.responses,
    contacts: counts.contacts,
    addresses: counts.addresses,
    ...more,
  };
  out(
    `erased: ${Object.entries(details)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ')}`,
  );
  await audit(app, respondent, 'ok', details);
  return 0;
}

function audit(
  app: App,
  respondent: string | null,
  outcome: 'ok' | 'refused',
  details: Record<string, string | number | boolean>,
) {
  return app.stores.audit.append({
    at: new Date(),
    actor: ACTOR,
    action: 'respondent.erase',
    ...(respondent ? { target: `respondent#${app.stores.keyring.hash(respondent, 'audit')}` } : {}),
    outcome,
    details,
  });
}

function usage(out: (line: string) => void, problem?: string): number {
  if (problem) out(problem);
  out(STAFF_USAGE);
  return 2;
}

/** One line per member; accounts are shown as their channel only (they are personal data). */
function describe(m: StaffMember): string {
  const scope = [
    ...m.scope.campaigns.map((c) => `campaign ${c}`),
    ...m.scope.regions.map((r) => `region ${r}`),
  ];
  return [
    m.id,
    m.role,
    m.status,
    JSON.stringify(m.name),
    m.principals.map((p) => p.channel).join('+') || 'no chat account',
    scope.length ? scope.join(', ') : 'all campaigns and regions',
    m.fromEnvironment ? '(from the environment)' : '',
  ]
    .filter(Boolean)
    .join('  ');
}
