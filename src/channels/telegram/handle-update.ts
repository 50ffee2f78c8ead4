import type { ConversationService, Turn, TurnResult } from '../../conversation/service.ts';
import { pickLocale, promptFor } from '../../engine/engine.ts';
import type { Flow } from '../../engine/flow.ts';
import type { Input } from '../../engine/input.ts';
import type { Text } from '../../engine/prompt.ts';
import type { Translate, Translator } from '../../i18n/translator.ts';
import type { Logger } from '../../log.ts';
import type { Router } from '../../router/router.ts';
import { FOLLOWUP_START } from '../../interviews/mail-link-route.ts';
import type { StaffMember } from '../../staff/staff.ts';
import { holdsAnything, myDataJson, myDataLines } from '../../privacy/render.ts';
import { neutralizeBidi } from '../../safe-text.ts';
import type { CommandAction } from './callback-data.ts';
import type { CommandName } from './commands.ts';
import { answerEntries, packEntries } from '../answers-view.ts';
import {
  completedOffer,
  confirmation,
  erased,
  groupRedirect,
  invitationRefused,
  languagePicker,
  newResponseConfirmation,
} from './messages.ts';
import { fitText, LIMITS } from './render.ts';
import type { TelegramOutbox } from './outbox.ts';
import type { PromptMessageStore } from './prompt-messages.ts';
import { showTurn, type ShowContext } from './show-turn.ts';
import { TextCache } from './text-cache.ts';
import type { Origin, Press, TelegramEvent } from './to-input.ts';
import type { WebhookReply } from './webhook-reply.ts';

export const CHANNEL = 'telegram';

/** How an update ended, for the metrics: taken, refused (bad or stale input), or failed on our side. */
export type Outcome = 'ok' | 'refused' | 'error';

export interface UpdateHandlerDeps {
  service: ConversationService;
  translator: Translator;
  outbox: TelegramOutbox;
  prompts: PromptMessageStore;
  botUsername: string;
  log: Logger;
  clock?: () => number;
  /** Staff commands and their rights; without it, every command the survey does not know is unknown. */
  router?: Router;
  /** A staff member joined or changed: their command menu is set again. */
  onStaffChanged?: (member: StaffMember) => Promise<void>;
}

/**
 * What the bot does with each event read from an update: survey turns go to the conversation
 * service and are shown with `showTurn`; commands and their confirmations are handled here.
 */
export class UpdateHandler {
  private readonly flow: Flow;
  private readonly clock: () => number;
  private readonly texts: TextCache;

  constructor(
    private readonly deps: UpdateHandlerDeps,
    texts?: TextCache,
  ) {
    this.flow = deps.service.flow;
    this.texts = texts ?? new TextCache(deps.translator);
    this.clock = deps.clock ?? Date.now;
  }

  /**
   * The handler for one update: everything it logs (its own lines, the service's, the outbox's,
   * the question pointers') goes to `log`, which names the update. A press is answered in
   * `reply`, the update's webhook response, when it came by webhook.
   */
  withLog(log: Logger, reply?: WebhookReply): UpdateHandler {
    const { outbox, prompts } = this.deps;
    return new UpdateHandler(
      { ...this.deps, log, outbox: outbox.withLog(log, reply), prompts: prompts.withLog(log) },
      this.texts,
    );
  }

  async handle(event: TelegramEvent): Promise<Outcome> {
    if (event.kind === 'ignore') return 'ok';
    try {
      return (await this.dispatch(event)) ?? 'ok';
    } catch (error) {
      // Our fault (a store down...): logged with context, and the respondent hears about it.
      const { origin } = event;
      this.deps.log.error(
        { err: error, kind: event.kind, respondent: this.respondent(origin) },
        'update failed',
      );
      const t = this.translate(pickLocale(this.flow, origin.locale));
      if ('press' in event && event.press) await this.deps.outbox.answer(event.press.id);
      await this.deps.outbox.send(origin.chat, { text: t({ key: 'common:unavailable' }) });
      return 'error';
    }
  }

