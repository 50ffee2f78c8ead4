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
import { POST_COMMAND, SUBCOMMANDS, SURVEY_COMMAND } from './parse.ts';

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

/**
 * The application commands: `/survey` (start, resume, language, progress, delete my data), usable
 * in servers and in the DM with the bot, and `/survey-button` for coordinators (Manage Server)
 * to post a "Take the survey" button in a server channel.
 */
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
