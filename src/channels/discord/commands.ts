import {
  ApplicationCommandOptionType,
  ApplicationCommandType,
  ApplicationIntegrationType,
  InteractionContextType,
  Locale,
  PermissionFlagsBits,
  type APIApplicationCommandBasicOption,
  type APIApplicationCommandSubcommandOption,
  type LocalizationMap,
  type RESTPostAPIChatInputApplicationCommandsJSONBody,
} from 'discord.js';
import type { Translator } from '../../i18n/translator.ts';
import { ROLES } from '../../staff/staff.ts';
import { POST_COMMAND, STAFF_COMMAND, STAFF_SUBCOMMANDS, SUBCOMMANDS, SURVEY_COMMAND } from './parse.ts';

/**
 * The Discord client locales each survey language is shown for. Discord has no Arabic client
 * locale, so Arabic readers see the English (default) command names; the survey itself is fully
 * Arabic once chosen, and `/survey language` lists "العربية" by its own name.
 */
export const DISCORD_LOCALES: Readonly<Record<string, readonly Locale[]>> = {
  en: [Locale.EnglishUS, Locale.EnglishGB],
  ru: [Locale.Russian],
  es: [Locale.SpanishES, Locale.SpanishLATAM],
  fr: [Locale.French],
  ar: [],
};