  /**
   * An update past its sender's allowance (USER_UPDATES_PER_MINUTE): nothing is read or changed.
   * A press is answered (with the notice the first time), a message gets the notice once, the
   * rest of a flood nothing, so a flood is not echoed back.
   */
  async limited(event: Exclude<TelegramEvent, { kind: 'ignore' }>, decision: 'tell' | 'drop'): Promise<void> {
    const press = 'press' in event ? event.press : undefined;
    const text =
      decision === 'tell'
        ? (await this.translatorOf(event.origin))({ key: 'common:rate_limited' })
        : undefined;
    if (press) await this.deps.outbox.answer(press.id, text);
    else if (text) await this.deps.outbox.send(event.origin.chat, { text });
  }

  private async dispatch(event: Exclude<TelegramEvent, { kind: 'ignore' }>): Promise<Outcome | void> {
    const { outbox } = this.deps;
    const { origin } = event;
    switch (event.kind) {
      case 'input':
        if (event.input.type === 'text' && !event.press && (await this.relayed(origin, event.input.text)))
          return;
        return this.turn({ origin, ...(event.press ? { press: event.press } : {}) }, event.input);
      case 'followup_button':
        return this.followupButton(origin, event.data, event.press);
      case 'staff_thread':
        return this.staffThread(origin, event.thread, event.text);
      case 'command':
        return this.command(origin, event.command, event.arg);
      case 'other_command':
        return this.otherCommand(origin, event.name, event.arg);
      case 'action':
        return this.action(origin, event.action, event.press);
      case 'invalid': {
        const t = await this.translatorOf(origin);
        const inConversation =
          event.reason === 'unsupported' &&
          !event.press &&
          !!(await this.deps.router?.inConversation(CHANNEL, String(origin.user)));
        const text = t({
          key: inConversation ? 'interviews:relay.unsupported' : `telegram:invalid.${event.reason}`,
        });
        if (event.press) await outbox.answer(event.press.id, text);
        else await outbox.send(origin.chat, { text });
        return 'refused';
      }
      case 'group': {
        const t = this.translate(pickLocale(this.flow, origin.locale));
        if (event.press) return outbox.answer(event.press.id, t({ key: 'telegram:group.text' }));
        await outbox.send(origin.chat, groupRedirect(this.deps.botUsername, t));
        return;
      }
      case 'blocked':
        await this.deps.prompts.forget(origin.chat);
        this.deps.log.info({ respondent: this.respondent(origin) }, 'telegram user blocked the bot');
        await this.deps.service.noteUnreachable(CHANNEL, String(origin.user), 'blocked');
        await this.deps.router?.respondentUnreachable(CHANNEL, String(origin.user));
        return;
    }
  }

  /**
   * A respondent's typed text, taken by their open follow-up conversation when no survey question
   * waits for them (the router's rule); false when it is the survey's.
   */
  private async relayed(origin: Origin, text: string): Promise<boolean> {
    const router = this.deps.router;
    if (!router) return false;
    const route = await router.respondentText(CHANNEL, String(origin.user), text);
    if (route.to !== 'conversation') return false;
    if (route.undelivered) {
      const t = await this.translatorOf(origin);
      await this.deps.outbox.send(origin.chat, { text: t({ key: 'interviews:relay.not_delivered' }) });
    }
    return true;
  }

  /** A press on a follow-up invitation: answered once; its buttons go, whatever the answer. */
  private async followupButton(origin: Origin, data: string, press: Press): Promise<Outcome> {
    const said = await this.deps.router?.invitationButton(CHANNEL, String(origin.user), data);
    await this.deps.outbox.answer(press.id);
    if (press.message !== undefined) await this.deps.outbox.setKeyboard(origin.chat, press.message);
    const t = await this.translatorOf(origin);
    await this.sendSaid(
      origin.chat,
      said ?? { texts: [{ key: 'interviews:invitation.stale' }], locale: t.lng },
    );
    return said ? 'ok' : 'refused';
  }

  /** A message in a topic of the interviewers' forum: the router relays it, keeps a note, or refuses. */
  private async staffThread(origin: Origin, thread: number, text: string | undefined): Promise<Outcome> {
    const router = this.deps.router;
    if (!router) return 'ok';
    const where = { channel: CHANNEL, chat: String(origin.chat), thread: String(thread) } as const;
    const principal = { channel: CHANNEL, user: String(origin.user) } as const;
    const said = await router.staffThread(principal, where, text ?? null);
    if (!said) return 'ok';
    const t = this.translate(said.locale);
    for (const line of said.texts)
      await this.deps.outbox.send(origin.chat, { text: t(line), message_thread_id: thread });
    return 'refused';
  }

