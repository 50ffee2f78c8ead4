import type { Flow } from '../../engine/flow.ts';
import type { ResponseRecord } from '../../store/response-store.ts';
import type { Sink } from '../render/html.ts';
import { statesOf, surveyQuestions } from '../states.ts';

/**
 * Long JSON lines: one line per question per respondent, with the response's context, the
 * question's state and the stored value as it is. For tools that want the data without a
 * layout: `jq`, pandas, a database.
 */
export async function writeLongJsonl(
  flow: Flow,
  records: AsyncIterable<ResponseRecord>,
  write: Sink,
): Promise<number> {
  const questions = surveyQuestions(flow);
  let lines = 0;
  for await (const r of records) {
    const { states } = statesOf(questions, r);
    // The response's part of every line is written once per response, then each answer's part.
    const base = JSON.stringify({
      response: r.id,
      respondent: r.respondent,
      flow: r.flowId,
      version: r.flowVersion,
      status: r.status,
      locale: r.locale,
      channel: r.channel,
      ...(r.invitation ? { invitation: r.invitation } : {}),
    }).slice(0, -1);
    let chunk = '';
    questions.forEach((q, i) => {
      const state = states[i]!;
      const own = {
        question: q.id,
        type: q.type,
        state: state.kind,
        ...(state.kind === 'answered' ? { value: state.value, ...(state.auto ? { auto: true } : {}) } : {}),
        ...(typeof r.durations[q.id] === 'number' ? { ms: r.durations[q.id] } : {}),
      };
      chunk += `${base},${JSON.stringify(own).slice(1)}\n`;
      lines++;
    });
    await write(chunk);
  }
  return lines;
}