/** Discord's rule for command and option names (lower case where a letter has a case). */
export const NAME_PATTERN = /^[-_'\p{L}\p{N}\p{sc=Deva}\p{sc=Thai}]{1,32}$/u;
export const DESCRIPTION_MAX = 100;

type Named = {
  name: string;
  description: string;
  name_localizations: LocalizationMap;
  description_localizations: LocalizationMap;
};

/** Name and description of `discord:commands.<key>` in the default language and every Discord locale. */
function named(translator: Translator, key: string, defaultName: string): Named {
  const text = (lng: string, field: 'name' | 'description') =>
    translator.translatorFor(lng)({ key: `discord:commands.${key}.${field}` });
  const names: LocalizationMap = {};
  const descriptions: LocalizationMap = {};
  for (const lng of translator.languages) {
    for (const locale of DISCORD_LOCALES[lng] ?? []) {
      names[locale] = text(lng, 'name');
      descriptions[locale] = text(lng, 'description');
    }
  }
  // Interactions carry the default name, which is what the channel reads: it never changes.
  return {
    name: defaultName,
    description: text('en', 'description'),
    name_localizations: names,
    description_localizations: descriptions,
  };
}

/** Name and description of `discord:commands.<key>`: the name is the same in every locale, as typed. */
function described(translator: Translator, key: string, name: string): Named {
  const descriptions: LocalizationMap = {};
  for (const lng of translator.languages) {
    for (const locale of DISCORD_LOCALES[lng] ?? []) {
      descriptions[locale] = translator.translatorFor(lng)({ key: `discord:commands.${key}.description` });
    }
  }
  return {
    name,
    description: translator.translatorFor('en')({ key: `discord:commands.${key}.description` }),
    name_localizations: {},
    description_localizations: descriptions,
  };
}

/**
 * The application commands: `/survey` (start, resume, language, progress, delete my data, my
 * data, stop), usable
 * in servers and in the DM with the bot, `/survey-button` for coordinators (Manage Server) to
 * post a "Take the survey" button in a server channel, and `/staff` for the staff commands.
 */
export function applicationCommands(
  translator: Translator,
): RESTPostAPIChatInputApplicationCommandsJSONBody[] {
  return [...surveyCommands(translator), staffCommand(translator)];
}

/**
 * `/staff join|whoami|invite|dashboard`: the chat's staff commands as one slash command, in
 * servers only and shown by default to server administrators alone (`default_member_permissions`
 * "0"). Who may use what is decided by the router against the staff directory, whatever a server
 * sets; everyone else, staff of other ranks included, types the same commands in the DM with the
 * bot, where no menu shows them (see the README). Names stay English in every locale, as typed.
 */
export function staffCommand(translator: Translator): RESTPostAPIChatInputApplicationCommandsJSONBody {
  const text = (key: string, name: string, required: boolean): APIApplicationCommandBasicOption => ({
    type: ApplicationCommandOptionType.String,
    ...described(translator, key, name),
    required,
    max_length: 100,
  });
  const sub = (
    key: string,
    name: string,
    options: APIApplicationCommandBasicOption[] = [],
  ): APIApplicationCommandSubcommandOption => ({
    type: ApplicationCommandOptionType.Subcommand,
    ...described(translator, key, name),
    options,
  });
  const roleName = (lng: string, role: string) =>
    translator.translatorFor(lng)({ key: `staff:role.${role}` });
  const role: APIApplicationCommandBasicOption = {
    type: ApplicationCommandOptionType.String,
    ...described(translator, 'staff_role', 'role'),
    required: true,
    choices: ROLES.map((value) => {
      const names: LocalizationMap = {};
      for (const lng of translator.languages)
        for (const locale of DISCORD_LOCALES[lng] ?? []) names[locale] = roleName(lng, value);
      return { name: roleName('en', value), name_localizations: names, value };
    }),
  };
  return {
    type: ApplicationCommandType.ChatInput,
    ...described(translator, 'staff', STAFF_COMMAND),
    contexts: [InteractionContextType.Guild],
    integration_types: [ApplicationIntegrationType.GuildInstall],
    default_member_permissions: '0',
    options: [
      sub('staff_join', STAFF_SUBCOMMANDS.join, [text('staff_code', 'code', true)]),
      sub('staff_whoami', STAFF_SUBCOMMANDS.whoami),
      sub('staff_invite', STAFF_SUBCOMMANDS.invite, [role, text('staff_name', 'name', false)]),
      sub('staff_dashboard', STAFF_SUBCOMMANDS.dashboard),
    ],
  };
}

/** `/survey` and `/survey-button`. */
export function surveyCommands(translator: Translator): RESTPostAPIChatInputApplicationCommandsJSONBody[] {
  const code = (key: string): APIApplicationCommandBasicOption => ({
    type: ApplicationCommandOptionType.String,
    ...named(translator, key, 'code'),
    required: false,
    min_length: 4,
    max_length: 64,
  });
  const sub = (
    key: string,
    name: string,
    options: APIApplicationCommandBasicOption[] = [],
  ): APIApplicationCommandSubcommandOption => ({
    type: ApplicationCommandOptionType.Subcommand,
    ...named(translator, key, name),
    options,
  });
  const language: APIApplicationCommandBasicOption = {
    type: ApplicationCommandOptionType.String,
    ...named(translator, 'language_option', 'language'),
    required: true,
    choices: translator.languages.map((lng) => ({
      name: translator.translatorFor(lng)({ key: 'common:language.option', params: { code: lng } }),
      value: lng,
    })),
  };
  return [
    {
      type: ApplicationCommandType.ChatInput,
      ...named(translator, 'survey', SURVEY_COMMAND),
      contexts: [InteractionContextType.Guild, InteractionContextType.BotDM],
      integration_types: [ApplicationIntegrationType.GuildInstall],
      options: [
        sub('start', SUBCOMMANDS.start, [code('code')]),
        sub('resume', SUBCOMMANDS.resume),
        sub('language', SUBCOMMANDS.language, [language]),
        sub('progress', SUBCOMMANDS.progress),
        sub('delete', SUBCOMMANDS.delete),
        sub('my_data', SUBCOMMANDS.myData),
        sub('stop', SUBCOMMANDS.stop),
      ],
    },
    {
      type: ApplicationCommandType.ChatInput,
      ...named(translator, 'post', POST_COMMAND),
      contexts: [InteractionContextType.Guild],
      integration_types: [ApplicationIntegrationType.GuildInstall],
      default_member_permissions: PermissionFlagsBits.ManageGuild.toString(),
      options: [code('post_code')],
    },
  ];
}