  private async sendSaid(chat: number, said: { texts: Text[]; locale: string }): Promise<void> {
    const t = this.translate(said.locale);
    for (const line of said.texts) await this.deps.outbox.send(chat, { text: t(line) });
  }

  private async command(
    origin: Origin,
    command: CommandName,
    arg: string | undefined,
  ): Promise<Outcome | void> {
    const { outbox } = this.deps;
    switch (command) {
      case 'start':
        return this.start(origin, arg);
      case 'back':
        return this.turn({ origin }, { type: 'back' });
      case 'skip':
        return this.turn({ origin }, { type: 'decline' });
      case 'language':
        if (arg) return this.turn({ origin }, { type: 'language', locale: arg.toLowerCase() });
        await outbox.send(origin.chat, languagePicker(this.flow.languages, await this.translatorOf(origin)));
        return;
      case 'progress':
        await outbox.send(origin.chat, { text: await this.progress(origin) });
        return;
      case 'help':
        await outbox.send(origin.chat, { text: (await this.translatorOf(origin))({ key: 'telegram:help' }) });
        return;
      case 'restart':
        return this.askRestart(origin);
      case 'delete_my_data':
        await outbox.send(origin.chat, confirmation('delete', await this.translatorOf(origin)));
        return;
      case 'my_data':
        return this.myData(origin);
      case 'stop':
        await this.deps.service.optOut(CHANNEL, String(origin.user));
        await outbox.send(origin.chat, {
          text: (await this.translatorOf(origin))({ key: 'campaigns:reminder.stopped' }),
        });
        return;
    }
  }

  /** /my_data: what is kept, as a message, and every record as a JSON file. */
  private async myData(origin: Origin): Promise<void> {
    const { outbox, service } = this.deps;
    const t = await this.translatorOf(origin);
    const data = await service.dataOf(CHANNEL, String(origin.user));
    if (!holdsAnything(data)) {
      await outbox.send(origin.chat, { text: t({ key: 'common:privacy.my_data.nothing' }) });
      return;
    }
    const lines = [t({ key: 'common:privacy.my_data.intro' }), ...myDataLines(data, t).map((l) => `• ${l}`)];
    await outbox.send(origin.chat, { text: fitText(neutralizeBidi(lines.join('\n'))) });
    const file = new File([myDataJson(data)], 'my-data.json', { type: 'application/json' });
    await outbox.sendFile(origin.chat, file, t({ key: 'common:privacy.my_data.file' }));
    this.deps.log.info({ respondent: this.respondent(origin) }, 'personal data sent on request');
  }

  /**
   * A command the survey does not know goes to the router: a staff command the sender may use is
   * answered; anything else gets the unknown-command answer, so staff commands stay unseen.
   */
  private async otherCommand(origin: Origin, name: string, arg: string): Promise<Outcome> {
    const { outbox, router } = this.deps;
    const route = router
      ? await router.command(
          {
            principal: { channel: CHANNEL, user: String(origin.user) },
            locale: pickLocale(this.flow, origin.locale),
            displayName: origin.name ?? '',
          },
          name,
          arg,
        )
      : ({ to: 'unknown_command' } as const);
    if (route.to === 'conversation') {
      if (route.reply) await this.sendSaid(origin.chat, route.reply);
      return 'ok';
    }
    if (route.to !== 'staff') {
      const t = await this.translatorOf(origin);
      await outbox.send(origin.chat, { text: t({ key: 'telegram:invalid.unknown_command' }) });
      return 'refused';
    }
    const t = this.translate(route.reply.locale);
    for (const text of route.reply.texts) await outbox.send(origin.chat, { text: t(text) });
    if (route.reply.changed) await this.deps.onStaffChanged?.(route.reply.changed);
    return 'ok';
  }

