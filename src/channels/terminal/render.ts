import type { Flow } from '../../engine/flow.ts';
import type { Prompt } from '../../engine/prompt.ts';
import type { Translate } from '../../i18n/translator.ts';
import { questionLines } from '../summary.ts';

/** A prompt as terminal text: the question, numbered choices and how to answer. */
export function renderPrompt(flow: Flow, prompt: Prompt, t: Translate): string {
  if (prompt.kind !== 'question') return '';
  const lines = questionLines(flow, prompt, t);
  prompt.choices.forEach((choice, i) => {
    const mark = prompt.multiple ? (choice.selected ? '[x] ' : '[ ] ') : choice.selected ? '* ' : '';
    lines.push(`  ${i + 1}) ${mark}${t(choice.label)}`);
  });
  if (prompt.type === 'ranking') {
    lines.push(
      t({ key: prompt.accepts.includes('na') ? 'terminal:hint.ranking_na' : 'terminal:hint.ranking' }),
    );
  } else if (prompt.multiple) lines.push(t({ key: 'terminal:hint.multi' }));
  else if (prompt.choices.length > 0) {
    const typed = prompt.type === 'amount' || prompt.type === 'country' || prompt.type === 'language';
    lines.push(t({ key: typed ? 'terminal:hint.choose_or_type' : 'terminal:hint.choose' }));
  }
  lines.push(t({ key: prompt.declinable ? 'terminal:hint.commands' : 'terminal:hint.commands_setup' }));
  return lines.join('\n');
}
