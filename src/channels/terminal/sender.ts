import type { ConversationService } from '../../conversation/service.ts';
import type { Translator } from '../../i18n/translator.ts';
import type { ChannelSender, OutboundMessage, SendOutcome } from '../../outbound/outbound.ts';
import { currentQuestion } from '../current-question.ts';
import { renderPrompt } from './render.ts';

export interface TerminalSenderOptions {
  service: ConversationService;
  translator: Translator;
  output: NodeJS.WritableStream;
  /** The one user of this terminal: its only chat. */
  user: string;
}

/**
 * The terminal's side of the outbound port: the terminal chat's one user, on its output. A live
 * prompt is their current question as the chat prints it (renderPrompt), so the next line typed
 * answers it, as it answers the question printed last.
 */
export class TerminalSender implements ChannelSender {
  constructor(private readonly options: TerminalSenderOptions) {}

  async send(chat: string, message: OutboundMessage): Promise<SendOutcome> {
    const { output, translator, service, user } = this.options;
    if (chat !== user) return { status: 'chat_not_found' };
    if (!output.writable) return { status: 'failed', reason: 'output closed' };
    if (message.kind === 'text') {
      const t = translator.translatorFor(message.locale);
      output.write(`\n${message.texts.map((text) => t(text)).join('\n')}\n`);
      return { status: 'delivered' };
    }
    const current = await currentQuestion(service, 'terminal', user);
    if (!current) return { status: 'no_prompt' };
    const t = translator.translatorFor(current.session.locale);
    const intro = (message.intro ?? []).map((text) => `${t(text)}\n`).join('');
    output.write(`\n${intro}\n${renderPrompt(current.flow, current.prompt, t)}\n`);
    return { status: 'delivered' };
  }
}
