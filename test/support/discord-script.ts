import assert from 'node:assert/strict';
import type { ConversationService } from '../../src/conversation/service.ts';
import type { Input } from '../../src/engine/input.ts';
import type { ApiMessage } from './discord-api.ts';
import { components, type DiscordRespondent } from './discord-user.ts';

/**
 * One thing a respondent does on Discord, with the engine input the same answer would be on any
 * other channel (Telegram, the terminal), so an interview can be replayed there and compared.
 */
export interface Action {
  label: string;
  run(r: DiscordRespondent): Promise<unknown>;
  input: Input;
}

const hasButton = (m: ApiMessage, pattern: RegExp) =>
  components(m).some((c) => c.type === 2 && pattern.test(c.custom_id ?? ''));

/** Picks an option: its button when the question has buttons, else the select. */
export const choose = (id: string): Action => ({
  label: `choose ${id}`,
  run: (r) => {
    const pattern = new RegExp(`:c:${id}$`);
    return hasButton(r.latestQuestion(), pattern) ? r.press(pattern) : r.select([id], { which: /:s$/ });
  },
  input: { type: 'choose', option: id },
});
export const multi = (...ids: string[]): Action => ({
  label: `multi ${ids.join(',')}`,
  run: (r) => r.select(ids, { which: /:m$/ }),
  input: { type: 'choices', options: ids },
});
export const rank = (id: string): Action => ({
  label: `rank ${id}`,
  run: (r) => r.select([id], { which: /:r$/ }),
  input: { type: 'choose', option: id },
});
export const na = (id: string): Action => ({
  label: `n/a ${id}`,
  run: (r) => r.select([id], { which: /:n$/ }),
  input: { type: 'na', item: id },
});
export const type = (text: string): Action => ({
  label: `type ${text.slice(0, 20)}`,
  run: (r) => r.type(text),
  input: { type: 'text', text },
});
export const decline: Action = { label: 'decline', run: (r) => r.press(/:d$/), input: { type: 'decline' } };
export const undo: Action = { label: 'undo', run: (r) => r.press(/:u$/), input: { type: 'undo' } };
export const back: Action = { label: 'back', run: (r) => r.press(/:b$/), input: { type: 'back' } };

export type Script = [question: string, ...actions: Action[]][];

/** The question a message asks, read from its components' custom_ids. */
export function questionOf(message: ApiMessage): string | null {
  const id = components(message).find((c) => c.custom_id?.startsWith('a:'))?.custom_id;
  return id ? id.split(':')[1]! : null;
}

/** Plays a script on Discord, checking at each step that the bot asks the expected question. */
export async function playOnDiscord(r: DiscordRespondent, script: Script): Promise<void> {
  for (const [question, ...actions] of script) {
    for (const action of actions) {
      assert.equal(questionOf(r.latestQuestion()), question, `before "${action.label}"`);
      await action.run(r);
    }
  }
}

/** Plays the same answers through the conversation service as another channel would. */
export async function playElsewhere(
  service: ConversationService,
  channel: string,
  user: string,
  script: Script,
  locale?: string,
): Promise<void> {
  const turn = (input: Input) => service.turn({ channel, user, ...(locale ? { locale } : {}), input });
  let result = await turn({ type: 'start' });
  for (const [question, ...actions] of script) {
    for (const action of actions) {
      assert.equal(
        result.prompt?.kind === 'question' ? result.prompt.question : result.prompt?.kind,
        question,
      );
      result = await turn(action.input);
      assert.equal(result.refusal, undefined, `${question}: ${action.label}`);
    }
  }
  assert.equal(result.prompt?.kind, 'completed');
}
