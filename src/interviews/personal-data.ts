import type { PersonalDataHolder } from '../privacy/personal-data.ts';
import type { ClaimStore, ConversationStore } from '../store/followup-store.ts';

/**
 * Follow-up interviews as a holder of respondents' data: their claim, conversations with every
 * transcript message and the interviewers' notes, shown by /my_data and erased by
 * /delete_my_data (an open conversation ended first, so the interviewer is told why).
 */
export function followupHolder(deps: {
  claims: Pick<ClaimStore, 'get' | 'deleteByRespondent'>;
  conversations: Pick<ConversationStore, 'byRespondent' | 'transcript' | 'notes' | 'deleteByRespondent'>;
  beforeErase?: (respondent: string) => Promise<void>;
}): PersonalDataHolder {
  return {
    name: 'followups',
    async dataOf(respondent) {
      const claim = await deps.claims.get(respondent);
      const conversations = [];
      for (const c of await deps.conversations.byRespondent(respondent)) {
        conversations.push({
          ...c,
          transcript: await deps.conversations.transcript(c.id),
          notes: await deps.conversations.notes(c.id),
        });
      }
      return [...(claim ? [{ claim }] : []), ...conversations];
    },
    async deleteByRespondent(respondent) {
      // Telling the interviewer is a courtesy: a failure there must not stop the erasure.
      await deps.beforeErase?.(respondent).catch(() => undefined);
      return (
        (await deps.conversations.deleteByRespondent(respondent)) +
        (await deps.claims.deleteByRespondent(respondent))
      );
    },
  };
}
