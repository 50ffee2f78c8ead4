import { StaffCommands, type Sender, type StaffReply } from '../staff/commands.ts';
import type { SignInLinks } from '../dashboard/auth/sign-in-links.ts';
import type { Campaigns } from '../campaigns/campaigns.ts';
import type { StaffDirectory } from '../staff/directory.ts';
import { isStaffCommand, mayUse } from '../staff/permissions.ts';

/** Where one incoming update goes: exactly one of these. */
export type Route =
  /** A staff command the sender may use, already answered. */
  | { to: 'staff'; reply: StaffReply }
  /** A command nobody may use, or one the sender may not: answered like any unknown command. */
  | { to: 'unknown_command' }
  /** Everything else: the survey (the conversation service). */
  | { to: 'survey' };

/**
 * In front of the survey, for every channel: decides where an update goes and checks rights
 * against the staff directory, in this one place. A command the survey itself knows (/start,
 * /back...) never comes here; a non-staff user who types a staff command hears what anyone
 * typing an unknown command hears, so the staff commands are not revealed.
 */
export class Router {
  readonly commands: StaffCommands;

  constructor(
    readonly directory: StaffDirectory,
    links?: SignInLinks,
    campaigns?: Campaigns,
  ) {
    this.commands = new StaffCommands(directory, links, campaigns);
  }

  /** A command the survey does not know. */
  async command(sender: Sender, name: string, args: string): Promise<Route> {
    const command = name.toLowerCase();
    if (!isStaffCommand(command)) return { to: 'unknown_command' };
    const member = await this.directory.resolve(sender.principal);
    if (!mayUse(member, command)) return { to: 'unknown_command' };
    return { to: 'staff', reply: await this.commands.run(command, member, sender, args) };
  }
}
