import { ButtonStyle, ComponentType, type APIButtonComponentWithCustomId } from 'discord.js';
import type { Completed } from '../../conversation/service.ts';
import type { Translate } from '../../i18n/translator.ts';
import { encodeComponentId, type ComponentId } from './custom-id.ts';
import { fit, LIMITS, type DiscordMessage } from './render.ts';

/**
 * What a finished respondent is told (their survey is complete) and offered: to see their
 * answers, to change them when the flow allows it, to delete them, and to start a new response
 * when the flow takes one. Pure, like `render`.
 */
export function completedOffer(text: string, completed: Completed, t: Translate): DiscordMessage {
  const button = (
    id: ComponentId,
    key: string,
    style: APIButtonComponentWithCustomId['style'] = ButtonStyle.Secondary,
  ): APIButtonComponentWithCustomId => ({
    type: ComponentType.Button,
    style,
    label: t({ key: `common:completed.${key}` }).slice(0, LIMITS.buttonLabel),
    custom_id: encodeComponentId(id)!,
  });
  const buttons = [
    button({ kind: 'answers' }, 'see', ButtonStyle.Primary),
    ...(completed.canChange ? [button({ kind: 'change' }, 'change')] : []),
    button({ kind: 'forget' }, 'delete', ButtonStyle.Danger),
    ...(completed.canRestart ? [button({ kind: 'again', confirm: false }, 'again')] : []),
  ];
  return { content: fit(text), components: [{ type: ComponentType.ActionRow, components: buttons }] };
}
