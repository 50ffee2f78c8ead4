import type { QuestionOf } from '../flow.ts';
import type { ContactValue } from '../session.ts';
import { cleanText } from '../text.ts';
import { answered, chosenOption, questionText, refusal, type QuestionHandler } from './handler.ts';

// Deliberately simple: one @, a dot in the domain, no spaces. Deliverability is the interviewer's check.
const EMAIL = /^[^\s@]{1,64}@[^\s@]{1,190}\.[^\s@.]{2,63}$/u;

/**
 * Consent to a follow-up interview, then name, how to reach the respondent (e-mail or this chat)
 * and the language for the interview, one step each.
 */
export const contact: QuestionHandler<QuestionOf<'contact'>> = {
  view(ctx) {
    const { flow, step, session } = ctx;
    switch (step) {
      case 'name':
        return { text: { key: 'common:contact.name' }, choices: [], accepts: ['text'] };
      case 'method':
        return {
          text: { key: 'common:contact.method' },
          choices: [
            { id: 'email', label: { key: 'common:contact.via_email' } },
            { id: 'chat', label: { key: 'common:contact.via_chat' } },
          ],
          accepts: ['choose', 'text'],
        };
      case 'email':
        return { text: { key: 'common:contact.email' }, choices: [], accepts: ['text'] };
      case 'language':
        return {
          text: { key: 'common:contact.language' },
          choices: flow.languages.map((code) => ({
            id: code,
            label: { key: 'common:language.option', params: { code } },
            selected: code === session.locale,
          })),
          accepts: ['choose', 'text'],
        };
      default:
        return {
          text: questionText(ctx),
          hint: { key: 'common:contact.privacy' },
          choices: [
            { id: 'yes', label: { key: 'common:answer.yes' } },
            { id: 'no', label: { key: 'common:answer.no' } },
          ],
          accepts: ['choose', 'text'],
        };
    }
  },
  apply(ctx, input) {
    const draft = ctx.draft ?? {};
    const choices = this.view(ctx).choices;
    switch (ctx.step) {
      case 'name':
      case 'email': {
        if (input.type !== 'text') return refusal('not_accepted');
        const cleaned = cleanText(input.text, { max: ctx.step === 'name' ? 200 : 254 });
        if (!cleaned.ok) return refusal(cleaned.code);
        if (ctx.step === 'name') return { step: 'method', draft: { name: cleaned.text } };
        if (!EMAIL.test(cleaned.text)) return refusal('email_invalid');
        return { step: 'language', draft: { ...draft, email: cleaned.text, viaChat: false } };
      }
      case 'method': {
        const option = chosenOption(input, choices);
        if (option === 'email') return { step: 'email', draft };
        if (option === 'chat') return { step: 'language', draft: { ...draft, viaChat: true } };
        return refusal(option as 'unknown_choice');
      }
      case 'language': {
        const option = chosenOption(input, choices);
        if (!ctx.flow.languages.includes(option)) return refusal(option as 'unknown_choice');
        const value: ContactValue = {
          agreed: 'yes',
          name: draft.name ?? '',
          viaChat: draft.viaChat ?? false,
          language: option,
          ...(draft.email ? { email: draft.email } : {}),
        };
        return answered(value);
      }
      default: {
        const option = chosenOption(input, choices);
        if (option === 'no') return answered({ agreed: 'no' } satisfies ContactValue);
        if (option === 'yes') return { step: 'name', draft: {} };
        return refusal(option as 'unknown_choice');
      }
    }
  },
};
