import type { Flow } from '../engine/flow.ts';
import type { Codebook, CodingStore } from '../store/coding-store.ts';
import type { InvitationStore } from '../store/invitation-store.ts';
import type { ResponseStore } from '../store/response-store.ts';
import { loadResolvedCodes } from './coding/resolve.ts';
import type { InvitationsByToken } from './dimensions.ts';
import type { CodeLabels } from './render/labels.ts';
import type { CodesOf } from './report.ts';

/** The stores analysis reads: a CLI opens them from the configuration, a dashboard shares its own. */
export interface AnalysisStores {
  responses: ResponseStore;
  invitations: Pick<InvitationStore, 'list'>;
  codings: CodingStore;
}

/** What reports and exports need besides the responses, read once before they stream. */
export interface AnalysisContext {
  invitations: InvitationsByToken;
  /** Codebooks of the flow's questions, by question id. */
  codebooks: ReadonlyMap<string, Codebook>;
  codesOf: CodesOf;
}

export async function loadContext(stores: AnalysisStores, flow: Flow): Promise<AnalysisContext> {
  const invitations = new Map((await stores.invitations.list()).map((i) => [i.token, i] as const));
  const books = await stores.codings.listCodebooks(flow.id);
  const codebooks = new Map(
    books
      .filter((b) => flow.questions.some((q) => q.id === b.question && q.type === 'text'))
      .map((b) => [b.question, b]),
  );
  return { invitations, codebooks, codesOf: await loadResolvedCodes(stores.codings, flow.id) };
}

export function codeKeys(context: AnalysisContext): Map<string, string[]> {
  return new Map([...context.codebooks].map(([q, b]) => [q, b.codes.map((c) => c.code)]));
}

export function codeLabels(context: AnalysisContext): CodeLabels {
  return new Map(
    [...context.codebooks].map(([q, b]) => [q, new Map(b.codes.map((c) => [c.code, c.labels]))]),
  );
}
