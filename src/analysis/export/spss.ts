import type { Labels } from '../render/labels.ts';
import { MISSING, type Variable } from './layout.ts';
import type { WideLayout } from './wide.ts';

/** An SPSS string literal: double quotes doubled, cut to a number of UTF-8 bytes. */
function literal(text: string, maxBytes: number): string {
  let cut = text.replace(/[\r\n]+/g, ' ');
  while (Buffer.byteLength(cut) > maxBytes) cut = cut.slice(0, -1);
  return `"${cut.replace(/"/g, '""')}"`;
}

function format(v: Variable): string {
  if (v.type === 'string') return `A${v.width}`;
  return v.decimals ? `F${v.width}.${v.decimals}` : `F${v.width}.0`;
}

/**
 * SPSS syntax that reads the wide CSV (`GET DATA`), names every variable, labels it and its
 * values in the chosen language, and declares the missing codes. PSPP runs it as SPSS does.
 */
export function writeSps(layout: WideLayout, labels: Labels, csvFile: string): string {
  const vars = layout.variables;
  const lines: string[] = [
    `* ${labels.t('title', { flow: layout.flow.id })}: flow ${layout.flow.id} v${layout.flow.version}.`,
    `* ${labels.t('export.note_text')}`,
    `* Missing codes: ${Object.entries(MISSING)
      .map(([name, code]) => `${code} ${labels.t(`export.missing.${name}`)}`)
      .join('; ')}.`,
    '',
    'GET DATA',
    '  /TYPE=TXT',
    `  /FILE=${literal(csvFile, 1000)}`,
    "  /ENCODING='UTF-8'",
    '  /ARRANGEMENT=DELIMITED',
    '  /DELCASE=LINE',
    '  /FIRSTCASE=2',
    '  /DELIMITERS=","',
    `  /QUALIFIER='"'`,
    '  /VARIABLES=',
    ...vars.map((v) => `    ${v.name} ${format(v)}`),
    '.',
    '',
    'VARIABLE LABELS',
    vars.map((v, i) => `  ${i ? '/' : ''}${v.name} ${literal(labels.text(v.label(labels)), 250)}`).join('\n'),
    '.',
    '',
  ];
  const valued = vars.filter((v) => v.type === 'numeric' && v.values);
  if (valued.length) {
    lines.push('VALUE LABELS');
    valued.forEach((v, i) => {
      const values = v.values!(labels)
        .map((x) => `${x.value} ${literal(labels.text(x.label), 120)}`)
        .join(' ');
      lines.push(`  ${i ? '/' : ''}${v.name} ${values}`);
    });
    lines.push('.', '');
  }
  const numericMissing = vars.filter((v) => v.type === 'numeric' && v.missing.length).map((v) => v.name);
  if (numericMissing.length) lines.push(`MISSING VALUES ${numericMissing.join(' ')} (LOWEST THRU -1).`);
  // Short text variables (a country code) take the state codes as missing; long ones cannot in SPSS.
  const shortMissing = vars
    .filter((v) => v.type === 'string' && v.width <= 8 && v.missing.length)
    .map((v) => v.name);
  if (shortMissing.length) {
    const codes = [MISSING.declined, MISSING.not_applicable, MISSING.not_reached]
      .map((c) => `'${c}'`)
      .join(', ');
    lines.push(`MISSING VALUES ${shortMissing.join(' ')} (${codes}).`);
  }
  lines.push('EXECUTE.', '');
  return lines.join('\n');
}
