import type {
  AmountTable,
  Base,
  ChoiceTable,
  Count,
  CountryTable,
  CrossTab,
  DimensionInfo,
  MultiTable,
  QuestionTable,
  RankingTable,
  Report,
  Split,
  TextTable,
} from '../model.ts';
import { answersList, othersList } from '../texts.ts';
import type { Labels } from './labels.ts';

/**
 * The report laid out once, in labelled blocks, for the HTML and Markdown writers alike: what
 * each table shows is decided here, how it looks there.
 */
export interface Cell {
  text: string;
  /** Share of the widest bar (0..1): drawn as a bar in HTML, left out in Markdown. */
  bar?: number;
  /** A respondent's own text: shown isolated in its own direction. */
  user?: boolean;
}

export type Block =
  | { kind: 'heading'; level: 2 | 3; text: string; id?: string }
  | { kind: 'paragraph'; text: string; note?: boolean; warning?: boolean }
  | { kind: 'table'; caption?: string; head: string[]; rows: Cell[][]; numeric: boolean[] }
  /** A list of texts read from the report's text listing when written. */
  | {
      kind: 'texts';
      title: string;
      list: string;
      question: string;
      count: number;
      codes: boolean;
      /** The split's dimension, when texts show their respondent's group. */
      groups?: DimensionInfo;
    };

export interface Layout {
  title: string;
  subtitle: string[];
  blocks: Block[];
}

const cell = (text: string, extra: Omit<Cell, 'text'> = {}): Cell => ({ text, ...extra });

export function layOut(report: Report, labels: Labels, textCounts: (list: string) => number): Layout {
  const L = labels;
  const blocks: Block[] = [];
  const filters = [
    ...(report.filters.campaign ? [L.t('campaign_filter', { campaign: report.filters.campaign })] : []),
    ...report.filters.where,
  ];
  const subtitle = [
    L.t('flow', { flow: report.flow.id, version: report.flow.version }),
    L.t('filters', { filters: filters.length ? filters.join('; ') : L.t('no_filters') }),
  ];

  blocks.push({
    kind: 'table',
    head: ['', L.t('column.count')],
    numeric: [false, true],
    rows: [
      [cell(L.t('summary.respondents')), cell(L.number(report.respondents))],
      [cell(L.t('summary.complete')), cell(L.number(report.complete))],
      [cell(L.t('summary.partial')), cell(L.number(report.partial))],
      [cell(L.t('summary.records')), cell(L.number(report.records))],
      [cell(L.t('summary.superseded')), cell(L.number(report.superseded))],
    ],
  });
  const countTable = (
    caption: string,
    counts: Count[],
    label: (key: string) => string,
    base = report.respondents,
  ): Block => ({
    kind: 'table',
    caption,
    head: ['', L.t('column.count'), L.t('column.percent')],
    numeric: [false, true, true],
    rows: counts.map((c) => [
      cell(label(c.key)),
      cell(L.number(c.count)),
      cell(L.percent(c.count, base), { bar: base ? c.count / base : 0 }),
    ]),
  });
  blocks.push(countTable(L.t('summary.languages'), report.languages, (k) => L.language(k)));
  blocks.push(countTable(L.t('summary.channels'), report.channels, (k) => k));
  if (report.versions.length > 1)
    blocks.push(countTable(L.t('summary.versions'), report.versions, (k) => `v${k}`));
  if (report.stoppedAt.length) {
    blocks.push(
      countTable(L.t('summary.stopped'), report.stoppedAt, (k) => `${k}. ${L.question(k)}`, report.partial),
    );
  }

  blocks.push({ kind: 'heading', level: 2, text: L.t('questions') });
  report.questions.forEach((table, i) => {
    blocks.push({
      kind: 'heading',
      level: 3,
      text: `${table.question}. ${L.question(table.question)}`,
      id: table.question,
    });
    blocks.push(...baseBlocks(table, L));
    blocks.push(...tableBlocks(table, L));
    if (report.split?.groups.length) blocks.push(splitBlock(report.split, i, L));
    const texts = textsOf(table, L, textCounts, report.split?.dimension);
    blocks.push(...texts);
  });

  if (report.crosstabs.length) {
    blocks.push({ kind: 'heading', level: 2, text: L.t('crosstabs') });
    for (const cross of report.crosstabs) blocks.push(...crossBlocks(cross, L));
  }
  return { title: L.t('title', { flow: report.flow.id }), subtitle, blocks };
}

