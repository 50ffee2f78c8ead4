import type { ConversationService } from '../conversation/service.ts';
import { promptFor } from '../engine/engine.ts';
import type { Flow } from '../engine/flow.ts';
import type { Prompt } from '../engine/prompt.ts';
import type { Session } from '../engine/session.ts';

export interface CurrentQuestion {
  /** The flow at the session's version: render the prompt with it. */
  flow: Flow;
  prompt: Extract<Prompt, { kind: 'question' }>;
  session: Session;
}

/**
 * The question a respondent is at, for a live prompt nobody asked for: null when they have no
 * survey under way (never started, finished, withdrawn, erased). Read only, so a prompt sent to
 * someone who just erased their data can never start a survey for them. A session whose flow
 * version is gone is moved on by a start turn, as their next update would move it.
 */
export async function currentQuestion(
  service: ConversationService,
  channel: string,
  user: string,
): Promise<CurrentQuestion | null> {
  const session = await service.current(channel, user);
  if (!session || session.status !== 'active') return null;
  const flow = await service.flows.version(session.flowId, session.flowVersion);
  if (!flow) {
    // A flow gone altogether has no question to show; its respondent's next update decides.
    if (!service.flows.get(session.flowId)) return null;
    const moved = await service.turn({ channel, user, input: { type: 'start' } });
    if (moved.prompt?.kind !== 'question' || !moved.session) return null;
    return { flow: moved.flow, prompt: moved.prompt, session: moved.session };
  }
  const prompt = promptFor(flow, session);
  return prompt.kind === 'question' ? { flow, prompt, session } : null;
}
