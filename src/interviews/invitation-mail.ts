import type { Transporter } from 'nodemailer';
import type { Translator } from '../i18n/translator.ts';
import type { SendLog } from '../store/send-log.ts';
import { MAIL_ANSWERS, MAIL_LINK_DAYS } from './mail-links.ts';
import type { InvitationAnswer } from './interviews.ts';
import { escapeHtml } from '../safe-text.ts';

/** What e-mailed invitations need: the campaigns' SMTP transport and sender, and where links point. */
export interface FollowupMail {
  transport: Pick<Transporter, 'sendMail'>;
  from: string;
  /** The answer pages' address (`…/followup`), the link appended. */
  linkBase: string;
  /** Claimed before each e-mail and settled after: a retried invitation is never e-mailed twice. */
  sends: SendLog;
}

/**
 * The e-mail inviting a respondent to a follow-up conversation, in their language: who would like
 * to talk (the interviewer's first name and role) and why, and the three one-time links.
 */
export function followupInvitationMail(
  translator: Translator,
  settings: Pick<FollowupMail, 'from' | 'linkBase'>,
  to: { email: string; name: string; locale: string },
  interviewer: { name: string; role: string },
  links: Record<InvitationAnswer, string>,
  conversation: string,
) {
  const t = translator.translatorFor(to.locale, { isolate: false });
  const role = t({ key: `staff:role.${interviewer.role}` });
  const say = (key: string, params: Record<string, string | number> = {}) =>
    t({ key: `interviews:mail.${key}`, params });
  const base = settings.linkBase.replace(/\/+$/, '');
  const rows = MAIL_ANSWERS.map((a) => ({
    label: t({ key: `interviews:invitation.${a}` }),
    url: `${base}/${links[a]}`,
  }));
  const paragraphs = [
    to.name ? say('greeting', { name: to.name }) : say('greeting_anonymous'),
    say('intro', { name: interviewer.name, role }),
    say('choose'),
  ];
  const footer = say('footer', { days: MAIL_LINK_DAYS });
  const text = [...paragraphs, rows.map((r) => `${r.label}: ${r.url}`).join('\n'), footer].join('\n\n');
  const dir = to.locale === 'ar' ? 'rtl' : 'ltr';
  const html = [
    `<!doctype html><html lang="${escapeHtml(to.locale)}" dir="${dir}"><body>`,
    ...paragraphs.map((p) => `<p>${escapeHtml(p)}</p>`),
    `<ul>${rows.map((r) => `<li><a href="${escapeHtml(r.url)}">${escapeHtml(r.label)}</a></li>`).join('')}</ul>`,
    `<p><small>${escapeHtml(footer)}</small></p>`,
    '</body></html>',
  ].join('\n');
  const domain = settings.from.split('@')[1]?.replace(/[>\s]/g, '') || 'localhost';
  return {
    from: settings.from,
    to: to.email,
    subject: say('subject', { name: interviewer.name, role }),
    text,
    html,
    // One conversation, one message id: a relay recognises a retried message as the same one.
    messageId: `<followup.${conversation}@${domain}>`,
  };
}
