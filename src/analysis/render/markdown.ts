import type { Report } from '../model.ts';
import type { TextListing } from '../texts.ts';
import { layOut, type Block } from './document.ts';
import type { Sink } from './html.ts';
import type { Labels } from './labels.ts';

/** A cell's text made safe for a pipe table: no pipes, no line breaks, no HTML. */
function md(text: string): string {
  return text
    .replace(/\\/g, '\\\\')
    .replace(/\|/g, '\\|')
    .replace(/[<>]/g, (c) => (c === '<' ? '&lt;' : '&gt;'))
    .replace(/\r?\n/g, ' ');
}

async function block(b: Block, labels: Labels, texts: TextListing | null, write: Sink): Promise<void> {
  switch (b.kind) {
    case 'heading':
      await write(`${'#'.repeat(b.level)} ${md(b.text)}\n\n`);
      return;
    case 'paragraph':
      await write(
        `${b.warning ? '> **!** ' : b.note ? '_' : ''}${md(b.text)}${b.note && !b.warning ? '_' : ''}\n\n`,
      );
      return;
    case 'table': {
      if (b.caption) await write(`**${md(b.caption)}**\n\n`);
      const head = `| ${b.head.map((h) => md(h) || ' ').join(' | ')} |\n`;
      const rule = `|${b.numeric.map((n) => (n ? ' ---: ' : ' --- ')).join('|')}|\n`;
      const rows = b.rows.map((r) => `| ${r.map((c) => md(c.text)).join(' | ')} |\n`).join('');
      await write(head + rule + rows + '\n');
      return;
    }
    case 'texts': {
      if (!texts) return;
      await write(`**${md(b.title)}** (${labels.number(b.count)})\n\n`);
      for await (const e of texts.read(b.list)) {
        const codes =
          b.codes && e.codes
            ? ` [${e.codes === 'disputed' ? labels.t('codes.disputed') : e.codes.map((c) => labels.code(b.question, c)).join(', ')}]`
            : '';
        const groups =
          b.groups && e.groups ? ` {${e.groups.map((g) => labels.group(b.groups!, g)).join(', ')}}` : '';
        const links = e.links?.length ? ` (${e.links.join(' ')})` : '';
        await write(`- \`${e.id}\` (${e.locale})${groups} ${md(labels.text(e.text))}${links}${codes}\n`);
      }
      await write('\n');
      return;
    }
  }
}

/** The same tables as Markdown pipe tables, texts as lists. */
export async function renderMarkdown(
  report: Report,
  labels: Labels,
  texts: TextListing | null,
  write: Sink,
  generatedAt?: Date,
): Promise<void> {
  const layout = layOut(report, labels, (list) => texts?.count(list) ?? 0);
  await write(`# ${md(layout.title)}\n\n`);
  for (const line of layout.subtitle) await write(`${md(line)}  \n`);
  if (generatedAt) await write(`${md(labels.t('generated', { date: generatedAt.toISOString() }))}\n`);
  await write('\n');
  for (const b of layout.blocks) await block(b, labels, texts, write);
}
