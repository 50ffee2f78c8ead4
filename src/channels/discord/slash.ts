import {
  ButtonStyle,
  ComponentType,
  MessageFlags,
  PermissionFlagsBits,
  Routes,
  type ButtonInteraction,
  type ChatInputCommandInteraction,
  type DMChannel,
} from 'discord.js';
import type { TurnResult } from '../../conversation/service.ts';
import type { Input } from '../../engine/input.ts';
import { refusalFor, TOKEN_PATTERN, type RedeemRefusal } from '../../store/invitation-store.ts';
import { deferIfSlow } from './acknowledge.ts';
import {
  CHANNEL,
  dmOf,
  languageFor,
  NO_MENTIONS,
  respondentLanguage,
  sendPlanned,
  translatorFor,
  type DiscordContext,
} from './context.ts';
import { encodeComponentId } from './custom-id.ts';
import type { SurveyCommand } from './parse.ts';
import type { Row } from './render.ts';
import { planReply } from './reply.ts';
import { nothingErased } from '../../privacy/personal-data.ts';
import { holdsAnything, myDataJson, myDataLines } from '../../privacy/render.ts';
import { neutralizeBidi } from '../../safe-text.ts';

export type Starter = ChatInputCommandInteraction | ButtonInteraction;

/** How long a "delete my data" confirmation stays valid. */
export const ERASE_CONFIRM_MS = 10 * 60_000;

function button(customId: string, label: string, style: ButtonStyle.Primary | ButtonStyle.Danger): Row {
  return {
    type: ComponentType.ActionRow,
    components: [{ type: ComponentType.Button, style, label, custom_id: customId }],
  };
}

/** Checks an invitation code without counting a use; null when it may be used. */
async function invitationProblem(ctx: DiscordContext, code: string): Promise<RedeemRefusal | null> {
  if (!TOKEN_PATTERN.test(code)) return 'unknown';
  return refusalFor(await ctx.invitations.get(code), new Date(ctx.clock()));
}

/**
 * Starts (or resumes) the survey in the DM with the user, from `/survey start|resume`, or from
 * the "Take the survey" button in a server. The reply in the server is ephemeral: answers are
 * never visible there. The respondent's own session comes first: resuming with the code one
 * started with is a resume, not a second use of it; a finished respondent hears so, whatever
 * the code. A bad code for a new survey gets its reason and a button to go on without it.
 */
export async function startSurvey(ctx: DiscordContext, i: Starter, code?: string): Promise<void> {
  await i.deferReply({ flags: MessageFlags.Ephemeral });
  const user = i.user.id;
  const dm = await dmOf(i);
  const input: Input = { type: 'start' };
  // The service checks the code and counts its use only when it starts a survey.
  const result = await ctx.service.turn({
    channel: CHANNEL,
    user,
    locale: i.locale,
    ...(code !== undefined ? { invitation: code } : {}),
    input,
    log: ctx.log,
  });
  if (result.invitationRefused) {
    const t = translatorFor(ctx, await respondentLanguage(ctx, user, i.locale));
    const id = encodeComponentId({ kind: 'take' })!;
    await i.editReply({
      content: `${t({ key: `discord:invitation.${result.invitationRefused}` })}\n${t({ key: 'discord:invitation.continue_hint' })}`,
      components: [button(id, t({ key: 'discord:invitation.continue' }), ButtonStyle.Primary)],
    });
    return;
  }
  await showInDm(ctx, i, dm, result, input);
}

/**
 * Shows a turn begun by an interaction: the question goes to the DM and the (deferred,
 * ephemeral) reply says where; a notice, or what a finished respondent is offered, is the reply.
 */
export async function showInDm(
  ctx: DiscordContext,
  i: Starter,
  dm: DMChannel,
  result: TurnResult,
  input: Input,
): Promise<void> {
  const language = result.session?.locale ?? result.prompt?.locale ?? languageFor(ctx, i.locale);
  const t = translatorFor(ctx, language);
  const planned = planReply(result.flow, t, result, input);
  if (planned.notice) {
    await i.editReply({ content: planned.notice });
    return;
  }
  if (result.completed) {
    const [offer] = planned.messages;
    await i.editReply({
      content: offer!.content,
      components: offer!.components,
      allowedMentions: NO_MENTIONS,
    });
    return;
  }
  await sendPlanned(ctx, i.user.id, dm, planned);
  const content = i.inGuild()
    ? t({ key: 'discord:dm.sent', params: { link: dm.url } })
    : t({ key: 'discord:dm.here' });
  await i.editReply({ content, components: [] });
}