function baseBlocks(t: Base, L: Labels): Block[] {
  const blocks: Block[] = [
    {
      kind: 'table',
      head: [
        L.t('base.respondents'),
        L.t('base.answered'),
        L.t('base.declined'),
        L.t('base.not_applicable'),
        L.t('base.not_reached'),
        L.t('base.median_time'),
      ],
      numeric: [true, true, true, true, true, true],
      rows: [
        [
          cell(L.number(t.respondents)),
          cell(L.number(t.answered)),
          cell(L.number(t.declined)),
          cell(L.number(t.notApplicable)),
          cell(L.number(t.notReached)),
          cell(L.duration(t.time.medianMs)),
        ],
      ],
    },
  ];
  if (t.auto)
    blocks.push({ kind: 'paragraph', note: true, text: L.t('base.auto', { count: L.number(t.auto) }) });
  if (t.unreadable) {
    blocks.push({
      kind: 'paragraph',
      warning: true,
      text: L.t('base.unreadable', { count: L.number(t.unreadable) }),
    });
  }
  return blocks;
}

function keyLabel(L: Labels, question: string, c: Count): string {
  return L.option(question, c.key) + (c.unknown ? ` (${L.t('unknown_key')})` : '');
}

/** Rows of count, percentage and bar over a base. */
function countRows(counts: Count[], base: number, label: (c: Count) => string, L: Labels): Cell[][] {
  return counts.map((c) => [
    cell(label(c)),
    cell(L.number(c.count)),
    cell(L.percent(c.count, base), { bar: base ? c.count / base : 0 }),
  ]);
}

function tableBlocks(table: QuestionTable, L: Labels): Block[] {
  switch (table.kind) {
    case 'choice':
      return choiceBlocks(table, L);
    case 'multi':
      return multiBlocks(table, L);
    case 'ranking':
      return rankingBlocks(table, L);
    case 'amount':
      return amountBlocks(table, L);
    case 'country':
      return countryBlocks(table, L);
    case 'text':
      return textBlocks(table, L);
  }
}

const head3 = (L: Labels, first: string) => [first, L.t('column.count'), L.t('column.percent')];

function choiceBlocks(t: ChoiceTable, L: Labels): Block[] {
  const blocks: Block[] = [
    { kind: 'paragraph', note: true, text: L.t('denominator.answered', { count: L.number(t.answered) }) },
    {
      kind: 'table',
      head: head3(L, L.t('column.answer')),
      numeric: [false, true, true],
      rows: countRows(t.rows, t.answered, (c) => keyLabel(L, t.question, c), L),
    },
  ];
  if (t.otherDeclined) {
    blocks.push({
      kind: 'paragraph',
      note: true,
      text: L.t('other_declined', { count: L.number(t.otherDeclined) }),
    });
  }
  return blocks;
}

function multiBlocks(t: MultiTable, L: Labels): Block[] {
  const rows = countRows(t.rows, t.answered, (c) => keyLabel(L, t.question, c), L);
  if (t.exclusive.length) {
    rows.push(
      ...countRows(t.exclusive, t.answered, (c) => `${keyLabel(L, t.question, c)} (${L.t('exclusive')})`, L),
    );
  }
  const blocks: Block[] = [
    {
      kind: 'paragraph',
      note: true,
      text: `${L.t('denominator.answered', { count: L.number(t.answered) })} ${L.t('denominator.mentions', {
        count: L.number(t.mentions),
      })}`,
    },
    { kind: 'table', head: head3(L, L.t('column.answer')), numeric: [false, true, true], rows },
  ];
  if (t.otherDeclined) {
    blocks.push({
      kind: 'paragraph',
      note: true,
      text: L.t('other_declined', { count: L.number(t.otherDeclined) }),
    });
  }
  return blocks;
}

