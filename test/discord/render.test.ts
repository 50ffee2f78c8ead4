import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ButtonStyle, ComponentType } from 'discord.js';
import { decodeComponentId } from '../../src/channels/discord/custom-id.ts';
import {
  disable,
  fit,
  renderAnswered,
  renderQuestion,
  type QuestionPrompt,
  type Row,
} from '../../src/channels/discord/render.ts';
import { next, startSession } from '../../src/engine/engine.ts';
import type { Input } from '../../src/engine/input.ts';
import { memberWithPartners, nonMemberWithoutPartners } from '../support/discord-personas.ts';
import { checkMessageBody } from '../support/discord-limits.ts';
import { flow, translator } from '../support/flow.ts';

/** Every question prompt (all types and steps) the two personas meet, straight from the engine. */
function prompts(): QuestionPrompt[] {
  const seen: QuestionPrompt[] = [];
  for (const script of [memberWithPartners('en'), nonMemberWithoutPartners('en')]) {
    let step = startSession(flow, { id: 's', locale: 'en', now: 0 });
    let now = 1;
    const inputs: Input[] = script.flatMap(([, ...actions]) => actions.map((a) => a.input));
    for (const input of [...inputs, null]) {
      if (step.prompt.kind === 'question') seen.push(step.prompt);
      if (!input) break;
      step = next(flow, step.session, input, now++);
      assert.equal(step.refusal, undefined);
    }
  }
  return seen;
}

const all = prompts();
const parts = (rows: Row[]) => rows.flatMap((r) => r.components);
const byQuestion = (id: string, stepName = '') => all.find((p) => p.question === id && p.step === stepName)!;

for (const lng of translator.languages) {
  test(`${lng}: every prompt renders within Discord's limits, with ids bound to its question and version`, () => {
    const t = translator.translatorFor(lng);
    for (const prompt of all) {
      const message = renderQuestion({ flow, t }, prompt);
      const where = `${prompt.question}/${prompt.step}`;
      assert.equal(checkMessageBody(message as never), null, where);
      assert.ok(message.content.length > 0, where);
      for (const c of parts(message.components)) {
        const id = decodeComponentId('custom_id' in c ? c.custom_id : '');
        assert.ok(id?.kind === 'answer', where);
        assert.equal(id.question, prompt.question);
        assert.equal(id.version, prompt.version);
      }
      // Every choice can be picked: by a button or as a select option.
      const offered = new Set<string>();
      for (const c of parts(message.components)) {
        if (c.type === ComponentType.StringSelect) c.options.forEach((o) => offered.add(o.value));
        const id = 'custom_id' in c ? decodeComponentId(c.custom_id) : null;
        if (id?.kind === 'answer' && id.option) offered.add(id.option);
      }
      for (const choice of prompt.choices) assert.ok(offered.has(choice.id), `${where}: ${choice.id}`);
    }
  });
}

test('yes/no and short single choice get buttons; longer lists a select; Back and "Prefer not to answer" below', () => {
  const t = translator.translatorFor('en');
  const q2 = renderQuestion({ flow, t }, byQuestion('q2'));
  assert.deepEqual(
    q2.components.map((r) => r.components.map((c) => ('label' in c ? c.label : c.type))),
    [
      ['Yes', 'No'],
      ['Back', 'Prefer not to answer'],
    ],
  );
  const q1 = renderQuestion({ flow, t }, byQuestion('q1'));
  const select = q1.components[0]!.components[0]!;
  assert.equal(select.type, ComponentType.StringSelect);
  assert.equal(select.type === ComponentType.StringSelect && select.max_values, 1);
  const language = renderQuestion(
    { flow, t: translator.translatorFor('ru') },
    {
      ...byQuestion('language'),
      choices: byQuestion('language').choices.map((c) => ({ ...c, selected: c.id === 'ru' })),
    },
  );
  const styles = parts(language.components).map((c) => ('label' in c ? [c.label, c.style] : []));
  assert.deepEqual(
    styles.find(([label]) => label === 'Русский')?.[1],
    ButtonStyle.Success,
    'the platform language is preselected',
  );
  assert.equal(language.components.length, 1, 'no Back or skip on the language step');
});

test('multiple choice is one multi-select (1 to all), "none" among its options', () => {
  const t = translator.translatorFor('en');
  const [row, nav] = renderQuestion({ flow, t }, byQuestion('q6')).components;
  const select = row!.components[0]!;
  assert.ok(select.type === ComponentType.StringSelect);
  assert.equal(select.min_values, 1);
  assert.equal(select.max_values, 7);
  assert.deepEqual(
    select.options.map((o) => o.value),
    ['libraries', 'government', 'business', 'nonprofit', 'associations', 'other', 'none'],
  );
  assert.ok(nav);
});

