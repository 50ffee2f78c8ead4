import { TOKEN_PATTERN } from '../../store/invitation-store.ts';

/** Discord's limit on a component's custom_id (and on a select option's value). */
export const CUSTOM_ID_MAX = 100;

/** What an answer component does; each is one letter in the custom_id to leave room for ids. */
export const ANSWER_ACTIONS = {
  choose: 'c',
  select: 's',
  multi: 'm',
  rank: 'r',
  na: 'n',
  undo: 'u',
  back: 'b',
  decline: 'd',
} as const;
export type AnswerAction = keyof typeof ANSWER_ACTIONS;

/**
 * What a component's custom_id says. Answer components carry the question and the session
 * version they were made for, so a press on an old message is refused by the engine as stale;
 * the others start the survey, or confirm or cancel erasing one's data.
 */
export type ComponentId =
  | { kind: 'answer'; question: string; version: number; action: AnswerAction; option?: string }
  | { kind: 'take'; invitation?: string }
  | { kind: 'erase'; issuedAt: number }
  | { kind: 'keep' }
  /** What a finished respondent is offered: see, change or delete their answers, answer again. */
  | { kind: 'answers' | 'change' | 'forget' }
  | { kind: 'again'; confirm: boolean };

const OFFERS = ['answers', 'change', 'forget'] as const;

const LETTERS = Object.fromEntries(Object.entries(ANSWER_ACTIONS).map(([k, v]) => [v, k])) as Record<
  string,
  AnswerAction
>;

/** Question ids are flow ids; options are flow ids, language codes, ISO country or currency codes. */
const ANSWER = /^a:([a-z0-9][a-z0-9_]{0,63}):(\d{1,12}):([a-z])(?::([A-Za-z0-9_-]{1,64}))?$/;
const OPTION = /^[A-Za-z0-9_-]{1,64}$/;

/** The custom_id for a component, or null when it would not fit Discord's 100 characters. */
export function encodeComponentId(id: ComponentId): string | null {
  let encoded: string;
  switch (id.kind) {
    case 'answer':
      encoded = `a:${id.question}:${id.version}:${ANSWER_ACTIONS[id.action]}${id.option === undefined ? '' : `:${id.option}`}`;
      break;
    case 'take':
      encoded = id.invitation ? `x:take:${id.invitation}` : 'x:take';
      break;
    case 'erase':
      encoded = `x:erase:${id.issuedAt.toString(36)}`;
      break;
    case 'keep':
    case 'answers':
    case 'change':
    case 'forget':
      encoded = `x:${id.kind}`;
      break;
    case 'again':
      encoded = id.confirm ? 'x:again:yes' : 'x:again';
  }
  return encoded.length <= CUSTOM_ID_MAX ? encoded : null;
}

/** Reads a custom_id; anything we did not make (or a forged one) is null. */
export function decodeComponentId(customId: string): ComponentId | null {
  if (customId.length > CUSTOM_ID_MAX) return null;
  const answer = ANSWER.exec(customId);
  if (answer) {
    const action = LETTERS[answer[3]!];
    if (!action) return null;
    const version = Number(answer[2]);
    const option = answer[4];
    // Only "choose" buttons carry an option; a select's choice arrives in its values.
    if ((action === 'choose') !== (option !== undefined)) return null;
    return { kind: 'answer', question: answer[1]!, version, action, ...(option ? { option } : {}) };
  }
  const [prefix, verb, arg, ...rest] = customId.split(':');
  if (prefix !== 'x' || rest.length > 0) return null;
  if (verb === 'take') {
    if (arg === undefined) return { kind: 'take' };
    return TOKEN_PATTERN.test(arg) ? { kind: 'take', invitation: arg } : null;
  }
  if (verb === 'erase' && arg && /^[0-9a-z]{1,11}$/.test(arg))
    return { kind: 'erase', issuedAt: parseInt(arg, 36) };
  if (verb === 'keep' && arg === undefined) return { kind: 'keep' };
  const offer = OFFERS.find((o) => o === verb);
  if (offer && arg === undefined) return { kind: offer };
  if (verb === 'again' && (arg === undefined || arg === 'yes'))
    return { kind: 'again', confirm: arg === 'yes' };
  return null;
}

/** Whether a select option value is one of ours: values are option ids, forgeable by a client. */
export function isOptionValue(value: string): boolean {
  return OPTION.test(value);
}
