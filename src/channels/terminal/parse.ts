import type { Input } from '../../engine/input.ts';

export type TerminalCommand = { command: 'quit' } | { command: 'help' };

/**
 * Reads one typed line: a command (/back, /skip, /lang ru, /undo, /help, /quit) or an answer.
 * Answers stay text; the engine reads choice numbers ("2", "1,3,5", "3,1,2") itself.
 */
export function parseLine(line: string): Input | TerminalCommand {
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
    default:
      return { type: 'text', text: line };
  }
}
