import { escapeHtml } from '../../safe-text.ts';
import type { Report } from '../model.ts';
import type { TextEntry, TextListing } from '../texts.ts';
import { layOut, type Block, type Cell } from './document.ts';
import type { Labels } from './labels.ts';

/** Where a report is written, piece by piece: a file, a response, a string being built. */
export type Sink = (chunk: string) => void | Promise<void>;

/**
 * The report's own style, for the standalone page and for a dashboard page that mounts the body
 * (everything is scoped under `.survey-report`). No external fonts, scripts or images: the page
 * opens offline.
 */
export const REPORT_CSS = `
.survey-report{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans","Noto Sans Arabic",sans-serif;color:#1b1f24;max-width:72rem;margin:0 auto;padding:1rem}
.survey-report h1{font-size:1.6rem;margin:.2rem 0}
.survey-report h2{font-size:1.3rem;margin:2rem 0 .6rem;border-bottom:2px solid #d0d7de}
.survey-report h3{font-size:1.05rem;margin:1.6rem 0 .4rem}
.survey-report .sub{color:#57606a;margin:.1rem 0}
.survey-report table{border-collapse:collapse;margin:.4rem 0 .8rem;font-variant-numeric:tabular-nums;display:block;max-width:100%;overflow-x:auto}
.survey-report caption{text-align:start;font-weight:600;padding:.2rem 0}
.survey-report th,.survey-report td{border:1px solid #d0d7de;padding:.2rem .5rem;text-align:start;vertical-align:top}
.survey-report th{background:#f6f8fa;font-weight:600}
.survey-report td.num,.survey-report th.num{text-align:end;white-space:nowrap}
.survey-report .note{color:#57606a;font-size:.92em;margin:.2rem 0}
.survey-report .warning{color:#9a6700;background:#fff8c5;padding:.2rem .4rem;margin:.3rem 0}
.survey-report svg.bar{margin-inline-start:.4rem;vertical-align:middle}
.survey-report svg.bar rect.track{fill:#eaeef2}
.survey-report svg.bar rect.value{fill:#2f81f7}
.survey-report[dir=rtl] svg.bar{transform:scaleX(-1)}
.survey-report details{margin:.3rem 0 .8rem}
.survey-report summary{cursor:pointer;font-weight:600}
.survey-report td.text{white-space:pre-wrap;max-width:48rem}
`;

function bar(share: number): string {
  const width = Math.max(0, Math.min(100, Math.round(share * 100)));
  return `<svg class="bar" width="100" height="10" viewBox="0 0 100 10" aria-hidden="true"><rect class="track" width="100" height="10"/><rect class="value" width="${width}" height="10"/></svg>`;
}

function td(c: Cell, numeric: boolean): string {
  const text = c.user ? `<bdi>${escapeHtml(c.text)}</bdi>` : escapeHtml(c.text);
  return `<td${numeric ? ' class="num"' : ''}>${text}${c.bar !== undefined ? bar(c.bar) : ''}</td>`;
}

async function block(b: Block, labels: Labels, texts: TextListing | null, write: Sink): Promise<void> {
  switch (b.kind) {
    case 'heading':
      await write(
        `<h${b.level}${b.id ? ` id="${escapeHtml(b.id)}"` : ''}>${escapeHtml(b.text)}</h${b.level}>\n`,
      );
      return;
    case 'paragraph':
      await write(
        `<p${b.warning ? ' class="warning"' : b.note ? ' class="note"' : ''}>${escapeHtml(b.text)}</p>\n`,
      );
      return;
    case 'table': {
      const head = b.head
        .map((h, i) => `<th${b.numeric[i] ? ' class="num"' : ''}>${escapeHtml(h)}</th>`)
        .join('');
      const rows = b.rows
        .map((r) => `<tr>${r.map((c, i) => td(c, b.numeric[i] ?? false)).join('')}</tr>`)
        .join('\n');
      await write(
        `<table>${b.caption ? `<caption>${escapeHtml(b.caption)}</caption>` : ''}<thead><tr>${head}</tr></thead><tbody>\n${rows}\n</tbody></table>\n`,
      );
      return;
    }
    case 'texts': {
      if (!texts) return;
      await write(
        `<details><summary>${escapeHtml(b.title)} (${labels.number(b.count)})</summary><table><thead><tr>`,
      );
      await write(
        [
          labels.t('column.response'),
          labels.t('column.language'),
          ...(b.groups ? [labels.t('column.group')] : []),
          labels.t('column.text'),
          ...(b.codes ? [labels.t('codes.title')] : []),
        ]
          .map((h) => `<th>${escapeHtml(h)}</th>`)
          .join('') + '</tr></thead><tbody>\n',
      );
      // Rows go out in pieces of about 64 KB: a listing can hold hundreds of thousands of texts.
      let piece = '';
      for await (const entry of texts.read(b.list)) {
        piece += textRow(entry, b, labels);
        if (piece.length > 65_536) {
          await write(piece);
          piece = '';
        }
      }
      if (piece) await write(piece);
      await write('</tbody></table></details>\n');
      return;
    }
  }
}

