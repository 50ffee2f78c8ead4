import { ChannelType, DiscordAPIError, RateLimitError, Routes, type Client } from 'discord.js';
import type { StaffSpace } from '../../interviews/interviews.ts';
import type { Translator } from '../../i18n/translator.ts';
import type { Logger } from '../../log.ts';
import type { SendOutcome } from '../../outbound/outbound.ts';
import type { Router } from '../../router/router.ts';
import type { StaffMember } from '../../staff/staff.ts';
import type { StaffThread } from '../../store/followup-store.ts';
import { CHANNEL, NO_MENTIONS } from './context.ts';
import { fit } from './render.ts';

/** Discord's limit on a thread's name. */
const THREAD_NAME_MAX = 100;

/** What a gateway MESSAGE_CREATE carries that the staff side reads. */
interface RawMessage {
  id: string;
  channel_id: string;
  guild_id?: string;
  content?: string;
  author?: { id: string; bot?: boolean; system?: boolean };
  attachments?: unknown[];
  sticker_items?: unknown[];
}

/**
 * The interviewers' side of follow-up conversations on Discord: a staff text channel
 * (INTERVIEW_DISCORD_CHANNEL) with one private thread per conversation, the interviewer added to
 * it. Calls go through discord.js's REST client (its rate limiting); messages in the threads are
 * read from the gateway's MESSAGE_CREATE as sent (the guild need not be cached), in order per
 * thread, and handed to the router.
 */
export class DiscordStaffSpace implements StaffSpace {
  /** Each thread's messages, handled one after the other. */
  private readonly queues = new Map<string, Promise<void>>();

  constructor(
    private readonly client: Client,
    private readonly channel: string,
    private readonly translator: Translator,
    private readonly log: Logger,
    /** Told when a thread message has been fully handled (the channel's 'settled' event). */
    private readonly onSettled: (messageId: string, started: number) => void = () => {},
  ) {}

  async open(title: string, interviewer: StaffMember): Promise<StaffThread | null> {
    try {
      const thread = (await this.client.rest.post(Routes.threads(this.channel), {
        body: {
          name: [...title].slice(0, THREAD_NAME_MAX).join(''),
          type: ChannelType.PrivateThread,
          invitable: false,
          auto_archive_duration: 10080,
        },
      })) as { id: string };
      for (const p of interviewer.principals.filter((p) => p.channel === CHANNEL))
        await this.client.rest.put(Routes.threadMembers(thread.id, p.user));
      return { channel: CHANNEL, chat: this.channel, thread: thread.id };
    } catch (error) {
      this.log.warn({ err: error }, 'staff thread not created');
      return null;
    }
  }

  async post(thread: StaffThread, text: string): Promise<SendOutcome> {
    try {
      await this.client.rest.post(Routes.channelMessages(thread.thread), {
        body: { content: fit(text), allowed_mentions: NO_MENTIONS },
      });
      return { status: 'delivered' };
    } catch (error) {
      if (error instanceof RateLimitError) return { status: 'rate_limited', retryAfterMs: error.retryAfter };
      if (error instanceof DiscordAPIError) return { status: 'failed', reason: String(error.code) };
      return { status: 'failed', reason: 'error' };
    }
  }

  /** Reads staff messages in the threads from the gateway and hands them to the router. */
  listen(router: Router): () => void {
    const onRaw = (packet: { t?: string | null; d?: unknown }) => {
      if (packet.t !== 'MESSAGE_CREATE') return;
      const message = packet.d as RawMessage;
      if (!message.guild_id || !message.author || message.author.bot || message.author.system) return;
      const previous = this.queues.get(message.channel_id) ?? Promise.resolve();
      const started = performance.now();
      const next = previous
        .then(() => this.receive(router, message))
        .catch((error: unknown) => this.log.error({ err: error }, 'staff thread message failed'))
        .finally(() => this.onSettled(message.id, started));
      this.queues.set(message.channel_id, next);
      void next.finally(() => {
        if (this.queues.get(message.channel_id) === next) this.queues.delete(message.channel_id);
      });
    };
    this.client.on('raw', onRaw);
    return () => this.client.off('raw', onRaw);
  }

  /** Waits for the thread messages being handled (tests and shutdown). */
  async settled(): Promise<void> {
    while (this.queues.size > 0) await Promise.all(this.queues.values());
  }

  private async receive(router: Router, message: RawMessage): Promise<void> {
    const where = { channel: CHANNEL, chat: this.channel, thread: message.channel_id } as const;
    const principal = { channel: CHANNEL, user: message.author!.id } as const;
    const text = message.content ?? '';
    const notText = !text.trim() || !!message.attachments?.length || !!message.sticker_items?.length;
    const said = await router.staffThread(principal, where, notText ? null : text);
    if (!said) return;
    const t = this.translator.translatorFor(said.locale);
    for (const line of said.texts) await this.post(where, t(line));
  }
}