function rankingBlocks(t: RankingTable, L: Labels): Block[] {
  const maxFirst = Math.max(1, ...t.rows.map((r) => r.first));
  const anyNotOffered = t.rows.some((r) => r.notOffered > 0);
  const head = [
    L.t('column.item'),
    ...Array.from({ length: t.positions }, (_, i) => L.t('column.rank', { rank: i + 1 })),
    L.t('column.na'),
    ...(anyNotOffered ? [L.t('column.not_offered')] : []),
    L.t('column.mean_rank'),
    L.t('column.n'),
    L.t('column.first'),
  ];
  const rows = t.rows.map((r) => [
    cell(keyLabel(L, t.question, { key: r.key, count: 0, ...(r.unknown ? { unknown: true as const } : {}) })),
    ...r.ranks.map((n) => cell(L.number(n))),
    cell(L.number(r.na)),
    ...(anyNotOffered ? [cell(L.number(r.notOffered))] : []),
    cell(r.mean === null ? '–' : L.fixed(r.mean)),
    cell(L.number(r.n)),
    cell(L.number(r.first), { bar: r.first / maxFirst }),
  ]);
  const blocks: Block[] = [
    { kind: 'paragraph', note: true, text: L.t('denominator.rankings') },
    { kind: 'table', head, numeric: head.map((_, i) => i > 0), rows },
  ];
  if (t.otherDeclined) {
    blocks.push({
      kind: 'paragraph',
      note: true,
      text: L.t('other_declined', { count: L.number(t.otherDeclined) }),
    });
  }
  return blocks;
}

function amountBlocks(t: AmountTable, L: Labels): Block[] {
  const blocks: Block[] = [{ kind: 'paragraph', note: true, text: L.t('amount.note') }];
  if (t.currencies.length) {
    blocks.push({
      kind: 'table',
      head: [
        L.t('column.currency'),
        L.t('column.n'),
        L.t('column.min'),
        L.t('column.q1'),
        L.t('column.median'),
        L.t('column.q3'),
        L.t('column.max'),
      ],
      numeric: [false, true, true, true, true, true, true],
      rows: t.currencies.map((c) => [
        cell(c.currency),
        cell(L.number(c.n)),
        ...[c.min, c.q1, c.median, c.q3, c.max].map((v) => cell(L.number(v))),
      ]),
    });
  }
  blocks.push({
    kind: 'table',
    caption: L.t('amount.flags'),
    head: head3(L, L.t('column.answer')),
    numeric: [false, true, true],
    rows: countRows(t.flags, t.answered, (c) => keyLabel(L, t.question, c), L),
  });
  return blocks;
}

function countryBlocks(t: CountryTable, L: Labels): Block[] {
  return [
    { kind: 'paragraph', note: true, text: L.t('denominator.answered', { count: L.number(t.answered) }) },
    {
      kind: 'table',
      head: head3(L, L.t('column.region')),
      numeric: [false, true, true],
      rows: countRows(t.regions, t.answered, (c) => L.region(c.key), L),
    },
    {
      kind: 'table',
      head: head3(L, L.t('column.subregion')),
      numeric: [false, true, true],
      rows: countRows(t.subregions, t.answered, (c) => L.region(c.key), L),
    },
    {
      kind: 'table',
      head: [L.t('column.country'), 'ISO', L.t('column.count'), L.t('column.percent')],
      numeric: [false, false, true, true],
      rows: t.countries.map((c) => [
        cell(L.country(c.key)),
        cell(c.key),
        cell(L.number(c.count)),
        cell(L.percent(c.count, t.answered), { bar: t.answered ? c.count / t.answered : 0 }),
      ]),
    },
  ];
}

