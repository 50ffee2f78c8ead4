import type { Completed } from '../../conversation/service.ts';
import type { Translate } from '../../i18n/translator.ts';
import { nothingErased, type Erased } from '../../privacy/personal-data.ts';
import { erasedItems } from '../../privacy/render.ts';
import type { RedeemRefusal } from '../../store/invitation-store.ts';
import { commandData } from './callback-data.ts';
import { fitText, keyboard, type OutgoingMessage } from './render.ts';

/** Messages of the commands, apart from the questions themselves. Pure, like `render`. */

export function confirmation(command: 'restart' | 'delete', t: Translate): OutgoingMessage {
  return {
    text: t({ key: `telegram:${command}.confirm` }),
    reply_markup: keyboard([
      [
        { text: t({ key: `telegram:${command}.yes` }), data: commandData({ command, confirm: true }) },
        { text: t({ key: `telegram:${command}.no` }), data: commandData({ command, confirm: false }) },
      ],
    ]),
  };
}

/** The confirmation of /restart after completion, when the flow takes a second response. */
export function newResponseConfirmation(t: Translate): OutgoingMessage {
  return {
    text: t({ key: 'common:completed.again_confirm' }),
    reply_markup: keyboard([
      [
        {
          text: t({ key: 'common:completed.again_yes' }),
          data: commandData({ command: 'restart', confirm: true }),
        },
        {
          text: t({ key: 'common:completed.again_no' }),
          data: commandData({ command: 'restart', confirm: false }),
        },
      ],
    ]),
  };
}

/**
 * What a finished respondent is told (their survey is complete) and offered: to see their
 * answers, to change them when the flow allows it, to delete them. A second response, when the
 * flow takes one, starts with /restart.
 */
export function completedOffer(text: string, completed: Completed, t: Translate): OutgoingMessage {
  const row = (command: 'answers' | 'change' | 'erase', key: string) => [
    { text: t({ key: `common:completed.${key}` }), data: commandData({ command }) },
  ];
  return {
    text: fitText(text),
    reply_markup: keyboard([
      row('answers', 'see'),
      ...(completed.canChange ? [row('change', 'change')] : []),
      row('erase', 'delete'),
    ]),
  };
}

/** An invitation that cannot be used, with the choice to take the survey without it. */
export function invitationRefused(reason: RedeemRefusal, t: Translate): OutgoingMessage {
  return {
    text: [t({ key: `telegram:invitation.${reason}` }), t({ key: 'telegram:invitation.continue' })].join(
      '\n',
    ),
    reply_markup: keyboard([
      [
        {
          text: t({ key: 'telegram:invitation.continue_button' }),
          data: commandData({ command: 'start_plain' }),
        },
      ],
    ]),
  };
}

/** In a group: the survey is private, so a button opens the private chat with the bot. */
export function groupRedirect(botUsername: string, t: Translate): OutgoingMessage {
  return {
    text: t({ key: 'telegram:group.text' }),
    reply_markup: {
      inline_keyboard: [[{ text: t({ key: 'telegram:group.open' }), url: `https://t.me/${botUsername}` }]],
    },
  };
}

export function languagePicker(languages: readonly string[], t: Translate): OutgoingMessage {
  const buttons = languages.map((code) => ({
    text: t({ key: 'common:language.option', params: { code } }),
    data: commandData({ command: 'language', locale: code }),
  }));
  const rows: { text: string; data: string }[][] = [];
  for (let i = 0; i < buttons.length; i += 3) rows.push(buttons.slice(i, i + 3));
  return { text: t({ key: 'common:language.text' }), reply_markup: keyboard(rows) };
}

/** What /delete_my_data erased, item by item. */
export function erased(result: Erased, t: Translate): string {
  if (nothingErased(result)) return t({ key: 'telegram:delete.nothing' });
  const lines = [t({ key: 'telegram:delete.done' })];
  if (result.session) lines.push(`• ${t({ key: 'telegram:delete.session' })}`);
  if (result.responses > 0)
    lines.push(`• ${t({ key: 'telegram:delete.responses', params: { count: result.responses } })}`);
  if (result.contacts > 0)
    lines.push(`• ${t({ key: 'telegram:delete.contacts', params: { count: result.contacts } })}`);
  for (const item of erasedItems(result, t)) lines.push(`• ${item}`);
  return fitText(lines.join('\n'));
}
