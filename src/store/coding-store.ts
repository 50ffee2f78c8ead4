/**
 * Coding of open answers: a codebook per question, and the codes each coder gave each answer.
 * Codings hold codes, never the answer's text (that stays in the response), and the respondent's
 * pseudonym so that erasing a respondent erases their codings too.
 */
export interface Code {
  /** Stable key, as ids are: a-z, 0-9 and _. */
  code: string;
  /** Labels by language ('en', 'ru'...); at least one. */
  labels: Record<string, string>;
  description?: string;
}

export interface Codebook {
  flowId: string;
  question: string;
  codes: Code[];
  updatedAt: Date;
}

export interface Coding {
  flowId: string;
  question: string;
  /** The response whose answer is coded. */
  responseId: string;
  respondent: string;
  coder: string;
  /** One or more codes; none means the coder found that no code applies. */
  codes: string[];
  at: Date;
}

export interface CodingFilter {
  flowId: string;
  question?: string;
  coder?: string;
}

export interface CodingStore {
  saveCodebook(book: Codebook): Promise<void>;
  getCodebook(flowId: string, question: string): Promise<Codebook | null>;
  listCodebooks(flowId: string): Promise<Codebook[]>;
  /** Inserts or replaces the coding of one answer by one coder. */
  saveCoding(coding: Coding): Promise<void>;
  deleteCoding(key: Pick<Coding, 'flowId' | 'question' | 'responseId' | 'coder'>): Promise<boolean>;
  /** Codings in order of question, response and coder, read one at a time. */
  scanCodings(filter: CodingFilter): AsyncIterable<Coding>;
  deleteByRespondent(respondent: string): Promise<number>;
  close(): Promise<void>;
}

/** Coders are named by the staff: short and plain, so they sort and show the same everywhere. */
export const CODER_PATTERN = /^[\p{L}\p{N}_.-]{1,64}$/u;
export const CODE_PATTERN = /^[a-z0-9][a-z0-9_]*$/;

/** The coder whose coding settles a disagreement between the others. */
export const FINAL_CODER = 'final';

export const codebookId = (flowId: string, question: string) => `${flowId}:${question}`;
export const codingId = (c: Pick<Coding, 'flowId' | 'question' | 'responseId' | 'coder'>) =>
  `${c.flowId}:${c.question}:${c.responseId}:${c.coder}`;

export function codingMatches(c: Coding, filter: CodingFilter): boolean {
  return (
    c.flowId === filter.flowId &&
    (filter.question === undefined || c.question === filter.question) &&
    (filter.coder === undefined || c.coder === filter.coder)
  );
}

export function codingOrder(a: Coding, b: Coding): number {
  return (
    a.question.localeCompare(b.question) ||
    (a.responseId < b.responseId ? -1 : a.responseId > b.responseId ? 1 : 0) ||
    (a.coder < b.coder ? -1 : a.coder > b.coder ? 1 : 0)
  );
}