function textBlocks(t: TextTable, L: Labels): Block[] {
  const blocks: Block[] = [{ kind: 'paragraph', text: L.t('texts_count', { count: L.number(t.texts) }) }];
  if (t.withLinks)
    blocks.push({ kind: 'paragraph', note: true, text: L.t('with_links', { count: L.number(t.withLinks) }) });
  if (t.options.length) {
    blocks.push({
      kind: 'table',
      caption: L.t('answer_buttons'),
      head: head3(L, L.t('column.answer')),
      numeric: [false, true, true],
      rows: countRows(t.options, t.answered, (c) => L.option(t.question, c.key), L),
    });
  }
  if (t.codes) {
    const c = t.codes;
    blocks.push({
      kind: 'table',
      caption: L.t('codes.title'),
      head: head3(L, L.t('column.code')),
      numeric: [false, true, true],
      rows: [
        ...countRows(c.codes, c.coded, (k) => L.code(t.question, k.key), L),
        [cell(L.t('codes.uncoded')), cell(L.number(c.uncoded)), cell('')],
        [cell(L.t('codes.disputed')), cell(L.number(c.disputed)), cell('')],
      ],
    });
    blocks.push({
      kind: 'paragraph',
      note: true,
      text: L.t('denominator.coded', { count: L.number(c.coded) }),
    });
  }
  return blocks;
}

function textsOf(
  t: QuestionTable,
  L: Labels,
  counts: (list: string) => number,
  split: DimensionInfo | undefined,
): Block[] {
  const blocks: Block[] = [];
  const others = othersList(t.question);
  if (counts(others) > 0) {
    blocks.push({
      kind: 'texts',
      title: L.t('other_texts'),
      list: others,
      question: t.question,
      count: counts(others),
      codes: false,
      ...(split ? { groups: split } : {}),
    });
  }
  const answers = answersList(t.question);
  if (t.kind === 'text' && counts(answers) > 0) {
    blocks.push({
      kind: 'texts',
      title: L.t('texts'),
      list: answers,
      question: t.question,
      count: counts(answers),
      codes: t.codes !== undefined,
      ...(split ? { groups: split } : {}),
    });
  }
  return blocks;
}

/** One question across the split's groups: a column per group, the base first. */
function splitBlock(split: Split, index: number, L: Labels): Block {
  const tables = split.groups.map((g) => g.questions[index]!);
  const head = [L.t('column.answer'), ...split.groups.map((g) => L.group(split.dimension, g.key))];
  const first = tables[0]!;
  const pct = (count: number, base: number) => `${L.number(count)} (${L.percent(count, base)})`;
  const rows: Cell[][] = [[cell(L.t('base.answered')), ...tables.map((t) => cell(L.number(t.answered)))]];
  const addCounts = (
    keys: Count[],
    get: (t: QuestionTable, key: string) => Cell,
    label: (c: Count) => string,
  ) => {
    for (const c of keys) rows.push([cell(label(c)), ...tables.map((t) => get(t, c.key))]);
  };
  const union = (pick: (t: QuestionTable) => Count[]) => {
    const seen = new Map<string, Count>();
    for (const t of tables) for (const c of pick(t)) if (!seen.has(c.key)) seen.set(c.key, c);
    return [...seen.values()];
  };
  const find = (list: Count[], key: string) => list.find((c) => c.key === key)?.count ?? 0;
  switch (first.kind) {
    case 'choice':
    case 'multi': {
      const pick = (t: QuestionTable) => [...(t as MultiTable).rows, ...((t as MultiTable).exclusive ?? [])];
      addCounts(
        union(pick),
        (t, key) => cell(pct(find(pick(t), key), t.answered)),
        (c) => keyLabel(L, first.question, c),
      );
      break;
    }
    case 'ranking':
      for (const row of first.rows) {
        rows.push([
          cell(L.option(first.question, row.key)),
          ...tables.map((t) => {
            const r = (t as RankingTable).rows.find((x) => x.key === row.key);
            return cell(
              r && r.mean !== null
                ? `${L.fixed(r.mean)} (n ${L.number(r.n)}) · ${L.t('column.first')} ${L.number(r.first)}`
                : '–',
            );
          }),
        ]);
      }
      break;
    case 'amount': {
      const currencies = [
        ...new Set(tables.flatMap((t) => (t as AmountTable).currencies.map((c) => c.currency))),
      ];
      for (const currency of currencies) {
        rows.push([
          cell(`${currency}: ${L.t('column.median')}`),
          ...tables.map((t) => {
            const c = (t as AmountTable).currencies.find((x) => x.currency === currency);
            return cell(c ? `${L.number(c.median)} (n ${L.number(c.n)})` : '–');
          }),
        ]);
      }
      addCounts(
        union((t) => (t as AmountTable).flags),
        (t, key) => cell(pct(find((t as AmountTable).flags, key), t.answered)),
        (c) => L.option(first.question, c.key),
      );
      break;
    }
    case 'country':
      addCounts(
        union((t) => (t as CountryTable).regions),
        (t, key) => cell(pct(find((t as CountryTable).regions, key), t.answered)),
        (c) => L.region(c.key),
      );
      break;
    case 'text':
      rows.push([cell(L.t('texts')), ...tables.map((t) => cell(L.number((t as TextTable).texts)))]);
      addCounts(
        union((t) => (t as TextTable).options),
        (t, key) => cell(pct(find((t as TextTable).options, key), t.answered)),
        (c) => L.option(first.question, c.key),
      );
      if (first.codes) {
        rows.push([
          cell(L.t('codes.coded')),
          ...tables.map((t) => cell(L.number((t as TextTable).codes!.coded))),
        ]);
        addCounts(
          union((t) => (t as TextTable).codes!.codes),
          (t, key) => cell(pct(find((t as TextTable).codes!.codes, key), (t as TextTable).codes!.coded)),
          (c) => L.code(first.question, c.key),
        );
      }
      break;
  }
  return {
    kind: 'table',
    caption: `${L.t('split.title', { dimension: L.dimension(split.dimension) })}${
      split.overlapping ? ` ${L.t('split.overlapping')}` : ''
    }`,
    head,
    numeric: head.map((_, i) => i > 0),
    rows,
  };
}

