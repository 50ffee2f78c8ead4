import { isInterviewCommand } from '../interviews/command-names.ts';
import type { Role, StaffMember } from './staff.ts';

/**
 * Every staff command and the roles that may use it: the one permission table of the chat side
 * (the dashboard's routes have theirs beside their pages). `null`: anyone, staff or not.
 */
export const STAFF_COMMANDS = {
  /** `/staff <code>`: join the staff with a code an admin made. */
  staff: null,
  /** `/whoami`: who the bot thinks you are. */
  whoami: null,
  /** `/staff_invite <role> [name]`: a single-use code for a new staff member. */
  staff_invite: ['admin'],
  /** `/dashboard`: a one-time link that signs in to the web dashboard. */
  dashboard: ['admin', 'coordinator', 'interviewer'],
  /** `/followups [filters]`: respondents who agreed to a follow-up interview. */
  followups: ['admin', 'interviewer'],
  /** `/claim <code>`: take a respondent for an interview (one interviewer each). */
  claim: ['admin', 'interviewer'],
  /** `/release <code>`: let go of a respondent one holds. */
  release: ['admin', 'interviewer'],
  /** `/invite <code>`: ask a held respondent to talk, in a new staff thread. */
  invite: ['admin', 'interviewer'],
  /** `/reassign <code> <staff id>`: give a respondent to another interviewer. */
  reassign: ['admin'],
  /** `/campaign [id]`: the member's campaigns, or one campaign's funnel (own campaigns only). */
  campaign: ['admin', 'coordinator'],
} as const satisfies Record<string, readonly Role[] | null>;

export type StaffCommand = keyof typeof STAFF_COMMANDS;

export function isStaffCommand(name: string): name is StaffCommand {
  return Object.hasOwn(STAFF_COMMANDS, name);
}

/** Whether `member` (null: not staff) may use `command`. */
export function mayUse(member: StaffMember | null, command: StaffCommand): boolean {
  const roles: readonly Role[] | null = STAFF_COMMANDS[command];
  if (roles === null) return true;
  return member !== null && member.status === 'active' && roles.includes(member.role);
}

/** The key of a command's description in menus: the interview commands keep theirs apart. */
export function menuKey(command: StaffCommand): string {
  return isInterviewCommand(command) ? `interviews:commands.${command}` : `staff:commands.${command}`;
}

/** The staff commands a member's command menu lists (the public ones are not listed). */
export function commandsOf(member: StaffMember): StaffCommand[] {
  return (Object.keys(STAFF_COMMANDS) as StaffCommand[]).filter(
    (c) => STAFF_COMMANDS[c] !== null && mayUse(member, c),
  );
}
