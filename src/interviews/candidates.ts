import { onePerRespondent } from '../analysis/respondents.ts';
import { ResponseScope } from '../dashboard/scope.ts';
import type { Flow } from '../engine/flow.ts';
import type { StaffMember } from '../staff/staff.ts';
import type { Claim, ClaimStore } from '../store/followup-store.ts';
import type { InvitationStore } from '../store/invitation-store.ts';
import {
  countryCodeOf,
  type ContactRecord,
  type ContactStore,
  type ResponseRecord,
  type ResponseStore,
} from '../store/response-store.ts';
import { answerIs, inRegion, parseFilter, type FilterParse, type FollowupFilter } from './filter.ts';

/** A respondent who agreed to be contacted, with the response that counts for them. */
export interface Candidate {
  respondent: string;
  /** A short reference staff type in commands: the start of the pseudonym. */
  handle: string;
  flow: Flow;
  response: ResponseRecord;
  contact: ContactRecord;
  claim: Claim | null;
}

export interface CandidateDeps {
  flows: { ids(): string[]; get(id: string): Flow | undefined };
  responses: ResponseStore;
  contacts: ContactStore;
  invitations: InvitationStore;
  claims: ClaimStore;
}

/** Long enough that the few dozen consenting respondents of a campaign never share one. */
export const HANDLE_LENGTH = 8;
export const handleOf = (respondent: string) => respondent.slice(0, HANDLE_LENGTH);

/** What a staff member may see of the responses, beyond the filter (their scope). */
export type Allows = (response: { invitation?: string | undefined; country?: string | undefined }) => boolean;

/**
 * Respondents who agreed to a follow-up (the flow's contact question answered yes) and whose
 * contact details are still kept (erased data is gone from both stores), one response per
 * respondent and flow, matching the filter and the reader's scope. Streams the responses;
 * holds only the matches.
 */
export async function findCandidates(
  deps: CandidateDeps,
  filter: FollowupFilter,
  allows: Allows = () => true,
): Promise<Candidate[]> {
  const campaignTokens = filter.campaign
    ? new Set(
        (await deps.invitations.list()).filter((i) => i.campaign === filter.campaign).map((i) => i.token),
      )
    : null;
  const found: Candidate[] = [];
  for (const id of filter.flowId ? [filter.flowId] : deps.flows.ids()) {
    const flow = deps.flows.get(id);
    const contactQuestion = flow?.questions.find((q) => q.type === 'contact');
    if (!flow || !contactQuestion) continue;
    const countryQuestion = flow.questions.find((q) => q.type === 'country')?.id;
    for await (const response of onePerRespondent(deps.responses, { flowId: flow.id })) {
      if (!response.contactId || !answerIs(response.answers[contactQuestion.id], 'yes')) continue;
      const country = countryQuestion ? countryCodeOf(response.answers[countryQuestion]) : undefined;
      if (!allows({ invitation: response.invitation, country })) continue;
      if (campaignTokens && !(response.invitation && campaignTokens.has(response.invitation))) continue;
      if (filter.locale && response.locale !== filter.locale) continue;
      if (filter.country && country !== filter.country) continue;
      if (filter.region && !(countryQuestion && inRegion(response.answers[countryQuestion], filter.region)))
        continue;
      if (!filter.answers.every((a) => answerIs(response.answers[a.question], a.value))) continue;
      const contact = await deps.contacts.get(response.contactId);
      if (!contact) continue;
      found.push({
        respondent: response.respondent,
        handle: handleOf(response.respondent),
        flow,
        response,
        contact,
        claim: await deps.claims.get(response.respondent),
      });
    }
  }
  return found;
}

/**
 * The candidates a staff member may see (their scope) matching a filter typed as in `/followups`:
 * the chat command and the dashboard page both ask here, so they list the same respondents.
 */
export async function candidatesFor(
  deps: CandidateDeps,
  member: StaffMember,
  filterArgs: string,
): Promise<{ ok: true; found: Candidate[] } | Extract<FilterParse, { ok: false }>> {
  const parsed = parseFilter(filterArgs);
  if (!parsed.ok) return parsed;
  const scope = await ResponseScope.of(member, deps.invitations);
  return { ok: true, found: await findCandidates(deps, parsed.filter, (r) => scope.allows(r)) };
}

/** The candidate a typed handle names: exactly one whose pseudonym starts with it, else null. */
export function byHandle(candidates: readonly Candidate[], handle: string): Candidate | null {
  const h = handle.trim().toLowerCase();
  if (!/^[0-9a-f]{4,32}$/.test(h)) return null;
  const matching = candidates.filter((c) => c.respondent.startsWith(h));
  return matching.length === 1 ? matching[0]! : null;
}
