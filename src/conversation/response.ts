import type { Flow } from '../engine/flow.ts';
import type { Answer, ContactValue, Session } from '../engine/session.ts';
import type { ContactRecord, ResponseRecord } from '../store/response-store.ts';

/** Session meta keys the conversation service sets when a session starts. */
export interface SessionMeta {
  channel: string;
  respondent: string;
  chat: string;
  invitation?: string;
}

/**
 * Turns a session into the stored response and, when the respondent left contact details,
 * the separate contact record. Contact details are replaced in the answers by "agreed: yes".
 */
export function toRecords(
  flow: Flow,
  session: Session,
  status: ResponseRecord['status'],
  now: Date,
): { response: ResponseRecord; contact: ContactRecord | null } {
  const meta = session.meta as unknown as SessionMeta;
  const answers = { ...session.answers };
  let contact: ContactRecord | null = null;
  for (const q of flow.questions) {
    const answer = answers[q.id];
    if (q.type !== 'contact' || answer?.status !== 'answered') continue;
    const value = answer.value as ContactValue;
    if (value.agreed !== 'yes') continue;
    contact = {
      id: session.id,
      flowId: session.flowId,
      respondent: meta.respondent,
      channel: meta.channel,
      ...(value.viaChat ? { chat: meta.chat } : {}),
      name: value.name,
      ...(value.email ? { email: value.email } : {}),
      viaChat: value.viaChat,
      language: value.language,
      createdAt: now,
    };
    answers[q.id] = { status: 'answered', value: { agreed: 'yes' } };
  }
  const response: ResponseRecord = {
    id: session.id,
    flowId: session.flowId,
    flowVersion: session.flowVersion,
    locale: session.locale,
    channel: meta.channel,
    respondent: meta.respondent,
    ...(meta.invitation ? { invitation: meta.invitation } : {}),
    status,
    answers,
    durations: { ...session.durations },
    startedAt: new Date(session.startedAt),
    updatedAt: new Date(session.updatedAt),
    ...(status === 'complete' ? { finishedAt: new Date(session.updatedAt) } : {}),
    ...(contact ? { contactId: contact.id } : {}),
  };
  return { response, contact };
}

/**
 * The answers of a stored response as a session holds them, for reopening it: contact details
 * come back from their own record; a contact answer whose details are gone (erased) is left out,
 * so the question is asked again.
 */
export function answersOf(
  flow: Flow,
  response: ResponseRecord,
  contact: ContactRecord | null,
): Record<string, Answer> {
  const answers = { ...response.answers };
  for (const q of flow.questions) {
    const answer = answers[q.id];
    if (q.type !== 'contact' || answer?.status !== 'answered') continue;
    if ((answer.value as ContactValue).agreed !== 'yes') continue;
    if (!contact) {
      delete answers[q.id];
      continue;
    }
    const value: ContactValue = {
      agreed: 'yes',
      name: contact.name,
      ...(contact.email ? { email: contact.email } : {}),
      viaChat: contact.viaChat,
      language: contact.language,
    };
    answers[q.id] = { status: 'answered', value };
  }
  return answers;
}
