import type { Labels } from '../render/labels.ts';
import { MISSING } from './layout.ts';
import type { WideLayout } from './wide.ts';

/** An R string literal (double-quoted, escaped). */
function r(text: string): string {
  return `"${text.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n').replace(/\r/g, '\\r')}"`;
}

/**
 * An R script that reads the wide CSV with the right column types, keeps the raw codes in
 * `raw`, and builds `data`: coded variables as factors with their levels and labels in the
 * chosen language, missing codes as NA, texts with their line breaks back, variable labels as
 * the "label" attribute (as haven and labelled read them).
 */
export function writeRScript(layout: WideLayout, labels: Labels, csvFile: string): string {
  const vars = layout.variables;
  const colClasses = vars.map((v) => `${v.name} = ${r(v.type === 'string' ? 'character' : 'numeric')}`);
  const lines: string[] = [
    `# ${labels.t('title', { flow: layout.flow.id })}: flow ${layout.flow.id} v${layout.flow.version}.`,
    `# ${labels.t('export.note_text')}`,
    `# Missing codes: ${Object.entries(MISSING)
      .map(([name, code]) => `${code} ${labels.t(`export.missing.${name}`)}`)
      .join('; ')}.`,
    '',
    `csv_file <- if (length(commandArgs(trailingOnly = TRUE)) > 0) commandArgs(trailingOnly = TRUE)[1] else ${r(csvFile)}`,
    'raw <- read.csv(csv_file, encoding = "UTF-8", fileEncoding = "UTF-8", na.strings = "",',
    '  stringsAsFactors = FALSE, check.names = FALSE, colClasses = c(',
    colClasses.map((c) => `    ${c}`).join(',\n'),
    '  ))',
    'data <- raw',
    '',
    // Texts as the bot stored them: the leading apostrophe and the \n, \r and \\ escapes undone.
    String.raw`unescape <- function(x) {`,
    String.raw`  x <- sub("^'", "", x)`,
    String.raw`  x <- gsub("\\\\", "\001", x, fixed = TRUE)`,
    String.raw`  x <- gsub("\\n", "\n", x, fixed = TRUE)`,
    String.raw`  x <- gsub("\\r", "\r", x, fixed = TRUE)`,
    String.raw`  gsub("\001", "\\", x, fixed = TRUE)`,
    '}',
    'missing_text <- c("-1", "-2", "-3")',
    '',
  ];
  for (const v of vars) {
    const name = `data[[${r(v.name)}]]`;
    if (v.type === 'string') {
      if (v.missing.length) lines.push(`${name}[${name} %in% missing_text] <- NA`);
      if (v.width > 8) lines.push(`${name} <- unescape(${name})`);
    } else if (v.missing.length) {
      lines.push(`${name}[!is.na(${name}) & ${name} < 0] <- NA`);
    }
    const values = v.values?.(labels).filter((x) => x.value >= 0) ?? [];
    if (v.type === 'numeric' && values.length) {
      lines.push(
        `${name} <- factor(${name}, levels = c(${values.map((x) => x.value).join(', ')}), labels = c(${values
          .map((x) => r(labels.text(x.label)))
          .join(', ')}))`,
      );
    }
    lines.push(`attr(${name}, "label") <- ${r(labels.text(v.label(labels)))}`);
  }
  lines.push('');
  return lines.join('\n');
}
