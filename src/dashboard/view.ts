import { join } from 'node:path';
import { Eta } from 'eta';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Text } from '../engine/prompt.ts';
import type { Translator } from '../i18n/translator.ts';
import { neutralizeBidi } from '../safe-text.ts';
import type { StaffMember } from '../staff/staff.ts';

const VIEWS = join(import.meta.dirname, 'views');
const RTL = new Set(['ar']);

/** What every page knows: the reader's language, who is signed in, the token of their forms. */
export interface PageContext {
  lng: string;
  member: StaffMember | null;
  csrf: string | null;
  /** The navigation entry to mark as current. */
  section?:
    | 'overview'
    | 'responses'
    | 'reports'
    | 'coding'
    | 'campaigns'
    | 'followups'
    | 'conversations'
    | 'staff'
    | 'audit';
}

/**
 * Server-rendered pages: Eta templates in `views/`, escaping every value unless told otherwise,
 * with the same i18next texts as the bot (namespace `dashboard`). A page's language is the
 * member's; before sign-in it is the browser's (Accept-Language), else the first language.
 */
export class Views {
  private readonly eta = new Eta({ views: VIEWS, cache: true, autoEscape: true });

  constructor(private readonly translator: Translator) {}

  /** The language of a request: the member's, else the browser's first one we have. */
  languageOf(req: FastifyRequest, member: StaffMember | null): string {
    const languages = this.translator.languages;
    if (member && languages.includes(member.locale)) return member.locale;
    const header = String(req.headers['accept-language'] ?? '').slice(0, 200);
    for (const part of header.split(',')) {
      const code = part.trim().split(/[-;_]/)[0]?.toLowerCase();
      if (code && languages.includes(code)) return code;
    }
    return languages[0] ?? 'en';
  }

  render(name: string, ctx: PageContext, data: Record<string, unknown> = {}): string {
    const translate = this.translator.translatorFor(ctx.lng);
    const t = (key: string, params?: Text['params']) =>
      translate({ key: key.includes(':') ? key : `dashboard:${key}`, ...(params ? { params } : {}) });
    return this.eta.render(name, {
      ...data,
      ...ctx,
      t,
      dir: RTL.has(ctx.lng) ? 'rtl' : 'ltr',
      number: (n: number) => new Intl.NumberFormat(ctx.lng).format(n),
      date: (d: Date | number) =>
        new Intl.DateTimeFormat(ctx.lng, { dateStyle: 'medium', timeStyle: 'short', timeZone: 'UTC' }).format(
          d,
        ),
      isAdmin: ctx.member?.role === 'admin',
      /** A text someone typed (an answer, a name): without direction controls, shown in an isolated run. */
      plain: (text: unknown) => neutralizeBidi(String(text ?? '')),
    });
  }

  /** Sends a page (personal data: never cached). */
  send(
    reply: FastifyReply,
    name: string,
    ctx: PageContext,
    data: Record<string, unknown> = {},
    status = 200,
  ) {
    return reply
      .code(status)
      .header('cache-control', 'no-store')
      .type('text/html; charset=utf-8')
      .send(this.render(name, ctx, data));
  }
}