  /** Buttons of commands: confirmations, the language picker, "continue without invitation". */
  private async action(origin: Origin, action: CommandAction, press: Press): Promise<Outcome | void> {
    const { outbox, service } = this.deps;
    const chat = origin.chat;
    const user = String(origin.user);
    const t = await this.translatorOf(origin);
    if ((action.command === 'restart' || action.command === 'delete') && !action.confirm) {
      await outbox.answer(press.id, t({ key: `telegram:${action.command}.cancelled` }));
      if (press.message !== undefined) await outbox.delete(chat, press.message);
      return;
    }
    await outbox.answer(press.id);
    switch (action.command) {
      case 'delete': {
        const result = await service.erase(CHANNEL, user);
        await this.dropCurrentKeyboard(chat);
        const text = erased(result, t);
        if (press.message !== undefined) await outbox.edit(chat, press.message, { text });
        else await outbox.send(chat, { text });
        this.deps.log.info({ respondent: this.respondent(origin), ...result }, 'data erased on request');
        return;
      }
      case 'restart': {
        const invitation = (await service.current(CHANNEL, user))?.meta.invitation;
        await service.discard(CHANNEL, user);
        await this.dropCurrentKeyboard(chat);
        if (press.message !== undefined) await outbox.delete(chat, press.message);
        // Confirmed: after a complete response, a second one starts if the flow takes it.
        return this.turn(
          { origin, resend: true },
          { type: 'start' },
          { again: true, ...(invitation ? { keptInvitation: invitation } : {}) },
        );
      }
      case 'answers':
        return this.showAnswers(origin);
      case 'change': {
        const result = await service.reopen(this.turnOf(origin));
        // The reopened response counts its versions afresh: the mark of its end goes first.
        if (result.session) await this.dropCurrentKeyboard(chat);
        return this.show({ origin, resend: true }, result);
      }
      case 'erase':
        await outbox.send(chat, confirmation('delete', t));
        return;
      case 'start_plain':
        if (press.message !== undefined) await outbox.setKeyboard(chat, press.message);
        return this.turn({ origin, resend: true }, { type: 'start' });
      case 'language':
        if (press.message !== undefined) await outbox.delete(chat, press.message);
        return this.turn({ origin }, { type: 'language', locale: action.locale });
    }
  }

  /**
   * `/start` or `/start <token>`: a token from an invitation link is checked and counted once, when
   * it starts a session; one that cannot be used is explained, with the choice to go on without.
   */
  private async start(origin: Origin, token: string | undefined): Promise<Outcome | void> {
    // The link on an e-mailed invitation's page: the respondent is shown into their conversation.
    if (token === FOLLOWUP_START) {
      const said = await this.deps.router?.followupStart(CHANNEL, String(origin.user));
      if (said) return void (await this.sendSaid(origin.chat, said));
      token = undefined;
    }
    // The service checks the token and counts its use only when it starts a survey.
    return this.turn({ origin, resend: true }, { type: 'start' }, token ? { invitation: token } : {});
  }

  private async turn(
    view: ShowContext,
    input: Input,
    extra: Pick<Turn, 'invitation' | 'keptInvitation' | 'again'> = {},
  ): Promise<Outcome> {
    // A press is answered as soon as its input is taken, before the session is written, so the
    // button stops spinning a store round trip sooner. Not in the webhook's response, which is
    // written only once the update is handled (else Telegram would not deliver it again).
    const press = view.press;
    let answered: Promise<void> | undefined;
    const accepted = press
      ? () => void (answered ??= this.deps.outbox.answer(press.id, undefined, { now: true }))
      : undefined;
    const result: TurnResult = await this.deps.service.turn({
      ...this.turnOf(view.origin),
      ...extra,
      input,
      ...(accepted ? { accepted } : {}),
    });
    if (result.invitationRefused) {
      const t = this.translate(pickLocale(this.flow, view.origin.locale));
      await this.deps.outbox.send(view.origin.chat, invitationRefused(result.invitationRefused, t));
      return 'refused';
    }
    // A session that starts now gets a greeting above the language picker.
    if (input.type === 'start' && result.before === null && result.session && !result.refusal) {
      result.notices.unshift({ key: 'telegram:welcome' });
    }
    if (result.replayed)
      this.deps.log.info('update applied before (delivered again); its question is shown again');
    return this.show({ ...view, input, ...(answered ? { answered } : {}) }, result);
  }

