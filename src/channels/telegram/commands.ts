import type { BotCommand } from 'telegraf/types';
import type { Translate } from '../../i18n/translator.ts';
import { commandsOf, menuKey } from '../../staff/permissions.ts';
import type { StaffMember } from '../../staff/staff.ts';

/** The bot's commands, in the order Telegram's menu shows them. */
export const COMMANDS = [
  'start',
  'back',
  'skip',
  'language',
  'progress',
  'restart',
  'help',
  'stop',
  'delete_my_data',
  'my_data',
] as const;
export type CommandName = (typeof COMMANDS)[number];

/** Telegram's limit on a command's description. */
const MAX_DESCRIPTION = 256;

/** The command menu in one language, for `setMyCommands`. */
export function commandsFor(t: Translate): BotCommand[] {
  return COMMANDS.map((command) => ({
    command,
    description: [...t({ key: `telegram:commands.${command}` })].slice(0, MAX_DESCRIPTION).join(''),
  }));
}

/** A staff member's own menu (set for their private chat): the survey's commands, then their staff commands. */
export function staffMenuFor(member: StaffMember, t: Translate): BotCommand[] {
  return [
    ...commandsFor(t),
    ...commandsOf(member).map((command) => ({
      command,
      description: [...t({ key: menuKey(command) })].slice(0, MAX_DESCRIPTION).join(''),
    })),
  ];
}
