import type { ServerResponse } from 'node:http';

/**
 * A one-paragraph page outside the dashboard (unsubscribe, an e-mailed invitation's answer):
 * in the reader's language and direction, never cached, never sending the link on as a referrer.
 * `title` and `body` are HTML, already escaped.
 */
export function sendSmallPage(
  res: ServerResponse,
  page: { status: number; lng: string; title: string; body: string },
): void {
  res.writeHead(page.status, {
    'content-type': 'text/html; charset=utf-8',
    'cache-control': 'no-store',
    'referrer-policy': 'no-referrer',
    'x-robots-tag': 'noindex',
  });
  res.end(
    `<!doctype html><html lang="${page.lng}" dir="${page.lng === 'ar' ? 'rtl' : 'ltr'}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width"><title>${page.title}</title></head><body>${page.body}</body></html>`,
  );
}
