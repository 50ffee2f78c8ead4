import { REST, Routes } from 'discord.js';
import type { Translator } from '../../i18n/translator.ts';
import { applicationCommands } from './commands.ts';

export interface RegisterOptions {
  token: string;
  applicationId: string;
  /** Registers for one server (instant, for trying out); global registration otherwise. */
  guildId?: string;
  apiRoot?: string;
  translator: Translator;
}

/**
 * Replaces the application's commands with ours (a bulk overwrite, so a renamed or removed
 * command does not linger). Returns how many commands were registered.
 */
export async function registerCommands(opts: RegisterOptions): Promise<number> {
  const rest = new REST(opts.apiRoot ? { api: opts.apiRoot } : {}).setToken(opts.token);
  const route = opts.guildId
    ? Routes.applicationGuildCommands(opts.applicationId, opts.guildId)
    : Routes.applicationCommands(opts.applicationId);
  const registered = (await rest.put(route, { body: applicationCommands(opts.translator) })) as unknown[];
  return registered.length;
}
