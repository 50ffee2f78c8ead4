import { amount } from './amount.ts';
import { consent, language, single, yesno } from './choice.ts';
import { contact } from './contact.ts';
import { country } from './country.ts';
import { date } from './date.ts';
import type { HandlerMap } from './handler.ts';
import { multi } from './multi.ts';
import { acknowledge, note } from './note.ts';
import { decimal, integer } from './number.ts';
import { ranking } from './ranking.ts';
import { text } from './text.ts';

/** One handler per question type; the engine dispatches on `question.type`. */
export const handlers: HandlerMap = {
  language,
  consent,
  yesno,
  single,
  multi,
  ranking,
  text,
  amount,
  country,
  contact,
  integer,
  decimal,
  date,
  note,
  acknowledge,
};
