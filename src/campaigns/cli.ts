import { readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { REST } from 'discord.js';
import type { App } from '../app.ts';
import type { StaffMember } from '../staff/staff.ts';
import { funnelCsv } from './funnel.ts';
import { linksFor, qrPng, qrSvg } from './links.ts';
import type { Refusal } from './campaigns.ts';
import { INVITATION_QUEUE } from './invitation-send.ts';
import { sendRoleInvitations } from './role-invitations.ts';

export const CAMPAIGN_USAGE = `usage: npm run campaign -- <command>
  list                                   every campaign
  create <id> --name <name> --flow <flow id> --organisation <name> --language <xx> [...]
      [--coordinator <member id> ...] [--region <M49 or ISO code> ...]
      [--opens <ISO date>] [--closes <ISO date>] [--first-after-days N] [--gap-days N] [--max N]
  status <id> draft|open|closed          open or close a campaign
  import <id> <invitees.csv>             invitees from a CSV file (bad rows reported by line)
  link <id> [--cap N]                    an open link (Telegram and Discord), optionally capped
  qr <token> <file.svg|file.png>         the QR code of a token's Telegram link
  send <id>                              e-mail invitations to everyone not yet invited
  invite-role <id> <role id> [--guild <server id>] [--language xx]
                                         DM the members of a Discord role (DISCORD_GUILD_ID)
  progress <id>                          how far the invitations are
  funnel <id> [--csv]                    the campaign's funnel
  erase-invitee <e-mail>                 erase an invitee (every campaign) by address`;

/** The CLI acts as an admin named `cli` in the audit log. */
const CLI_ADMIN: StaffMember = {
  id: 'cli',
  name: 'cli',
  role: 'admin',
  scope: { campaigns: [], regions: [] },
  principals: [],
  locale: 'en',
  status: 'active',
  createdAt: new Date(0),
  updatedAt: new Date(0),
};

const refused = (out: (line: string) => void, r: Refusal) => {
  out(`refused: ${r.reason}${r.reason === 'invalid' ? ` (${r.problems.join(', ')})` : ''}`);
  return 1;
};

/** `npm run campaign -- ...`: campaigns from the server's shell, as an admin. Returns the exit code. */
export async function campaignCli(app: App, args: string[], out: (line: string) => void): Promise<number> {
  const [command, id = '', ...rest] = args;
  const desk = app.campaigns;
  const bot = app.config.TELEGRAM_BOT_USERNAME;
  switch (command) {
    case 'list':
      for (const c of await desk.list(CLI_ADMIN))
        out(`${c.id}  ${c.status.padEnd(6)} ${c.flowId}  ${c.name}`);
      return 0;
    case 'create': {
      const { values } = parseArgs({
        args: rest,
        options: {
          name: { type: 'string' },
          flow: { type: 'string' },
          organisation: { type: 'string' },
          language: { type: 'string', multiple: true },
          coordinator: { type: 'string', multiple: true },
          region: { type: 'string', multiple: true },
          opens: { type: 'string' },
          closes: { type: 'string' },
          'first-after-days': { type: 'string' },
          'gap-days': { type: 'string' },
          max: { type: 'string' },
        },
      });
      const made = await desk.create(CLI_ADMIN, {
        id,
        name: values.name ?? '',
        flowId: values.flow ?? app.flow.id,
        consentOrganisation: values.organisation ?? '',
        languages: (values.language ?? []) as never,
        coordinators: values.coordinator ?? [],
        regions: values.region ?? [],
        ...(values.opens ? { opensAt: new Date(values.opens) } : {}),
        ...(values.closes ? { closesAt: new Date(values.closes) } : {}),
        ...(values['first-after-days'] || values['gap-days'] || values.max
          ? {
              reminders: {
                firstAfterDays: Number(values['first-after-days'] ?? 3),
                minGapDays: Number(values['gap-days'] ?? 4),
                maxCount: Number(values.max ?? 2),
              },
            }
          : {}),
      });
      if (!made.ok) return refused(out, made);
      out(`created ${made.value.id} (draft)`);
      return 0;
    }
    case 'status': {
      const status = rest[0];
      if (status !== 'draft' && status !== 'open' && status !== 'closed') return usage(out);
      const changed = await desk.setStatus(CLI_ADMIN, id, status);
      if (!changed.ok) return refused(out, changed);
      out(`${id} is ${status}`);
      return 0;
    }
    case 'import': {
      if (!rest[0]) return usage(out);
      const result = await desk.importInvitees(CLI_ADMIN, id, readFileSync(rest[0]));
      if (!result.ok) return refused(out, result);
      const report = result.value;
      if ('problem' in report) {
        out(`file refused: ${report.problem}${'line' in report ? ` at line ${report.line}` : ''}`);
        return 1;
      }
      out(`${report.added} added, ${report.merged} merged, ${report.bad.length} bad row(s)`);
      for (const bad of report.bad) out(`  line ${bad.line}: ${bad.reason}`);
      return 0;
    }
    case 'link': {
      const { values } = parseArgs({ args: rest, options: { cap: { type: 'string' } } });
      const made = await desk.openLink(CLI_ADMIN, id, values.cap ? Number(values.cap) : null);
      if (!made.ok) return refused(out, made);
      const links = linksFor(made.value, bot);
      out(`token ${links.token}`);
      if (links.telegram) out(`Telegram: ${links.telegram}`);
      out(`Discord: ${links.discord}`);
      return 0;
    }
    case 'qr': {
      const file = rest[0];
      const link = linksFor(id, bot).telegram;
      if (!file || !link) return usage(out, 'qr needs a token, a file and TELEGRAM_BOT_USERNAME');
      writeFileSync(file, file.endsWith('.png') ? await qrPng(link) : await qrSvg(link));
      out(`wrote ${file}`);
      return 0;
    }
    case 'send': {
      const queued = await desk.sendInvitations(CLI_ADMIN, id);
      if (!queued.ok) return refused(out, queued);
      out(app.jobs.kind === 'redis' ? 'queued: the bot sends them' : 'sending...');
      if (app.jobs.kind === 'memory') await waitForSend(app, id, out);
      return 0;
    }
    case 'invite-role':
      return inviteRole(app, id, rest, out);
    case 'progress': {
      const progress = await desk.progress(CLI_ADMIN, id);
      if (!progress.ok) return refused(out, progress);
      out(JSON.stringify(progress.value));
      return 0;
    }
    case 'funnel': {
      const funnel = await desk.funnel(CLI_ADMIN, id);
      if (!funnel.ok) return refused(out, funnel);
      if (rest.includes('--csv')) out(funnelCsv(funnel.value).trimEnd());
      else out(JSON.stringify(funnel.value, null, 2));
      return 0;
    }
    case 'erase-invitee':
      out(`${await app.stores.invitees.deleteByEmail(id)} invitee(s) erased`);
      return 0;
    default:
      return usage(out);
  }
}

/**
 * `invite-role`: an open link of the campaign (its token in the button and the command), then a
 * DM to each member of the role, one at a time, paced by discord.js's REST queues.
 */
async function inviteRole(
  app: App,
  id: string,
  args: string[],
  out: (line: string) => void,
): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { guild: { type: 'string' }, language: { type: 'string' } },
  });
  const [role] = positionals;
  const guild = values.guild ?? app.config.DISCORD_GUILD_ID;
  const token = app.config.DISCORD_TOKEN;
  if (!role || !/^\d{17,20}$/.test(role) || !guild || !/^\d{17,20}$/.test(guild) || !token)
    return usage(
      out,
      'invite-role needs a role id, a server (--guild or DISCORD_GUILD_ID) and DISCORD_TOKEN',
    );
  const campaign = await app.campaigns.get(CLI_ADMIN, id);
  if (!campaign.ok) return refused(out, campaign);
  const language = values.language ?? campaign.value.languages[0]!;
  if (!campaign.value.languages.includes(language as never))
    return usage(out, `--language must be one of the campaign's: ${campaign.value.languages.join(', ')}`);
  const link = await app.campaigns.openLink(CLI_ADMIN, id, null);
  if (!link.ok) return refused(out, link);
  const rest = new REST({
    version: '10',
    ...(app.config.DISCORD_API_ROOT ? { api: app.config.DISCORD_API_ROOT } : {}),
  }).setToken(token);
  const summary = await sendRoleInvitations(
    {
      ...app.stores,
      translator: app.translator,
      rest,
      respondentOf: (channel, user) => app.service.respondentOf(channel, user),
      log: app.log,
    },
    { campaign: id, guild, role, token: link.value, language },
  );
  await app.stores.audit.append({
    at: new Date(),
    actor: CLI_ADMIN.id,
    action: 'campaign.invite-role',
    target: id,
    outcome: 'ok',
    details: { sent: summary.sent, dmsClosed: summary.dmsClosed },
  });
  out(
    `${summary.members} member(s) with the role: ${summary.sent} invited, ${summary.dmsClosed} refuse DMs, ` +
      `${summary.failed} failed, ${summary.skipped} skipped (invited before, or known to the bot)` +
      (summary.stopped ? '; stopped: the campaign closed' : ''),
  );
  return 0;
}

/** Embedded: the send runs in this process; wait for it, printing progress as it changes. */
async function waitForSend(app: App, id: string, out: (line: string) => void): Promise<void> {
  const queue = app.jobs.queue(INVITATION_QUEUE);
  for (let last = '', running = true; running;) {
    await new Promise((r) => setTimeout(r, 500));
    const counts = await queue.counts();
    running = counts.active + counts.waiting + counts.delayed > 0;
    const progress = await app.campaigns.progress(CLI_ADMIN, id);
    if (!progress.ok) return;
    const p = progress.value;
    const line = `${p.sent} sent, ${p.refused} refused, ${p.failed} failed of ${p.invitees}`;
    if (line !== last || !running) out(line);
    last = line;
  }
}

function usage(out: (line: string) => void, problem?: string): number {
  if (problem) out(problem);
  out(CAMPAIGN_USAGE);
  return 2;
}
