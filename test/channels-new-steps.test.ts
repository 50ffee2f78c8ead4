import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ComponentType } from 'discord.js';
import { decodeComponentId } from '../src/channels/discord/custom-id.ts';
import { renderQuestion, type QuestionPrompt } from '../src/channels/discord/render.ts';
import { parseCallbackData } from '../src/channels/telegram/callback-data.ts';
import { render as renderTelegram } from '../src/channels/telegram/render.ts';
import { renderPrompt as renderTerminal } from '../src/channels/terminal/render.ts';
import { parseLine } from '../src/channels/terminal/parse.ts';
import { next } from '../src/engine/engine.ts';
import type { Input } from '../src/engine/input.ts';
import { isolateLeftToRight } from '../src/i18n/bidi.ts';
import { choices, choose, flow, play, setup, text, translator } from './support/flow.ts';

const LRI = '\u2066';
const PDI = '\u2069';

/** The prompt a session is at, as a question. */
function at(inputs: Input[], lng = 'en'): QuestionPrompt {
  const { prompt } = play([...setup(lng), ...inputs]);
  assert.equal(prompt.kind, 'question');
  return prompt as QuestionPrompt;
}

const toQ5a: Input[] = [choose('public'), choose('no'), text('Chile'), choose('up_to_4999'), choose('yes')];
const toQ9: Input[] = [
  choose('public'),
  choose('no'),
  text('Chile'),
  choose('up_to_4999'),
  choose('no'),
  choices('libraries'),
  text('A campaign.'),
];
const toQ14: Input[] = [
  choose('public'),
  choose('no'),
  text('Chile'),
  choose('up_to_4999'),
  choose('no'),
  choices('none'),
  text('Alone.'),
  choose('none_created'),
  choose('no'),
  text('Hard.'),
];

/** The choices a Telegram message offers as buttons, read back as inputs. */
function telegramChoices(prompt: QuestionPrompt, lng = 'en'): string[] {
  const message = renderTelegram(flow, prompt, translator.translatorFor(lng));
  return (message.reply_markup?.inline_keyboard ?? [])
    .flat()
    .map((b) => ('callback_data' in b ? parseCallbackData(b.callback_data) : null))
    .map((i) => (i && 'type' in i ? (i.type === 'choose' ? i.option : i.type) : '?'));
}

/** The choices a Discord message offers (buttons and select options), with navigation. */
function discordChoices(prompt: QuestionPrompt, lng = 'en'): string[] {
  const message = renderQuestion({ flow, t: translator.translatorFor(lng) }, prompt);
  return message.components
    .flatMap((r) => r.components)
    .flatMap((c) => {
      if (c.type === ComponentType.StringSelect) return c.options.map((o) => o.value);
      const id = 'custom_id' in c ? decodeComponentId(c.custom_id) : null;
      return id?.kind === 'answer' ? [id.option ?? id.action] : [];
    });
}

test('the amount read back has Yes and Change on every channel, and nothing else but Back and skip', () => {
  const prompt = next(flow, play([...setup(), ...toQ5a]).session, text('15 000 EGP'), 1e6)
    .prompt as QuestionPrompt;
  assert.equal(prompt.step, 'confirm');
  const t = translator.translatorFor('en');
  assert.deepEqual(telegramChoices(prompt), ['yes', 'change', 'back', 'decline']);
  assert.match(renderTelegram(flow, prompt, t).text, /15,000 EGP \(Egyptian Pound\): is that right\?/);
  assert.deepEqual(discordChoices(prompt), ['yes', 'change', 'back', 'decline']);
  assert.match(
    renderTerminal(flow, prompt, t),
    /15,000 EGP \(Egyptian Pound\): is that right\?\n {2}1\) Yes, that is right\n {2}2\) Change it/,
  );
});

