import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Translator } from '../i18n/translator.ts';
import type { InviteeStore } from '../store/invitee-store.ts';
import { TOKEN_PATTERN } from '../store/invitation-store.ts';
import { escapeHtml } from '../safe-text.ts';
import { sendSmallPage } from '../http/small-page.ts';

/**
 * `/unsubscribe/<token>`: GET shows a button (mail scanners open links, so a GET changes
 * nothing), POST unsubscribes, as the one-click `List-Unsubscribe-Post` header asks mail clients
 * to do. The page is in the invitee's language.
 */
export function unsubscribeHandler(deps: {
  invitees: Pick<InviteeStore, 'byToken' | 'unsubscribe'>;
  translator: Translator;
  clock?: () => number;
}) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const token = decodeURIComponent((req.url ?? '').split('?')[0]!.replace(/^\/unsubscribe\/?/, ''));
    const invitee = TOKEN_PATTERN.test(token) ? await deps.invitees.byToken(token) : null;
    const lng = invitee?.language ?? 'en';
    const t = deps.translator.translatorFor(lng, { isolate: false });
    const say = (key: string) => escapeHtml(t({ key: `campaigns:unsubscribe.${key}` }));
    let status = 200;
    let body: string;
    if (!invitee) {
      status = 404;
      body = `<p>${say('unknown')}</p>`;
    } else if (req.method === 'POST') {
      await deps.invitees.unsubscribe(token, new Date((deps.clock ?? Date.now)()));
      body = `<p>${say('done')}</p>`;
    } else if (req.method === 'GET' || req.method === 'HEAD') {
      body = `<p>${say('confirm')}</p><form method="post"><button type="submit">${say('button')}</button></form>`;
    } else {
      status = 405;
      body = '';
    }
    // The request body (the one-click form field) carries nothing we need.
    req.resume();
    sendSmallPage(res, { status, lng, title: say('title'), body });
  };
}
