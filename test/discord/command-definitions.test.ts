import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DiscordAPIError, PermissionFlagsBits, RateLimitError } from 'discord.js';
import {
  applicationCommands,
  DESCRIPTION_MAX,
  DISCORD_LOCALES,
  NAME_PATTERN,
  surveyCommands,
} from '../../src/channels/discord/commands.ts';
import { classifyError, describeError } from '../../src/channels/discord/errors.ts';
import { registerCommands } from '../../src/channels/discord/register.ts';
import { DiscordStandIn } from '../support/discord-api.ts';
import { translator } from '../support/flow.ts';

interface Named {
  name: string;
  description: string;
  name_localizations?: Record<string, string>;
  description_localizations?: Record<string, string>;
  options?: Named[];
  choices?: { name: string; value: string }[];
}

function walk(items: readonly Named[], visit: (n: Named) => void): void {
  for (const item of items) {
    visit(item);
    walk(item.options ?? [], visit);
  }
}

test('command names and descriptions fit Discord’s rules in every locale', () => {
  walk(applicationCommands(translator) as Named[], (n) => {
    for (const name of [n.name, ...Object.values(n.name_localizations ?? {})]) {
      assert.match(name, NAME_PATTERN);
      assert.equal(name, name.toLocaleLowerCase(), name);
    }
    for (const d of [n.description, ...Object.values(n.description_localizations ?? {})]) {
      assert.ok(d.length >= 1 && d.length <= DESCRIPTION_MAX, d);
    }
  });
});

test('names and descriptions are localized for Discord’s en, ru, es and fr locales; Arabic has none', () => {
  const [survey, post] = surveyCommands(translator) as Named[];
  assert.equal(survey!.name, 'survey');
  assert.equal(post!.name, 'survey-button');
  assert.deepEqual(survey!.name_localizations, {
    'en-US': 'survey',
    'en-GB': 'survey',
    ru: 'опрос',
    'es-ES': 'encuesta',
    'es-419': 'encuesta',
    fr: 'sondage',
  });
  assert.deepEqual(
    survey!.options!.map((o) => o.name),
    ['start', 'resume', 'language', 'progress', 'delete-my-data', 'my-data', 'stop'],
  );
  assert.deepEqual(
    survey!.options!.map((o) => o.name_localizations!.ru),
    ['начать', 'продолжить', 'язык', 'прогресс', 'удалить-мои-данные', 'мои-данные', 'стоп'],
  );
  assert.deepEqual(DISCORD_LOCALES.ar, []);
  const language = survey!.options![2]!.options![0]!;
  assert.deepEqual(language.choices, [
    { name: 'English', value: 'en' },
    { name: 'العربية', value: 'ar' },
    { name: 'Español', value: 'es' },
    { name: 'Français', value: 'fr' },
    { name: 'Русский', value: 'ru' },
  ]);
});

test('/survey works in servers and in the bot’s DM; /survey-button only in servers, for Manage Server', () => {
  const [survey, post] = surveyCommands(translator) as unknown as {
    contexts: number[];
    default_member_permissions?: string;
  }[];
  assert.deepEqual(survey!.contexts, [0, 1]);
  assert.equal(survey!.default_member_permissions, undefined);
  assert.deepEqual(post!.contexts, [0]);
  assert.equal(post!.default_member_permissions, PermissionFlagsBits.ManageGuild.toString());
});

test('/staff is for servers only and shown to server administrators alone; its names are the typed ones', () => {
  const staff = applicationCommands(translator).find((c) => c.name === 'staff') as unknown as Named & {
    contexts: number[];
    default_member_permissions?: string;
  };
  assert.deepEqual(staff.contexts, [0]);
  assert.equal(staff.default_member_permissions, '0');
  assert.deepEqual(
    staff.options!.map((o) => o.name),
    ['join', 'whoami', 'invite', 'dashboard'],
  );
  walk([staff], (n) => assert.deepEqual(n.name_localizations ?? {}, {}, n.name));
  const role = staff.options![2]!.options![0]!;
  assert.deepEqual(
    role.choices!.map((c) => c.value),
    ['admin', 'coordinator', 'interviewer'],
  );
  assert.equal(
    staff.description_localizations!.ru,
    translator.translatorFor('ru')({ key: 'discord:commands.staff.description' }),
  );
});

test('registration replaces the commands, globally or for one server', async (t) => {
  const api = await DiscordStandIn.start();
  t.after(() => api.close());
  const base = { token: api.token, applicationId: api.applicationId, apiRoot: api.apiRoot, translator };
  assert.equal(await registerCommands(base), 3);
  assert.equal(await registerCommands({ ...base, guildId: '123456789012345678' }), 3);
  const puts = api.requests.filter((r) => r.method === 'PUT');
  assert.deepEqual(
    puts.map((r) => r.path),
    [
      `/applications/${api.applicationId}/commands`,
      `/applications/${api.applicationId}/guilds/123456789012345678/commands`,
    ],
  );
  assert.deepEqual(puts[0]!.body, JSON.parse(JSON.stringify(applicationCommands(translator))));
  await assert.rejects(registerCommands({ ...base, token: 'wrong-token-wrong-token' }), /401|Unauthorized/);
});

test('Discord’s refusals are told apart from our own faults', () => {
  const apiError = (code: number, status: number) =>
    new DiscordAPIError(
      { code, message: 'x' },
      code,
      status,
      'POST',
      'https://discord.test/api/v10/webhooks/1/secret-token',
      { body: {} },
    );
  assert.equal(classifyError(apiError(50007, 403)), 'dm_closed');
  assert.equal(classifyError(apiError(50013, 403)), 'missing_permissions');
  assert.equal(classifyError(apiError(50001, 403)), 'missing_permissions');
  assert.equal(classifyError(apiError(10062, 404)), 'expired');
  assert.equal(classifyError(apiError(40060, 400)), 'expired');
  assert.equal(classifyError(apiError(0, 429)), 'rate_limited');
  const limited = new RateLimitError({
    timeToReset: 60_000,
    limit: 5,
    method: 'POST',
    hash: 'h',
    url: 'u',
    route: '/channels/:id/messages',
    majorParameter: '1',
    global: false,
    retryAfter: 60_000,
    sublimitTimeout: 0,
    scope: 'user',
  });
  assert.equal(classifyError(limited), 'rate_limited');
  assert.equal(classifyError(new Error('boom')), 'failed');
  assert.doesNotMatch(
    JSON.stringify(describeError(apiError(50007, 403))),
    /secret-token/,
    'interaction tokens stay out of logs',
  );
});