test('the amount question: "don\'t know" and "no budget line" are buttons; in the terminal, letters beside the typed amount', () => {
  const prompt = at(toQ5a);
  assert.deepEqual(telegramChoices(prompt), ['dont_know', 'no_budget_line', 'back', 'decline']);
  assert.deepEqual(discordChoices(prompt), ['dont_know', 'no_budget_line', 'back', 'decline']);
  const shown = renderTerminal(flow, prompt, translator.translatorFor('en'));
  assert.match(shown, / {2}a\) I don't know\n {2}b\) There is no separate advocacy budget line/);
  assert.deepEqual(parseLine('b', prompt), { type: 'choose', option: 'no_budget_line' });
  assert.deepEqual(parseLine('1500', prompt), { type: 'text', text: '1500' });
  assert.deepEqual(parseLine('b', at(toQ9)), { type: 'text', text: 'b' }, 'letters only beside an amount');
});

test('"please specify" names the option and question, offers to decline the text, and has Back but no "prefer not to answer"', () => {
  const prompt = at([choose('other')]);
  const t = translator.translatorFor('en');
  const said =
    'You chose “Other” for “What type of library or organization do you represent?”: please specify.';
  assert.deepEqual(telegramChoices(prompt), ['other_declined', 'back']);
  assert.ok(renderTelegram(flow, prompt, t).text.includes(said));
  assert.deepEqual(discordChoices(prompt), ['other_declined', 'back']);
  assert.ok(renderQuestion({ flow, t }, prompt).content.includes(said));
  const terminal = renderTerminal(flow, prompt, t);
  assert.ok(terminal.includes(said));
  assert.match(terminal, /1\) I’d rather not specify/);
  assert.match(terminal, /\/back or \/skip \(back to the choice, picks kept\)/);
});

test('q9 offers "we met no challenges" as a button beside typing, on every channel', () => {
  const prompt = at(toQ9);
  assert.equal(prompt.question, 'q9');
  assert.deepEqual(telegramChoices(prompt), ['no_challenges', 'back', 'decline']);
  assert.deepEqual(discordChoices(prompt), ['no_challenges', 'back', 'decline']);
  assert.match(
    renderTerminal(flow, prompt, translator.translatorFor('en')),
    /1\) We met no challenges\nType the number of an option, or type your answer\./,
  );
});

test('q14: not applicable is a choice per item on Telegram and Discord; the terminal asks about items left out', () => {
  const prompt = at(toQ14);
  assert.equal(prompt.question, 'q14');
  const items = ['libraries', 'government', 'business', 'nonprofit', 'associations', 'others'];
  // Telegram: a row per item with its own N/A button.
  const rows = renderTelegram(flow, prompt, translator.translatorFor('en')).reply_markup!.inline_keyboard;
  items.forEach((item, i) => {
    const row = rows[i]!.map((b) => ('callback_data' in b ? parseCallbackData(b.callback_data) : null));
    assert.deepEqual(row, [
      { type: 'choose', option: item, bound: { question: 'q14', version: prompt.version } },
      { type: 'na', item, bound: { question: 'q14', version: prompt.version } },
    ]);
  });
  // Discord: a select to rank and a select to mark not applicable, each with every item.
  const selects = renderQuestion({ flow, t: translator.translatorFor('en') }, prompt)
    .components.flatMap((r) => r.components)
    .filter((c) => c.type === ComponentType.StringSelect);
  assert.deepEqual(
    selects.map((s) => [
      decodeComponentId(s.custom_id)?.kind === 'answer' && decodeComponentId(s.custom_id),
      s.options.map((o) => o.value),
    ]),
    [
      [{ kind: 'answer', question: 'q14', version: prompt.version, action: 'rank' }, items],
      [{ kind: 'answer', question: 'q14', version: prompt.version, action: 'na' }, items],
    ],
  );
  // The terminal: items left out are asked about, never assumed not applicable.
  const rest = next(flow, play([...setup(), ...toQ14]).session, text('2,1'), 1e6).prompt as QuestionPrompt;
  assert.equal(rest.step, 'rest');
  const shown = renderTerminal(flow, rest, translator.translatorFor('en'));
  assert.match(
    shown,
    /You left out Business, Non-governmental organizations, Library associations, and Others\. Do they not apply to you\?\n {2}1\) Not applicable to me\n {2}2\) I will rank them too\n {2}3\) Leave them unranked/,
  );
});