function crossBlocks(c: CrossTab, L: Labels): Block[] {
  const rowLabel = (k: string) => L.group(c.rows, k);
  const columnLabels = c.columnKeys.map((k) => L.group(c.columns, k));
  const rowTotals = c.counts.map((r) => r.reduce((a, b) => a + b, 0));
  const columnTotals = c.columnKeys.map((_, j) => c.counts.reduce((a, r) => a + r[j]!, 0));
  const head = ['', ...columnLabels, L.t('column.total')];
  const numeric = head.map((_, i) => i > 0);
  const table = (caption: string, value: (count: number, i: number, j: number) => string): Block => ({
    kind: 'table',
    caption,
    head,
    numeric,
    rows: [
      ...c.counts.map((row, i) => [
        cell(rowLabel(c.rowKeys[i]!)),
        ...row.map((n, j) => cell(value(n, i, j))),
        cell(value(rowTotals[i]!, i, -1)),
      ]),
      [
        cell(L.t('column.total')),
        ...columnTotals.map((n, j) => cell(value(n, -1, j))),
        cell(value(c.n, -1, -1)),
      ],
    ],
  });
  const blocks: Block[] = [
    {
      kind: 'heading',
      level: 3,
      text: L.t('cross.title', { rows: L.dimension(c.rows), columns: L.dimension(c.columns) }),
    },
    {
      kind: 'paragraph',
      note: true,
      text: L.t('cross.base', { count: L.number(c.n), missing: L.number(c.missing) }),
    },
    table(L.t('cross.counts'), (n) => L.number(n)),
    table(L.t('cross.row_percent'), (n, i) => L.percent(n, i < 0 ? c.n : rowTotals[i]!)),
    table(L.t('cross.column_percent'), (n, _i, j) => L.percent(n, j < 0 ? c.n : columnTotals[j]!)),
  ];
  const test = c.test;
  if (!test) blocks.push({ kind: 'paragraph', text: L.t('cross.no_test') });
  else {
    blocks.push({
      kind: 'paragraph',
      text: L.t('cross.test', {
        chi2: L.fixed(test.chi2),
        df: L.number(test.df),
        p: L.pValue(test.p),
        v: L.fixed(test.cramersV),
      }),
    });
    if (test.lowExpected > 0) {
      blocks.push({
        kind: 'paragraph',
        warning: true,
        text: L.t('cross.low_expected', {
          low: L.number(test.lowExpected),
          cells: L.number(test.cells),
          min: L.fixed(test.minExpected),
        }),
      });
    }
  }
  return blocks;
}