test('ranking: a select for the next place, one for "not applicable", Undo once something is placed', () => {
  const t = translator.translatorFor('en');
  const fresh = byQuestion('q14');
  const rows = renderQuestion({ flow, t }, fresh).components;
  assert.deepEqual(
    rows.map(
      (r) =>
        decodeComponentId((r.components[0] as { custom_id: string }).custom_id)?.kind === 'answer' &&
        (decodeComponentId((r.components[0] as { custom_id: string }).custom_id) as { action: string })
          .action,
    ),
    ['rank', 'na', 'back'],
  );
  const placed: QuestionPrompt = {
    ...fresh,
    accepts: [...fresh.accepts, 'undo'],
    draft: { order: ['libraries'], na: ['business'], history: ['libraries', 'business'] },
    choices: fresh.choices.filter((c) => c.id !== 'libraries' && c.id !== 'business'),
  };
  const message = renderQuestion({ flow, t }, placed);
  assert.match(message.content, /Ranked so far: 1\. Other libraries/);
  assert.deepEqual(
    parts(message.components.at(-1)!.components ? [message.components.at(-1)!] : []).map(
      (c) => 'label' in c && c.label,
    ),
    ['Undo', 'Back', 'Prefer not to answer'],
  );
  const rank = message.components[0]!.components[0]!;
  assert.ok(rank.type === ComponentType.StringSelect);
  assert.equal(rank.options.length, 4);
  assert.match(rank.placeholder ?? '', /#2/);
});

test('typed answers: the question says how to answer, only Back and skip as buttons', () => {
  const t = translator.translatorFor('en');
  const q8 = renderQuestion({ flow, t }, byQuestion('q8'));
  assert.deepEqual(
    parts(q8.components).map((c) => 'label' in c && c.label),
    ['Back', 'Prefer not to answer'],
  );
  assert.match(q8.content, /Type your answer/);
  const name = renderQuestion({ flow, t }, byQuestion('q17', 'name'));
  assert.match(name.content, /Type your answer as a message here\./);
});

test('the consent text names the Discord command for deleting one’s data', () => {
  const en = renderQuestion({ flow, t: translator.translatorFor('en') }, byQuestion('consent'));
  assert.match(en.content, /\/survey delete-my-data/);
  assert.doesNotMatch(en.content, /delete_my_data/);
  const ru = renderQuestion({ flow, t: translator.translatorFor('ru') }, byQuestion('consent'));
  assert.match(ru.content, /\/опрос удалить-мои-данные/);
});

test('beyond Discord’s limits: too many options are listed to type, long labels and texts are cut', () => {
  const t = translator.translatorFor('en');
  const base = byQuestion('q4');
  const many: QuestionPrompt = {
    ...base,
    choices: Array.from({ length: 30 }, (_, i) => ({
      id: `o${i}`,
      label: { key: 'common:language.option', params: { code: 'en' } },
    })),
  };
  const listed = renderQuestion({ flow, t }, many);
  assert.equal(checkMessageBody(listed as never), null);
  assert.match(listed.content, /30\. English/);
  assert.ok(
    parts(listed.components).every((c) => c.type === ComponentType.Button),
    'only Back and skip',
  );

  const longQuestion = { ...base, question: 'q'.repeat(64) };
  const fallback = renderQuestion({ flow, t }, { ...longQuestion, text: { key: 'advocacy:q4.text' } });
  assert.equal(checkMessageBody(fallback as never), null);

  assert.equal(fit('x'.repeat(2500)).length, 2000);
  assert.equal(fit('😀'.repeat(1500)).length <= 2000, true);
  assert.doesNotMatch(fit('😀'.repeat(1500)), /[\uD800-\uDBFF]…$/);
});

test('an answered question: its text, the answer, and every component disabled, the chosen one highlighted', () => {
  const t = translator.translatorFor('en');
  const q2 = byQuestion('q2');
  const answered = renderAnswered({ flow, t }, q2, 'Yes', ['yes']);
  assert.match(answered.content, /Are you a member of a library association\?\nYour answer: \*\*Yes\*\*/);
  assert.ok(parts(answered.components).every((c) => 'disabled' in c && c.disabled));
  const styles = parts(answered.components).map((c) => 'style' in c && c.style);
  assert.deepEqual(styles, [
    ButtonStyle.Success,
    ButtonStyle.Secondary,
    ButtonStyle.Secondary,
    ButtonStyle.Secondary,
  ]);
  const huge = renderAnswered({ flow, t }, byQuestion('q11'), '*'.repeat(3000));
  assert.ok(huge.content.length <= 2000);
  assert.equal(checkMessageBody(huge as never), null);
  assert.deepEqual(disable([], []), []);
});