test('the consent statement names only the commands of the channel at hand', () => {
  for (const lng of flow.languages) {
    const t = translator.translatorFor(lng);
    const c = play([choose(lng)]).prompt as QuestionPrompt;
    const telegram = renderTelegram(flow, c, t).text;
    assert.match(telegram, /\/delete_my_data/, lng);
    assert.match(telegram, /\/progress/, lng);
    assert.doesNotMatch(telegram, /\/survey|\/опрос|\/encuesta|\/sondage/, lng);
    const discord = renderQuestion({ flow, t }, c).content;
    assert.ok(discord.includes(t({ key: 'discord:commands.delete_hint' })), lng);
    assert.doesNotMatch(discord, /delete_my_data|\/progress\b/, lng);
    const terminal = renderTerminal(flow, c, t);
    assert.match(terminal, /\/delete_my_data/, lng);
    assert.doesNotMatch(terminal, /\/progress|\/survey|\/language\b/, lng);
    // Who runs the survey, whom to ask, how long data are kept: from the flow.
    for (const shown of [telegram, discord, terminal]) {
      assert.ok(shown.includes('advocacy-survey@example.org'), lng);
      assert.ok(shown.includes('36'), lng);
    }
  }
});

test('Arabic messages isolate left-to-right fragments on every channel', () => {
  const t = translator.translatorFor('ar');
  const consent = play([choose('ar')]).prompt as QuestionPrompt;
  const isolated = (s: string) => `${LRI}${s}${PDI}`;
  const telegram = renderTelegram(flow, consent, t).text;
  assert.ok(telegram.includes(isolated('/delete_my_data')), telegram);
  assert.ok(telegram.includes(isolated('advocacy-survey@example.org')));
  const discord = renderQuestion({ flow, t }, consent).content;
  assert.ok(discord.includes(isolated('/survey delete-my-data')), discord);
  const terminal = renderTerminal(flow, consent, t);
  assert.ok(terminal.includes(isolated('/delete_my_data')));
  // A number with its unit, read back before it is stored.
  const amount = next(flow, play([...setup('ar'), ...toQ5a]).session, text('١٥٬٠٠٠ ج.م.'), 1e6)
    .prompt as QuestionPrompt;
  assert.ok(renderTelegram(flow, amount, t).text.includes(isolated('15,000 EGP')));
  assert.ok(renderQuestion({ flow, t }, amount).content.includes(isolated('15,000 EGP')));
  assert.ok(renderTerminal(flow, amount, t).includes(isolated('15,000 EGP')));
  // Left-to-right languages are left as they are.
  const en = renderTelegram(
    flow,
    play([choose('en')]).prompt as QuestionPrompt,
    translator.translatorFor('en'),
  ).text;
  assert.doesNotMatch(en, /[\u2066-\u2069]/);
});

test('isolates: commands, e-mail addresses, URLs, codes and numbers with units; never twice', () => {
  const cases: [string, string][] = [
    ['استخدم /delete_my_data الآن.', `استخدم ${LRI}/delete_my_data${PDI} الآن.`],
    ['راسلنا: a.b@example.org.', `راسلنا: ${LRI}a.b@example.org${PDI}.`],
    ['الرابط https://example.org/a?b=1 هنا', `الرابط ${LRI}https://example.org/a?b=1${PDI} هنا`],
    ['المبلغ 1,500.50 USD تقريبًا', `المبلغ ${LRI}1,500.50 USD${PDI} تقريبًا`],
    ['المرتبة #2', `المرتبة ${LRI}#2${PDI}`],
    ['١٥٬٠٠٠ جنيه', '١٥٬٠٠٠ جنيه'],
  ];
  for (const [plain, expected] of cases) {
    assert.equal(isolateLeftToRight(plain, 'ar'), expected);
    assert.equal(isolateLeftToRight(expected, 'ar'), expected, 'already isolated');
    assert.equal(isolateLeftToRight(plain, 'en'), plain);
  }
});
