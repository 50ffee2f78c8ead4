import { next, startSession, type Step } from '../../src/engine/engine.ts';
import type { Flow } from '../../src/engine/flow.ts';
import type { Input } from '../../src/engine/input.ts';
import type { Session } from '../../src/engine/session.ts';
import { loadFlow, loadResources } from '../../src/flows/load.ts';
import { Translator } from '../../src/i18n/translator.ts';

export const resources = loadResources();
export const flow: Flow = loadFlow('advocacy', resources);
export const translator = new Translator(resources, flow.languages);

/** Plays inputs from a fresh session; throws on the first refusal unless `allowRefusals`. */
export function play(
  inputs: Input[],
  opts: { locale?: string; allowRefusals?: boolean } = {},
): Step & { steps: Step[] } {
  let step = startSession(flow, { id: 'test', locale: opts.locale ?? 'en', now: 0 });
  const steps: Step[] = [step];
  inputs.forEach((input, i) => {
    step = next(flow, step.session, input, (i + 1) * 1000);
    steps.push(step);
    if (step.refusal && !opts.allowRefusals) {
      throw new Error(
        `input ${i} ${JSON.stringify(input)} refused at ${step.session.current}: ${step.refusal.code}`,
      );
    }
  });
  return { ...step, steps };
}

export const text = (t: string): Input => ({ type: 'text', text: t });
export const choose = (option: string): Input => ({ type: 'choose', option });
export const choices = (...options: string[]): Input => ({ type: 'choices', options });
export const decline: Input = { type: 'decline' };
export const back: Input = { type: 'back' };

/** Language and consent, the steps before q1. */
export const setup = (lng = 'en'): Input[] => [choose(lng), choose('yes')];

export function answerOf(session: Session, id: string): unknown {
  const a = session.answers[id];
  return a?.status === 'answered' ? a.value : a?.status;
}
