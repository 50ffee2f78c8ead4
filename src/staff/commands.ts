import type { Text } from '../engine/prompt.ts';
import { ROLES, type Principal, type Role, type StaffMember } from './staff.ts';
import { LINK_LIFE_MS, type SignInLinks } from '../dashboard/auth/sign-in-links.ts';
import type { StaffDirectory } from './directory.ts';
import type { StaffCommand } from './permissions.ts';
import type { InterviewCommand } from '../interviews/command-names.ts';
import type { Campaigns } from '../campaigns/campaigns.ts';
import { campaignTexts } from '../campaigns/campaign-command.ts';

/** Who sent a staff command, as the channel read it. */
export interface Sender {
  principal: Principal;
  /** The platform's language for the sender, used until they are staff with a language of their own. */
  locale: string;
  /** The platform's display name, the default name of a joining member. */
  displayName: string;
}

/** What the bot answers: texts in the sender's language (and after joining, the member's). */
export interface StaffReply {
  texts: Text[];
  locale: string;
  /** The sender's staff membership changed: channels refresh their command menus. */
  changed?: StaffMember;
}

const say = (key: string, params?: Text['params']): Text => ({
  key: `staff:${key}`,
  ...(params ? { params } : {}),
});

/**
 * The staff commands of the chat side, for every channel alike. The router has already checked
 * the sender may use the command; arguments are checked here and refused with a translated line.
 */
export class StaffCommands {
  constructor(
    private readonly directory: StaffDirectory,
    /** Sign-in links to the dashboard; without them `/dashboard` says it is not available. */
    private readonly links?: SignInLinks,
    /** Campaigns; without them `/campaign` says there are none. */
    private readonly campaigns?: Campaigns,
  ) {}

  async run(
    command: Exclude<StaffCommand, InterviewCommand>,
    member: StaffMember | null,
    sender: Sender,
    args: string,
  ): Promise<StaffReply> {
    const locale = member?.locale ?? sender.locale;
    switch (command) {
      case 'whoami':
        return { texts: [this.whoami(member, sender)], locale };
      case 'staff':
        return this.join(sender, args);
      case 'staff_invite':
        return { texts: await this.invite(member!, args), locale };
      case 'dashboard':
        return { texts: [await this.dashboard(member!)], locale };
      case 'campaign':
        return { texts: await campaignTexts(this.campaigns, member!, args), locale };
    }
  }

  private whoami(member: StaffMember | null, sender: Sender): Text {
    if (!member) return say('whoami.respondent', { channel: sender.principal.channel });
    return say('whoami.staff', {
      name: member.name,
      role: member.role,
      scope: member.scope.campaigns.length + member.scope.regions.length === 0 ? 'all' : 'limited',
    });
  }

  private async join(sender: Sender, args: string): Promise<StaffReply> {
    if (!args.trim()) return { texts: [say('join.usage')], locale: sender.locale };
    const result = await this.directory.join(args, sender.principal, sender.displayName, sender.locale);
    if (!result.ok) return { texts: [say(`join.${result.reason}`)], locale: sender.locale };
    const { member } = result;
    return {
      texts: [say('join.done', { name: member.name, role: member.role })],
      locale: member.locale,
      changed: member,
    };
  }

  /** A one-time sign-in link, made for the member who asked (arguments are ignored). */
  private async dashboard(member: StaffMember): Promise<Text> {
    if (!this.links) return say('dashboard.unavailable');
    const made = await this.links.request(member);
    if (!made.ok) return say('dashboard.rate_limited', { minutes: made.retryMinutes });
    return say('dashboard.link', { url: made.url, minutes: LINK_LIFE_MS / 60_000 });
  }

  private async invite(member: StaffMember, args: string): Promise<Text[]> {
    const [roleArg = '', ...nameParts] = args.trim().split(/\s+/);
    const role = roleArg.toLowerCase();
    if (!isRole(role)) return [say('invite.usage')];
    const name = nameParts.join(' ').slice(0, 100);
    const code = await this.directory.invite(member.id, role, name ? { name } : {});
    return [say('invite.done', { role, code, days: 7 })];
  }
}

const isRole = (value: string): value is Role => (ROLES as readonly string[]).includes(value);