  /** Who a turn is for, from an update's origin. */
  private turnOf(origin: Origin) {
    return {
      // Every update was taken from its sender's allowance at the channel's door (`limited`).
      admitted: true as const,
      channel: CHANNEL,
      user: String(origin.user),
      chat: String(origin.chat),
      ...(origin.locale ? { locale: origin.locale } : {}),
      ...(origin.update !== undefined ? { event: String(origin.update) } : {}),
      log: this.deps.log,
    };
  }

  private async show(view: ShowContext, result: TurnResult): Promise<Outcome> {
    const lng = result.session?.locale ?? result.prompt?.locale ?? pickLocale(this.flow, view.origin.locale);
    await showTurn({ ...this.deps, flow: result.flow }, view, result, this.translate(lng));
    if (result.refusal) return 'refused';
    return result.prompt === null ? 'error' : 'ok';
  }

  /**
   * /restart asks first. After a complete response it asks about a second one, when the flow
   * takes one; otherwise the respondent hears their response is complete, with what they may do.
   */
  private async askRestart(origin: Origin): Promise<Outcome | void> {
    const { service, outbox } = this.deps;
    const user = String(origin.user);
    const session = await service.current(CHANNEL, user);
    const done = session ? null : await service.finished(CHANNEL, user);
    if (!done) {
      await outbox.send(origin.chat, confirmation('restart', await this.translatorOf(origin)));
      return;
    }
    const t = this.translate(done.locale);
    const flow = await service.flowAt(done.flowId, done.flowVersion);
    if (flow.responses.perRespondent === 'many') {
      await outbox.send(origin.chat, newResponseConfirmation(t));
      return;
    }
    const completed = {
      response: done.id,
      locale: done.locale,
      canChange: flow.responses.changeAfterCompletion,
      canRestart: false,
    };
    await outbox.send(origin.chat, completedOffer(t({ key: 'common:completed.one_response' }), completed, t));
    return 'refused';
  }

  /** "See my answers": the complete response, question by question, in as few messages as fit. */
  private async showAnswers(origin: Origin): Promise<Outcome | void> {
    const done = await this.deps.service.finished(CHANNEL, String(origin.user));
    const t = done ? this.translate(done.locale) : await this.translatorOf(origin);
    if (!done) {
      await this.deps.outbox.send(origin.chat, { text: t({ key: 'common:completed.none' }) });
      return;
    }
    const entries = answerEntries(
      await this.deps.service.flowAt(done.flowId, done.flowVersion),
      done.answers,
      t,
    );
    for (const text of packEntries(t({ key: 'common:completed.answers' }), entries, LIMITS.text))
      await this.deps.outbox.send(origin.chat, { text });
  }

  private async progress(origin: Origin): Promise<string> {
    const user = String(origin.user);
    const session = await this.deps.service.current(CHANNEL, user);
    const done = session ? null : await this.deps.service.finished(CHANNEL, user);
    const t = this.translate(session?.locale ?? done?.locale ?? pickLocale(this.flow, origin.locale));
    if (done) return t({ key: 'common:end.already' });
    if (!session) return t({ key: 'telegram:progress.none' });
    const prompt = promptFor(await this.deps.service.flowAt(session.flowId, session.flowVersion), session);
    if (prompt.kind !== 'question') return t({ key: 'common:end.already' });
    if (!prompt.progress) return t({ key: 'telegram:progress.setup' });
    return t({ key: 'common:progress', params: { ...prompt.progress } });
  }

  private async dropCurrentKeyboard(chat: number): Promise<void> {
    const current = await this.deps.prompts.forget(chat);
    if (current?.message) await this.deps.outbox.setKeyboard(chat, current.message);
  }

  /** The respondent's language: the session's, else the one they finished in, else Telegram's guess. */
  private async translatorOf(origin: Origin): Promise<Translate> {
    const user = String(origin.user);
    const session = await this.deps.service.current(CHANNEL, user);
    const done = session ? null : await this.deps.service.finished(CHANNEL, user);
    return this.translate(session?.locale ?? done?.locale ?? pickLocale(this.flow, origin.locale));
  }

  private translate(lng: string): Translate {
    return this.texts.translatorFor(lng);
  }

  private respondent(origin: Origin): string {
    return this.deps.service.respondentOf(CHANNEL, String(origin.user));
  }
}
