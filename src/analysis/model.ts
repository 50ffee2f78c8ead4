import type { QuestionType } from '../engine/flow.ts';
import type { ChiSquare, Spread } from './stats.ts';

/**
 * The report as data: what `--format json` prints and what the HTML and Markdown renderers (and a
 * dashboard page) draw. Keys, never labels: option ids, ISO country and M49 region codes,
 * language codes; renderers label them in the language asked for.
 */
export interface Count {
  key: string;
  count: number;
  /** A key the flow does not define (an answer kept from an older flow version). */
  unknown?: true;
}

/** Every table starts with who was asked, and why the others were not. */
export interface Base {
  question: string;
  type: QuestionType;
  /** Respondents in this table: asked + notApplicable + notReached. */
  respondents: number;
  answered: number;
  declined: number;
  notApplicable: number;
  notReached: number;
  /** Answers the bot filled in itself (a ranking of one item), counted in `answered`. */
  auto: number;
  /** Answers stored in a shape this report cannot read, counted in `answered` but in no row. */
  unreadable: number;
  /** Median time spent on the question, over those who spent time on it. */
  time: { n: number; medianMs: number | null };
}

/** yes/no, single choice, the contact question's consent. Percentages are of `answered`. */
export interface ChoiceTable extends Base {
  kind: 'choice';
  rows: Count[];
  /** "other" chosen with its text declined. */
  otherDeclined: number;
}

/** Mentions per option; exclusive options ("none") apart. Percentages are of `answered`. */
export interface MultiTable extends Base {
  kind: 'multi';
  rows: Count[];
  exclusive: Count[];
  mentions: number;
  otherDeclined: number;
}

export interface RankRow {
  key: string;
  /** Respondents who placed the item at rank 1, 2, ... */
  ranks: number[];
  na: number;
  /** Respondents who ranked it: the mean's n. */
  n: number;
  mean: number | null;
  first: number;
  /** Answered the question, but the item was not among theirs (q7 ranks only the types chosen in q6). */
  notOffered: number;
  unknown?: true;
}

export interface RankingTable extends Base {
  kind: 'ranking';
  positions: number;
  rows: RankRow[];
  otherDeclined: number;
}

export interface AmountTable extends Base {
  kind: 'amount';
  /** Per currency, never converted. */
  currencies: (Spread & { currency: string })[];
  /** "don't know", "no separate budget line"... */
  flags: Count[];
}

export interface CountryTable extends Base {
  kind: 'country';
  countries: Count[];
  regions: Count[];
  subregions: Count[];
}

export interface CodeCounts {
  /** Answers with a coding that counts (agreed by the coders, or resolved). */
  coded: number;
  uncoded: number;
  /** Coded differently by the coders and not resolved yet: in no code's count. */
  disputed: number;
  codes: Count[];
}

export interface TextTable extends Base {
  kind: 'text';
  /** Typed answers. */
  texts: number;
  /** Answer buttons of a free-text question ("we met no challenges"). */
  options: Count[];
  withLinks: number;
  codes?: CodeCounts;
}

export type QuestionTable = ChoiceTable | MultiTable | RankingTable | AmountTable | CountryTable | TextTable;

/** A way to group respondents: `--by`, `--where`, `--cross`. */
export interface DimensionInfo {
  /** As typed: `region`, `q3`, `q3=RU`. */
  name: string;
  kind: 'language' | 'channel' | 'campaign' | 'coordinator' | 'region' | 'subregion' | 'arab' | 'question';
  question?: string;
  /** For `q3=RU`: the value set against the rest. */
  value?: string;
}

export interface Group {
  key: string;
  respondents: number;
  questions: QuestionTable[];
}

export interface Split {
  dimension: DimensionInfo;
  groups: Group[];
  /** A respondent can be in several groups (a multiple-choice question). */
  overlapping: boolean;
}

export interface CrossTab {
  rows: DimensionInfo;
  columns: DimensionInfo;
  rowKeys: string[];
  columnKeys: string[];
  counts: number[][];
  /** Respondents with a value on both. */
  n: number;
  /** Left out: no value on one of the two (declined, not applicable, not reached). */
  missing: number;
  test: ChiSquare | null;
}

export interface Report {
  flow: { id: string; version: number };
  filters: { campaign?: string; where: string[] };
  /** Stored records read, and those set aside as another response of the same respondent. */
  records: number;
  superseded: number;
  respondents: number;
  complete: number;
  partial: number;
  versions: Count[];
  languages: Count[];
  channels: Count[];
  /** Unfinished responses, by the question they stopped at. */
  stoppedAt: Count[];
  questions: QuestionTable[];
  split?: Split;
  crosstabs: CrossTab[];
}
