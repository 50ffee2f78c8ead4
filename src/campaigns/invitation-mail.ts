import type { Translator } from '../i18n/translator.ts';
import type { Invitee } from '../store/invitee-store.ts';
import type { Campaign } from './campaign.ts';
import { linksFor, qrPng } from './links.ts';
import { escapeHtml } from '../safe-text.ts';

/** What nodemailer is given for one invitation (a plain object: the message, nothing sent yet). */
export interface InvitationMail {
  from: string;
  to: string;
  subject: string;
  text: string;
  html: string;
  /** Derived from the send's idempotency key: a message retried by a relay is recognised as one. */
  messageId: string;
  headers: Record<string, string>;
  attachments: { filename: string; content: Buffer; contentType: string; cid: string }[];
}

export interface MailSettings {
  from: string;
  /** The bot's Telegram username, for the t.me link; without it only the Discord command is given. */
  telegramBot?: string;
  /** The unsubscribe link's address, the token appended. */
  unsubscribeBase: string;
}

const RTL = new Set(['ar']);
const DISCORD_LANGUAGES = new Set(['en', 'ru', 'es', 'fr']);

/** The Discord command that starts the survey with a token, under the names of the reader's language. */
export function discordCommand(translator: Translator, language: string, token: string): string {
  // Discord shows the slash command under the names of the reader's language (it has no Arabic).
  const names = translator.translatorFor(DISCORD_LANGUAGES.has(language) ? language : 'en', {
    isolate: false,
  });
  const name = (key: string) => names({ key: `discord:commands.${key}.name` });
  return `/${name('survey')} ${name('start')} ${name('code')}:${token}`;
}

/**
 * One invitee's invitation, in their language: both links, a QR code of the Telegram link (inline
 * image), the organisation the consent names, and an unsubscribe link that is also the
 * `List-Unsubscribe` header (one-click, RFC 8058). `reminder` (its number) makes it the reminder
 * to someone who has not started: another subject and opening, the same links.
 */
export async function invitationMail(
  translator: Translator,
  settings: MailSettings,
  campaign: Campaign,
  invitee: Invitee,
  reminder?: number,
): Promise<InvitationMail> {
  const t = translator.translatorFor(invitee.language, { isolate: false });
  const links = linksFor(invitee.token, settings.telegramBot);
  const discord = discordCommand(translator, invitee.language, invitee.token);
  const unsubscribe = `${settings.unsubscribeBase.replace(/\/+$/, '')}/${invitee.token}`;
  const organisation = campaign.consentOrganisation;
  const say = (key: string, params: Record<string, string> = {}) =>
    t({ key: `campaigns:mail.${key}`, params });
  const greeting = invitee.name ? say('greeting', { name: invitee.name }) : say('greeting_anonymous');
  const paragraphs: { text: string; code?: string; link?: string }[] = [
    { text: greeting },
    { text: say(reminder ? 'reminder_intro' : 'intro', { organisation, campaign: campaign.name }) },
    ...(links.telegram ? [{ text: say('telegram'), link: links.telegram }] : []),
    { text: say('discord'), code: discord },
    ...(links.telegram ? [{ text: say('qr') }] : []),
    { text: say('personal') },
    { text: say('consent', { organisation }) },
  ];
  const text = [
    ...paragraphs.map((p) => [p.text, p.link ?? p.code].filter(Boolean).join('\n')),
    say('unsubscribe', { url: unsubscribe }),
  ].join('\n\n');
  const dir = RTL.has(invitee.language) ? 'rtl' : 'ltr';
  const html = [
    `<!doctype html><html lang="${invitee.language}" dir="${dir}"><body>`,
    ...paragraphs.map((p) => {
      const extra = p.link
        ? `<br><a href="${escapeHtml(p.link)}" dir="ltr">${escapeHtml(p.link)}</a>`
        : p.code
          ? `<br><code dir="ltr">${escapeHtml(p.code)}</code>`
          : '';
      const qr = p.text === say('qr') ? '<br><img src="cid:qr" alt="QR" width="200" height="200">' : '';
      return `<p>${escapeHtml(p.text)}${extra}${qr}</p>`;
    }),
    `<p><small>${escapeHtml(say('unsubscribe', { url: '' }).trim())} <a href="${escapeHtml(unsubscribe)}">${escapeHtml(unsubscribe)}</a></small></p>`,
    '</body></html>',
  ].join('\n');
  const domain = settings.from.split('@')[1]?.replace(/[>\s]/g, '') || 'localhost';
  return {
    from: settings.from,
    to: invitee.email,
    subject: say(reminder ? 'reminder_subject' : 'subject', { organisation }),
    text,
    html,
    messageId: reminder
      ? `<remind.${campaign.id}.${invitee.token}.${reminder}@${domain}>`
      : `<invite.${campaign.id}.${invitee.token}@${domain}>`,
    headers: {
      'List-Unsubscribe': `<${unsubscribe}>`,
      'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
    },
    attachments: links.telegram
      ? [
          {
            filename: 'survey-qr.png',
            content: await qrPng(links.telegram),
            contentType: 'image/png',
            cid: 'qr',
          },
        ]
      : [],
  };
}
