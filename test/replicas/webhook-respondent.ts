import { setTimeout as sleep } from 'node:timers/promises';
import type { Update } from 'telegraf/types';
import type { ApiCall, NewUpdate, TelegramApiStandIn } from '../support/telegram-api.ts';
import { Respondent } from '../telegram/respondent.ts';

/**
 * Telegram's side of webhook delivery to several replicas behind one address: each update goes
 * to the next replica in turn; one that fails (connection refused or reset, a non-2xx answer)
 * is delivered again, with the same update id, to the next one, as Telegram retries an update
 * until a 2xx. A replica that refuses connections is taken out, as a load balancer does.
 */
export class ReplicaBalancer implements Delivery {
  private turn = 0;
  private nextUpdateId = 1;
  private readonly down = new Set<string>();
  /** Deliveries that failed and were made again. */
  redeliveries = 0;
  delivered = 0;

  constructor(
    readonly api: TelegramApiStandIn,
    readonly urls: string[],
    readonly secret: string,
  ) {}

  async deliver(update: NewUpdate): Promise<void> {
    const full = { ...update, update_id: this.nextUpdateId++ } as Update;
    for (let attempt = 0; attempt < 40; attempt++) {
      const live = this.urls.filter((u) => !this.down.has(u));
      const url = live[this.turn++ % live.length]!;
      try {
        const { status } = await this.api.post(url, full, this.secret);
        if (status >= 200 && status < 300) {
          this.delivered++;
          return;
        }
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ECONNREFUSED') this.down.add(url);
      }
      this.redeliveries++;
      await sleep(50 + attempt * 50);
    }
    throw new Error(`update ${full.update_id} was not taken by any replica`);
  }
}

/** How updates reach the bot: the balancer (webhook), or the stand-in's queue (polling). */
export interface Delivery {
  deliver(update: NewUpdate): Promise<unknown>;
}

/** A respondent among many answering at once, whose updates go through `delivery`. */
export class BalancedRespondent extends Respondent {
  private readonly queries = new Set<string>();

  constructor(
    api: TelegramApiStandIn,
    id: number,
    languageCode: string,
    private readonly delivery: Delivery,
  ) {
    super(api, id, languageCode);
  }

  /** Only this respondent's calls: others answer at the same time. */
  override async deliver(update: NewUpdate): Promise<ApiCall[]> {
    const from = this.api.calls.length;
    if ('callback_query' in update) this.queries.add(update.callback_query.id);
    await this.delivery.deliver(update);
    return this.api.calls
      .slice(from)
      .filter(
        (c) =>
          Number(c.body.chat_id) === this.id ||
          (c.method === 'answerCallbackQuery' && this.queries.has(String(c.body.callback_query_id))),
      );
  }
}