/** `/survey language`: changes the language and shows the current question again in it. */
export async function changeLanguage(
  ctx: DiscordContext,
  i: ChatInputCommandInteraction,
  locale: string,
): Promise<void> {
  await i.deferReply({ flags: MessageFlags.Ephemeral });
  const user = i.user.id;
  const dm = await dmOf(i);
  const input: Input = { type: 'language', locale };
  const result = await ctx.service.turn({
    channel: CHANNEL,
    user,
    locale: i.locale,
    input,
    log: ctx.log,
  });
  // A finished respondent has no survey to switch: they hear it is complete, with what they may do.
  if (result.completed) return showInDm(ctx, i, dm, result, input);
  const language = result.session?.locale ?? languageFor(ctx, i.locale);
  const t = translatorFor(ctx, language);
  const planned = planReply(result.flow, t, result, input);
  if (planned.notice) {
    await i.editReply({ content: planned.notice });
    return;
  }
  // The old question message still shows the old language: disable it, the question comes anew.
  const before = result.before?.kind === 'question' ? result.before : null;
  const known = before ? ctx.prompts.showing(user, before.question, before.version) : null;
  if (planned.update && known)
    await dm.messages.edit(known.messageId, { components: planned.update.components });
  await sendPlanned(ctx, user, dm, planned);
  await i.editReply({ content: t({ key: 'common:language.changed' }) });
}

/** `/survey progress`: where the respondent is, read without changing anything. */
export async function showProgress(ctx: DiscordContext, i: ChatInputCommandInteraction): Promise<void> {
  const user = i.user.id;
  const work = (async () => {
    const session = await ctx.service.current(CHANNEL, user);
    if (!session) {
      const done = await ctx.service.finished(CHANNEL, user);
      const said = translatorFor(ctx, done?.locale ?? languageFor(ctx, i.locale));
      return said({ key: done ? 'discord:progress.done' : 'discord:progress.none' });
    }
    const t = translatorFor(ctx, session.locale);
    if (session.status !== 'active') return t({ key: 'discord:progress.done' });
    // A start turn on a kept session changes nothing and says where it stands.
    const { prompt } = await ctx.service.turn({
      channel: CHANNEL,
      user,
      input: { type: 'start' },
      log: ctx.log,
    });
    if (prompt?.kind !== 'question') return t({ key: 'discord:progress.done' });
    return prompt.progress
      ? t({ key: 'discord:progress.at', params: { ...prompt.progress } })
      : t({ key: 'discord:progress.setup' });
  })();
  const deferred = await deferIfSlow(work, ctx.ackAfterMs, () =>
    i.deferReply({ flags: MessageFlags.Ephemeral }),
  );
  const content = await work;
  await (deferred ? i.editReply({ content }) : i.reply({ content, flags: MessageFlags.Ephemeral }));
}

/**
 * `/survey delete-my-data`, or "Delete my answers" offered after completion: asks for
 * confirmation first; nothing is deleted yet.
 */
export async function askErase(ctx: DiscordContext, i: Starter): Promise<void> {
  const t = translatorFor(ctx, await respondentLanguage(ctx, i.user.id, i.locale));
  const confirm = encodeComponentId({ kind: 'erase', issuedAt: ctx.clock() })!;
  const keep = encodeComponentId({ kind: 'keep' })!;
  await i.reply({
    content: t({ key: 'discord:erase.confirm' }),
    flags: MessageFlags.Ephemeral,
    components: [
      {
        type: ComponentType.ActionRow,
        components: [
          {
            type: ComponentType.Button,
            style: ButtonStyle.Danger,
            label: t({ key: 'discord:erase.button' }),
            custom_id: confirm,
          },
          {
            type: ComponentType.Button,
            style: ButtonStyle.Secondary,
            label: t({ key: 'discord:erase.cancel' }),
            custom_id: keep,
          },
        ],
      },
    ],
  });
}

/** The confirmation button: erases session, responses and contact details, if still valid. */
export async function confirmErase(
  ctx: DiscordContext,
  i: ButtonInteraction,
  issuedAt: number,
): Promise<void> {
  const t = translatorFor(ctx, languageFor(ctx, i.locale));
  const age = ctx.clock() - issuedAt;
  if (age > ERASE_CONFIRM_MS || age < -60_000) {
    await i.update({ content: t({ key: 'discord:erase.expired' }), components: [] });
    return;
  }
  const work = ctx.service.erase(CHANNEL, i.user.id);
  const deferred = await deferIfSlow(work, ctx.ackAfterMs, () => i.deferUpdate());
  const erased = await work;
  ctx.prompts.forget(i.user.id);
  const any = !nothingErased(erased);
  const body = { content: t({ key: any ? 'discord:erase.done' : 'discord:erase.nothing' }), components: [] };
  await (deferred ? i.editReply(body) : i.update(body));
}