function textRow(entry: TextEntry, b: Extract<Block, { kind: 'texts' }>, labels: Labels): string {
  const codes =
    entry.codes === 'disputed'
      ? labels.t('codes.disputed')
      : (entry.codes ?? []).map((c) => labels.code(b.question, c)).join(', ');
  const links = entry.links?.length ? `\n${entry.links.join('\n')}` : '';
  const cells = [
    `<td>${escapeHtml(entry.id)}</td>`,
    `<td>${escapeHtml(labels.language(entry.locale))}</td>`,
    ...(b.groups
      ? [`<td>${escapeHtml((entry.groups ?? []).map((g) => labels.group(b.groups!, g)).join(', '))}</td>`]
      : []),
    `<td class="text" lang="${escapeHtml(entry.locale)}"><bdi>${escapeHtml(labels.text(entry.text) + links)}</bdi></td>`,
    ...(b.codes ? [`<td>${escapeHtml(codes)}</td>`] : []),
  ];
  return `<tr>${cells.join('')}</tr>\n`;
}

/**
 * The report's body, for a page that mounts it (the dashboard's Reports page) or the standalone
 * document below: scoped under `.survey-report`, right to left for Arabic.
 */
export async function renderHtmlBody(
  report: Report,
  labels: Labels,
  texts: TextListing | null,
  write: Sink,
  generatedAt?: Date,
): Promise<void> {
  const layout = layOut(report, labels, (list) => texts?.count(list) ?? 0);
  await write(
    `<div class="survey-report" dir="${labels.rtl ? 'rtl' : 'ltr'}" lang="${escapeHtml(labels.lng)}">\n`,
  );
  await write(`<h1>${escapeHtml(layout.title)}</h1>\n`);
  for (const line of layout.subtitle) await write(`<p class="sub">${escapeHtml(line)}</p>\n`);
  if (generatedAt) {
    const date = new Intl.DateTimeFormat(labels.lng, {
      dateStyle: 'long',
      timeStyle: 'short',
      timeZone: 'UTC',
    });
    await write(
      `<p class="sub">${escapeHtml(labels.t('generated', { date: `${date.format(generatedAt)} UTC` }))}</p>\n`,
    );
  }
  for (const b of layout.blocks) await block(b, labels, texts, write);
  await write('</div>\n');
}

/** A self-contained HTML document: inline style and inline SVG charts, nothing fetched. */
export async function renderHtml(
  report: Report,
  labels: Labels,
  texts: TextListing | null,
  write: Sink,
  generatedAt?: Date,
): Promise<void> {
  const title = escapeHtml(labels.t('title', { flow: report.flow.id }));
  await write(
    `<!doctype html>\n<html lang="${escapeHtml(labels.lng)}" dir="${labels.rtl ? 'rtl' : 'ltr'}">\n<head>\n<meta charset="utf-8">\n` +
      `<meta name="viewport" content="width=device-width, initial-scale=1">\n<title>${title}</title>\n<style>${REPORT_CSS}</style>\n</head>\n<body>\n`,
  );
  await renderHtmlBody(report, labels, texts, write, generatedAt);
  await write('</body>\n</html>\n');
}
