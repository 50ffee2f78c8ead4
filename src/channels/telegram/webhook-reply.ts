import type { ServerResponse } from 'node:http';

/**
 * A webhook update's HTTP response, which may carry one Bot API call (Telegram's "webhook
 * reply", as telegraf's `webhookReply` uses): the press of a button is answered there, saving a
 * request of its own. The call is written when the update has been handled, as the response was
 * before, so Telegram still delivers the update again when the process dies while handling it.
 * Telegram reports nothing about a call made this way; only a call whose failure the bot would
 * ignore anyway (answering a press) goes here.
 */
export class WebhookReply {
  private call: string | null = null;

  constructor(private readonly res: ServerResponse) {}

  /** Takes the call if none is taken yet and the response is still open; false otherwise. */
  take(method: string, payload: Record<string, unknown>): boolean {
    if (this.call !== null || this.res.writableEnded) return false;
    this.call = JSON.stringify({ method, ...payload });
    return true;
  }

  /** Ends the response (200) with the call taken, if any. */
  finish(): void {
    if (this.res.writableEnded || this.res.headersSent) return;
    if (this.call === null) return void this.res.writeHead(200).end();
    this.res
      .writeHead(200, {
        'content-type': 'application/json',
        'content-length': Buffer.byteLength(this.call),
      })
      .end(this.call);
  }
}