/** `/survey my-data`: what is kept, as a message only the respondent sees, with every record as a JSON file. */
async function showMyData(ctx: DiscordContext, i: ChatInputCommandInteraction): Promise<void> {
  // Reading every store may take longer than Discord's three seconds: acknowledged first.
  await i.deferReply({ flags: MessageFlags.Ephemeral });
  const t = translatorFor(ctx, await respondentLanguage(ctx, i.user.id, i.locale));
  const data = await ctx.service.dataOf(CHANNEL, i.user.id);
  if (!holdsAnything(data)) {
    await i.editReply({ content: t({ key: 'common:privacy.my_data.nothing' }) });
    return;
  }
  const lines = [t({ key: 'common:privacy.my_data.intro' }), ...myDataLines(data, t).map((l) => `- ${l}`)];
  lines.push(t({ key: 'common:privacy.my_data.file' }));
  await i.editReply({
    content: neutralizeBidi(lines.join('\n')).slice(0, 2000),
    files: [{ attachment: Buffer.from(myDataJson(data)), name: 'my-data.json' }],
  });
}

/**
 * `/survey stop`: no more reminders or invitations by DM, as `/stop` on Telegram; recorded on
 * their address (written for someone who never started, so role invitations skip them too).
 */
async function stopMessages(ctx: DiscordContext, i: ChatInputCommandInteraction): Promise<void> {
  await i.deferReply({ flags: MessageFlags.Ephemeral });
  const language = await respondentLanguage(ctx, i.user.id, i.locale);
  await ctx.service.optOut(CHANNEL, i.user.id, language);
  await i.editReply({ content: translatorFor(ctx, language)({ key: 'discord:stop.done' }) });
}

export async function keepData(ctx: DiscordContext, i: ButtonInteraction): Promise<void> {
  const t = translatorFor(ctx, languageFor(ctx, i.locale));
  await i.update({ content: t({ key: 'discord:erase.kept' }), components: [] });
}

const POST_PERMISSIONS = PermissionFlagsBits.ViewChannel | PermissionFlagsBits.SendMessages;

/**
 * `/survey-button`: a coordinator posts the "Take the survey" button (with an invitation code
 * if given) in the server channel, in the server's language. The bot needs to see and write
 * in the channel; Discord tells us its permissions there with the interaction.
 */
export async function postButton(
  ctx: DiscordContext,
  i: ChatInputCommandInteraction,
  code?: string,
): Promise<void> {
  const t = translatorFor(ctx, languageFor(ctx, i.guildLocale ?? i.locale));
  // Discord shows the command to Manage Server only by default, and a server can change that:
  // the member's own permissions are checked here, whatever the command's settings say.
  if (i.inGuild() && !i.memberPermissions.has(PermissionFlagsBits.ManageGuild)) {
    ctx.log.info(
      { respondent: ctx.service.respondentOf(CHANNEL, i.user.id) },
      'survey button refused: not a manager',
    );
    // Said to them alone, in their own language.
    const own = translatorFor(ctx, languageFor(ctx, i.locale));
    await i.reply({ content: own({ key: 'discord:take.not_allowed' }), flags: MessageFlags.Ephemeral });
    return;
  }
  if (!i.inGuild() || !i.appPermissions.has(POST_PERMISSIONS)) {
    await i.reply({
      content: t({ key: 'discord:errors.missing_permissions' }),
      flags: MessageFlags.Ephemeral,
    });
    return;
  }
  // Checking the code reads the store: acknowledge first.
  await i.deferReply({ flags: MessageFlags.Ephemeral });
  const problem = code ? await invitationProblem(ctx, code) : null;
  if (problem) {
    await i.editReply({ content: t({ key: `discord:invitation.${problem}` }) });
    return;
  }
  const take = encodeComponentId(code ? { kind: 'take', invitation: code } : { kind: 'take' })!;
  await ctx.client.rest.post(Routes.channelMessages(i.channelId), {
    body: {
      content: t({ key: 'discord:take.post' }),
      components: [button(take, t({ key: 'discord:take.button' }), ButtonStyle.Primary)],
      allowed_mentions: NO_MENTIONS,
    },
  });
  await i.editReply({ content: t({ key: 'discord:take.posted' }) });
}

/** Runs a slash command. */
export async function runCommand(
  ctx: DiscordContext,
  i: ChatInputCommandInteraction,
  command: SurveyCommand,
): Promise<void> {
  switch (command.kind) {
    case 'start':
      return startSurvey(ctx, i, command.code);
    case 'resume':
      return startSurvey(ctx, i);
    case 'language':
      return changeLanguage(ctx, i, command.locale);
    case 'progress':
      return showProgress(ctx, i);
    case 'erase':
      return askErase(ctx, i);
    case 'my_data':
      return showMyData(ctx, i);
    case 'stop':
      return stopMessages(ctx, i);
    case 'post':
      return postButton(ctx, i, command.code);
  }
}
