import type { Report } from '../model.ts';
import { answersList, othersList, type TextListing } from '../texts.ts';
import type { Sink } from './html.ts';

/**
 * The report as JSON: the tables by key (labels are the reader's business), and the texts of each
 * list written one by one, so a report with a million texts is never one string in memory.
 */
export async function renderJson(
  report: Report,
  texts: TextListing | null,
  write: Sink,
  generatedAt?: Date,
): Promise<void> {
  const head = { ...(generatedAt ? { generatedAt: generatedAt.toISOString() } : {}), ...report };
  await write(JSON.stringify(head, null, 1).replace(/\n\}$/, ',\n "texts": {'));
  let firstList = true;
  if (texts) {
    for (const q of report.questions) {
      for (const list of [othersList(q.question), answersList(q.question)]) {
        if (texts.count(list) === 0) continue;
        await write(`${firstList ? '' : ','}\n  ${JSON.stringify(list)}: [`);
        firstList = false;
        let first = true;
        for await (const entry of texts.read(list)) {
          await write(`${first ? '' : ','}\n   ${JSON.stringify(entry)}`);
          first = false;
        }
        await write('\n  ]');
      }
    }
  }
  await write(`${firstList ? '' : '\n '}}\n}\n`);
}
