import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Translator } from '../i18n/translator.ts';
import type { Interviews } from './interviews.ts';
import { escapeHtml } from '../safe-text.ts';
import { sendSmallPage } from '../http/small-page.ts';

export interface MailLinkPageDeps {
  interviews: Pick<Interviews, 'mailLink' | 'answerByMail'>;
  translator: Translator;
  /** The bot's Telegram username: the page links to the chat with it. */
  telegramBot?: string;
  /** The Discord application id: the page links to the bot's profile, to write to it. */
  discordApplication?: string;
}

/** The page's language for a link that says nothing: the browser's first language we have. */
function browserLanguage(req: IncomingMessage, languages: readonly string[]): string {
  const header = String(req.headers['accept-language'] ?? '');
  for (const part of header.split(',')) {
    const lng = part.trim().split(/[-;]/)[0]?.toLowerCase() ?? '';
    if (languages.includes(lng)) return lng;
  }
  return 'en';
}

/**
 * `/followup/<link>`: the answer pages of an e-mailed invitation. GET shows what the link answers
 * and a button (mail scanners open links, so a GET changes nothing); POST answers, once. A used,
 * expired or forged link gets a page saying so and changes nothing. After Accept, the page shows
 * the way to the chat with the bot, where the conversation is relayed.
 */
export function mailLinkHandler(deps: MailLinkPageDeps) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    // The form's body carries nothing we need.
    req.resume();
    // Links are plain base64url: nothing to decode, and a stray `%` is simply not a link.
    const link = (req.url ?? '').split('?')[0]!.replace(/^\/followup\/?/, '');
    const method = req.method ?? 'GET';
    if (!['GET', 'HEAD', 'POST'].includes(method)) {
      res.writeHead(405, { allow: 'GET, HEAD, POST' }).end();
      return;
    }
    const state =
      method === 'POST' ? await deps.interviews.answerByMail(link) : await deps.interviews.mailLink(link);
    const lng = state.locale ?? browserLanguage(req, deps.translator.languages);
    const t = deps.translator.translatorFor(lng, { isolate: false });
    const say = (key: string) => escapeHtml(t({ key: `interviews:mail_page.${key}` }));
    let body: string;
    if (!state.ok) body = `<p>${say('stale')}</p>`;
    else if (method !== 'POST')
      body = `<p>${say(`confirm_${state.answer}`)}</p><form method="post"><button type="submit">${escapeHtml(t({ key: `interviews:invitation.${state.answer}` }))}</button></form>`;
    else if (state.answer !== 'accept')
      body = `<p>${escapeHtml(t({ key: `interviews:invitation.answered_${state.answer}` }))}</p>`;
    else body = `<p>${say('accepted')}</p>${wayToChat(deps, state.conversation.channel, say)}`;
    sendSmallPage(res, { status: state.ok ? 200 : 404, lng, title: say('title'), body });
  };
}

/** Where the respondent writes to the bot: the Telegram chat (its start says which), or Discord. */
function wayToChat(deps: MailLinkPageDeps, channel: string, say: (key: string) => string): string {
  if (channel === 'telegram') {
    if (!deps.telegramBot) return `<p>${say('telegram_plain')}</p>`;
    const url = `https://t.me/${encodeURIComponent(deps.telegramBot.replace(/^@/, ''))}?start=${FOLLOWUP_START}`;
    return `<p>${say('telegram')}<br><a href="${escapeHtml(url)}" dir="ltr">${escapeHtml(url)}</a></p>`;
  }
  if (!deps.discordApplication) return `<p>${say('discord')}</p>`;
  const url = `https://discord.com/users/${encodeURIComponent(deps.discordApplication)}`;
  return `<p>${say('discord')}<br><a href="${escapeHtml(url)}" dir="ltr">${escapeHtml(url)}</a></p>`;
}

/** The start parameter of the Telegram link on the page: not a survey token (those are 24 characters). */
export const FOLLOWUP_START = 'followup';
