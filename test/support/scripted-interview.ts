import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * A whole interview as typed lines (a Russian non-member without partners), the golden
 * transcript's input: tests that need "some complete response" play it, so they follow the
 * questionnaire when it changes.
 */
export const SCRIPTED_INTERVIEW: readonly string[] = readFileSync(
  join(import.meta.dirname, '..', 'golden', 'ru-nonmember-no-partners.input'),
  'utf8',
)
  .trimEnd()
  .split('\n');
