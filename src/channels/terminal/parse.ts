import type { Input } from '../../engine/input.ts';
import type { Prompt } from '../../engine/prompt.ts';

export type TerminalCommand =
  { command: 'quit' } | { command: 'help' } | { command: 'delete' } | { command: 'my_data' };

/**
 * Where a typed number is an answer in itself (an amount), the choices beside it are lettered
 * ("a) I don't know") and a typed letter picks one.
 */
export function letteredChoices(prompt: Prompt | null | undefined): boolean {
  return prompt?.kind === 'question' && prompt.type === 'amount' && prompt.step === '';
}

/**
 * Reads one typed line: a command (/back, /skip, /lang ru, /undo, /help, /delete_my_data, /quit)
 * or an answer. Answers stay text; the engine reads choice numbers ("2", "1,3,5", "3,1,2")
 * itself. A letter picks a lettered choice of the prompt shown.
 */
export function parseLine(line: string, shown?: Prompt | null): Input | TerminalCommand {
  if (letteredChoices(shown) && shown?.kind === 'question') {
    const letter = /^\s*([a-z])\s*\)?\s*$/i.exec(line)?.[1]?.toLowerCase();
    const choice = letter ? shown.choices[letter.charCodeAt(0) - 97] : undefined;
    if (choice) return { type: 'choose', option: choice.id };
  }
  const match = /^\/(\w+)(?:\s+(\S+))?\s*$/.exec(line.trim());
  switch (match?.[1]?.toLowerCase()) {
    case 'back':
      return { type: 'back' };
    case 'skip':
      return { type: 'decline' };
    case 'undo':
      return { type: 'undo' };
    case 'lang':
    case 'language':
      return { type: 'language', locale: (match?.[2] ?? '').toLowerCase() };
    case 'quit':
    case 'exit':
      return { command: 'quit' };
    case 'help':
      return { command: 'help' };
    case 'delete_my_data':
      return { command: 'delete' };
    case 'my_data':
      return { command: 'my_data' };
    default:
      return { type: 'text', text: line };
  }
}
