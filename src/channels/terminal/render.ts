import type { Flow } from '../../engine/flow.ts';
import type { Prompt } from '../../engine/prompt.ts';
import type { Translate } from '../../i18n/translator.ts';
import { nothingErased, type Erased } from '../../privacy/personal-data.ts';
import { erasedItems } from '../../privacy/render.ts';
import { questionLines } from '../summary.ts';
import { letteredChoices } from './parse.ts';

/** A prompt as terminal text: the question, numbered choices and how to answer. */
export function renderPrompt(flow: Flow, prompt: Prompt, t: Translate): string {
  if (prompt.kind !== 'question') return '';
  const lines = questionLines(flow, prompt, t);
  const lettered = letteredChoices(prompt);
  prompt.choices.forEach((choice, i) => {
    const mark = prompt.multiple ? (choice.selected ? '[x] ' : '[ ] ') : choice.selected ? '* ' : '';
    const index = lettered ? String.fromCharCode(97 + i) : String(i + 1);
    lines.push(`  ${index}) ${mark}${t(choice.label)}`);
  });
  if (prompt.type === 'ranking' && prompt.step === '') {
    lines.push(
      t({ key: prompt.accepts.includes('na') ? 'terminal:hint.ranking_na' : 'terminal:hint.ranking' }),
    );
  } else if (prompt.multiple) lines.push(t({ key: 'terminal:hint.multi' }));
  else if (prompt.choices.length > 0) {
    // Where the choices stand beside a typed answer (an amount, a country, "please specify"...).
    const typed =
      prompt.step === 'other' ||
      (['amount', 'text', 'language', 'country'].includes(prompt.type) && prompt.step !== 'confirm');
    const hint = lettered
      ? 'terminal:hint.letter_or_type'
      : typed
        ? 'terminal:hint.choose_or_type'
        : 'terminal:hint.choose';
    lines.push(t({ key: hint }));
  }
  if (prompt.type === 'consent') lines.push(t({ key: 'terminal:consent.commands' }));
  lines.push(t({ key: commandsHint(prompt) }));
  return lines.join('\n');
}

/** The commands that work here: set-up steps cannot be skipped, and /skip at "please specify" goes back. */
function commandsHint(prompt: Extract<Prompt, { kind: 'question' }>): string {
  if (prompt.declinable) return 'terminal:hint.commands';
  return prompt.progress ? 'terminal:hint.commands_specify' : 'terminal:hint.commands_setup';
}

/** What /delete_my_data erased, item by item. */
export function renderErased(result: Erased, t: Translate): string {
  if (nothingErased(result)) return t({ key: 'terminal:delete.nothing' });
  const lines = [t({ key: 'terminal:delete.done' })];
  if (result.session) lines.push(`  - ${t({ key: 'terminal:delete.session' })}`);
  if (result.responses > 0)
    lines.push(`  - ${t({ key: 'terminal:delete.responses', params: { count: result.responses } })}`);
  if (result.contacts > 0)
    lines.push(`  - ${t({ key: 'terminal:delete.contacts', params: { count: result.contacts } })}`);
  for (const item of erasedItems(result, t)) lines.push(`  - ${item}`);
  return lines.join('\n');
}
