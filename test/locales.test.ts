import assert from 'node:assert/strict';
import { test } from 'node:test';
import { extraTexts, flattenTexts, missingTexts } from '../src/i18n/check.ts';
import { resources } from './support/flow.ts';

/** Keys whose text is the same in every language by nature (names and codes), or a real word that happens to be spelled alike. */
const SAME_AS_ENGLISH: Record<string, string[]> = {
  '*': [
    'common:language.option',
    'common:country.option',
    'common:amount.currency_option',
    'common:amount.value',
    'common:option.named',
    // Report symbols and a "question: option" label pattern.
    'analysis:column.percent',
    'analysis:column.rank',
    'analysis:column.n',
    'analysis:export.option',
    // Platform names and the symbol of seconds.
    'dashboard:channel.telegram',
    'dashboard:channel.discord',
    'dashboard:response.seconds_one',
    'dashboard:response.seconds_other',
    'dashboard:campaign.funnel.minutes',
    // Patterns of names, codes and someone's own words.
    'interviews:line',
    'interviews:list.item',
    'interviews:relay.from',
    // File format names.
    'dashboard:reports.format.html',
    'dashboard:reports.format.md',
    'dashboard:reports.format.json',
    'dashboard:reports.format.csv',
    'dashboard:reports.format.xlsx',
    'dashboard:reports.format.jsonl',
  ],
  es: [
    'common:answer.no',
    'common:summary.contact_no',
    'advocacy:q9a.options.no',
    'analysis:time.seconds',
    'analysis:time.minutes',
    'analysis:export.header.variable',
    'dashboard:channel.terminal',
    'dashboard:response.via_chat',
  ],
  fr: [
    // "Conversations" and "Message" are French words too.
    'interviews:dashboard.title',
    'interviews:dashboard.text',
    'analysis:time.seconds',
    'analysis:time.minutes',
    'analysis:codes.title',
    'analysis:export.header.variable',
    'analysis:export.header.question',
    'dashboard:channel.terminal',
    'dashboard:filter.page',
    'dashboard:responses.pages',
    'dashboard:response.invitation',
    'dashboard:response.question',
    'dashboard:audit.action',
    // "Question", "Codes", "Code" are French words too.
    'dashboard:coding.question',
    'dashboard:coding.codes',
    'dashboard:coding.code',
    // "Questionnaire" and "Organisation" are French words too.
    'dashboard:campaign.field.flowId',
    'dashboard:campaign.invitee.organisation',
  ],
  // Discord has no Arabic locale: Arabic speakers see the English command names.
  ar: ['discord:commands.delete_hint', 'discord:commands.progress_hint'],
};

const keysOf = (lng: string) => flattenTexts(resources, lng);
const english = keysOf('en');
const languages = Object.keys(resources);

test('the five languages of the questionnaire are present', () => {
  assert.deepEqual([...languages].sort(), ['ar', 'en', 'es', 'fr', 'ru']);
});

for (const lng of languages.filter((l) => l !== 'en')) {
  test(`${lng}: every English key has a text, with the plural forms the language needs`, () => {
    assert.deepEqual(missingTexts(resources, lng), []);
  });

  test(`${lng}: no key that English lacks`, () => {
    assert.deepEqual(extraTexts(resources, lng), []);
  });

  test(`${lng}: texts are translated, not English copies`, () => {
    const allowed = new Set([...SAME_AS_ENGLISH['*']!, ...(SAME_AS_ENGLISH[lng] ?? [])]);
    const own = keysOf(lng);
    const copies = [...english].filter(([k, v]) => own.get(k) === v && !allowed.has(k)).map(([k]) => k);
    assert.deepEqual(copies, []);
  });

  test(`${lng}: interpolation placeholders match English`, () => {
    const own = keysOf(lng);
    const placeholders = (s: string) => [...s.matchAll(/\{\{[^}]+\}\}/g)].map((m) => m[0]).sort();
    for (const [key, value] of english) {
      const theirs = own.get(key);
      if (theirs !== undefined) assert.deepEqual(placeholders(theirs), placeholders(value), `${lng} ${key}`);
    }
  });
}
