import { parseArgs } from 'node:util';
import { loadConfigOrReport } from '../../config.ts';
import { loadFlow, loadResources } from '../../flows/load.ts';
import { Translator } from '../../i18n/translator.ts';
import { registerCommands } from './register.ts';

/**
 * `npm run discord:commands [-- --guild <server id>]`: registers /survey and /survey-button with
 * their names and descriptions in every language Discord has a locale for. Global by default
 * (Discord may take up to an hour to show changes); --guild for one server, at once.
 */
async function main(): Promise<number> {
  const { values } = parseArgs({ options: { guild: { type: 'string' } } });
  const config = loadConfigOrReport((line) => process.stderr.write(`${line}\n`));
  if (!config) return 1;
  if (!config.DISCORD_TOKEN || !config.DISCORD_APPLICATION_ID) {
    process.stderr.write('discord:commands needs DISCORD_TOKEN and DISCORD_APPLICATION_ID\n');
    return 1;
  }
  const guildId = values.guild;
  if (guildId !== undefined && !/^\d{17,20}$/.test(guildId)) {
    process.stderr.write('--guild must be a server id (digits)\n');
    return 1;
  }
  const resources = loadResources();
  const flow = loadFlow(config.FLOW, resources);
  const count = await registerCommands({
    token: config.DISCORD_TOKEN,
    applicationId: config.DISCORD_APPLICATION_ID,
    ...(guildId ? { guildId } : {}),
    ...(config.DISCORD_API_ROOT ? { apiRoot: config.DISCORD_API_ROOT } : {}),
    translator: new Translator(resources, flow.languages),
  });
  process.stdout.write(`registered ${count} commands ${guildId ? `for server ${guildId}` : 'globally'}\n`);
  return 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error) => {
    // A DiscordAPIError's message names the problem; its request data is not printed.
    process.stderr.write(`discord:commands failed: ${(error as Error).message}\n`);
    process.exitCode = 1;
  },
);
