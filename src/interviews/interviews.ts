import { randomUUID } from 'node:crypto';
import type { Text } from '../engine/prompt.ts';
import type { Translator } from '../i18n/translator.ts';
import { silentLogger, type Logger } from '../log.ts';
import type { OutboundMessage, SendOutcome } from '../outbound/outbound.ts';
import type { StaffMember } from '../staff/staff.ts';
import type { AuditLog } from '../store/audit-log.ts';
import {
  isLive,
  messageId,
  type ClaimStore,
  type Conversation,
  type ConversationStore,
  type Side,
  type StaffThread,
} from '../store/followup-store.ts';
import type { ContactStore, ResponseStore } from '../store/response-store.ts';
import { mailOnce } from '../campaigns/invitation-send.ts';
import { followupInvitationMail, type FollowupMail } from './invitation-mail.ts';
import { answerOfSecret, newMailLinks, parseMailLink } from './mail-links.ts';
import { splitText } from './split.ts';

/** Where the interviewers' side of conversations lives on one platform (a forum or a staff channel). */
export interface StaffSpace {
  /** Opens a topic or private thread for one conversation (the interviewer added to it). */
  open(title: string, interviewer: StaffMember): Promise<StaffThread | null>;
  post(thread: StaffThread, text: string): Promise<SendOutcome>;
}

/** The part of the outbound port follow-ups use. */
export interface RespondentSender {
  sendTo(respondent: string, channel: string, message: OutboundMessage): Promise<SendOutcome>;
}

export interface InterviewDeps {
  claims: ClaimStore;
  conversations: ConversationStore;
  responses: ResponseStore;
  contacts: ContactStore;
  audit: AuditLog;
  outbound: RespondentSender;
  translator: Translator;
  /** Staff members by id, to name the interviewer and tell them things. */
  staff: { get(id: string): Promise<StaffMember | null> };
  /** Whether the respondent has a survey question waiting for them (their text goes there then). */
  surveyLive: (channel: string, user: string) => Promise<boolean>;
  respondentOf: (channel: string, user: string) => string;
  /** E-mailed invitations, when SMTP_URL and MAIL_FROM are set. */
  mail?: FollowupMail;
  clock?: () => number;
  newId?: () => string;
  log?: Logger;
}

/** Outcomes that mean the respondent's chat cannot be reached at all (then e-mail, if they gave one). */
const UNREACHABLE = new Set<SendOutcome['status']>(['blocked', 'chat_not_found', 'dms_closed']);
/** Channels a conversation can be held on: an e-mailed invitation leads the respondent back there. */
const RELAY_CHANNELS = new Set(['telegram', 'discord']);

/** What an e-mailed link is: one that still answers its invitation, or one that no longer does. */
export type MailLinkState =
  | { ok: true; conversation: Conversation; answer: InvitationAnswer; locale: string }
  | { ok: false; locale: string | null };

/** What an invitation's buttons say: accept, not now, no. */
export type InvitationAnswer = 'accept' | 'later' | 'no';

/** Why the bot refused to write to a respondent; every refusal is in the audit log. */
export type WriteRefusal = 'no_consent' | 'not_accepted' | 'closed' | 'not_holder' | 'unknown';

/** Relayed texts are cut to this many characters, in order: under Telegram's 4096 and Discord's 2000 with the header. */
export const RELAY_CHUNK = 1800;

const say = (key: string, params?: Text['params']): Text => ({
  key: `interviews:${key}`,
  ...(params ? { params } : {}),
});

/**
 * Follow-up conversations: claims, invitations, the relay both ways, closing, notes. Every write to
 * a respondent passes one gate (`writeGate`): consent still given and data not erased, the
 * conversation accepted (or this being its one invitation), the writer holding the claim; a
 * refused write is audited. Neither side's platform ids cross: the respondent is written to by
 * pseudonym through the outbound port, the interviewer through their staff thread.
 */
export class Interviews {
  private readonly spaces = new Map<string, StaffSpace>();
  private readonly clock: () => number;
  private readonly newId: () => string;
  private readonly log: Logger;

  constructor(private readonly deps: InterviewDeps) {
    this.clock = deps.clock ?? Date.now;
    this.newId = deps.newId ?? randomUUID;
    this.log = deps.log ?? silentLogger;
  }

  /** A platform's staff space, while its channel runs in this process. */
  registerSpace(channel: 'telegram' | 'discord', space: StaffSpace): () => void {
    this.spaces.set(channel, space);
    return () => {
      if (this.spaces.get(channel) === space) this.spaces.delete(channel);
    };
  }

  private now(): Date {
    return new Date(this.clock());
  }

  // --- claims ---

  async claim(member: StaffMember, respondent: string) {
    const outcome = await this.deps.claims.claim(respondent, member.id, this.now());
    await this.audit(member.id, 'followup.claim', respondent, outcome.ok ? 'ok' : 'refused');
    return outcome;
  }

  async release(member: StaffMember, respondent: string): Promise<boolean> {
    const open = (await this.deps.conversations.byRespondent(respondent)).find(isLive);
    if (open && open.interviewer === member.id) return false;
    const released = await this.deps.claims.release(respondent, member.id);
    await this.audit(member.id, 'followup.release', respondent, released ? 'ok' : 'refused');
    return released;
  }

  /** An admin gives the respondent, and any live conversation with them, to another interviewer. */
  async reassign(admin: StaffMember, respondent: string, to: StaffMember): Promise<void> {
    await this.deps.claims.reassign(respondent, to.id, this.now());
    for (const c of (await this.deps.conversations.byRespondent(respondent)).filter(isLive)) {
      await this.deps.conversations.update({ ...c, interviewer: to.id, updatedAt: this.now() });
      if (c.staffThread) await this.postToStaff(c, [say('staff.reassigned', { name: to.name })]);
    }
    await this.audit(admin.id, 'followup.reassign', respondent, 'ok', { to: to.id });
  }

  // --- invitation ---

  /**
   * Invites a respondent the member holds to talk: a staff thread opens on `spaceChannel` (the
   * interviewer's platform, else any running one) and the respondent gets the invitation with
   * Accept / Not now / No on their own channel, in their language. A respondent who asked to be
   * contacted by e-mail gets it by e-mail, with three one-time links; so does one whose chat
   * cannot be reached (blocked, gone) when they gave an e-mail address.
   */
  async invite(
    member: StaffMember,
    respondent: string,
    responseId: string,
    spaceChannel: string,
    header: string[],
  ): Promise<
    | { ok: true; conversation: Conversation; outcome: SendOutcome }
    | { ok: false; reason: WriteRefusal | 'no_space' | 'live' | 'email_only' }
  > {
    const claim = await this.deps.claims.get(respondent);
    if (claim?.interviewer !== member.id) return this.refuse(member.id, respondent, 'not_holder');
    const target = await this.consented(responseId);
    if (target && target.response.respondent !== respondent)
      return this.refuse(member.id, respondent, 'unknown');
    if (!target) return this.refuse(member.id, respondent, 'no_consent');
    const byMail = !target.contact.viaChat;
    if (byMail && !this.mailable(target)) return { ok: false, reason: 'email_only' };
    const previous = await this.deps.conversations.byRespondent(respondent);
    if (previous.some(isLive)) return { ok: false, reason: 'live' };
    // Someone who said no is not asked again, by anyone.
    if (previous.some((c) => c.status === 'declined'))
      return this.refuse(member.id, respondent, 'not_accepted');
    const space = this.spaces.get(spaceChannel) ?? [...this.spaces.values()][0];
    if (!space) return { ok: false, reason: 'no_space' };
    const now = this.now();
    const conversation: Conversation = {
      id: this.newId(),
      respondent,
      channel: target.response.channel,
      flowId: target.response.flowId,
      response: target.response.id,
      interviewer: member.id,
      status: 'invited',
      invitedBy: byMail ? 'email' : 'chat',
      createdAt: now,
      updatedAt: now,
    };
    const t = this.deps.translator.translatorFor(member.locale);
    const thread = await space.open(t(say('staff.topic', { handle: respondent.slice(0, 8) })), member);
    if (!thread) return { ok: false, reason: 'no_space' };
    conversation.staffThread = thread;
    await this.deps.conversations.create(conversation);
    await this.postLines(conversation, [...header, t(say('staff.invited'))]);
    let sent: { conversation: Conversation; outcome: SendOutcome };
    if (byMail) sent = await this.mailInvitation(member, conversation, target);
    else {
      const outcome = await this.deps.outbound.sendTo(respondent, conversation.channel, {
        kind: 'text',
        locale: target.locale,
        texts: [
          say('invitation.text', {
            name: firstName(member.name),
            role: { key: `staff:role.${member.role}` },
          }),
        ],
        buttons: (['accept', 'later', 'no'] as const).map((a) => ({
          text: say(`invitation.${a}`),
          data: invitationData(conversation.id, a),
        })),
      });
      sent = { conversation, outcome };
      // The chat is gone for good: the e-mail address they gave is the other way to ask them.
      if (UNREACHABLE.has(outcome.status) && this.mailable(target)) {
        await this.postToStaff(conversation, [say(`staff.mail_fallback_${outcome.status}`)]);
        sent = await this.mailInvitation(member, conversation, target);
      }
    }
    const via = sent.conversation.invitedBy ?? 'chat';
    await this.audit(member.id, 'followup.invite', respondent, 'ok', { outcome: sent.outcome.status, via });
    if (sent.outcome.status !== 'delivered') await this.undeliverable(sent.conversation, sent.outcome);
    return { ok: true, ...sent };
  }

  /** Whether an invitation may go by e-mail: an address given, mail set up, a chat to hold it in. */
  private mailable(target: NonNullable<Awaited<ReturnType<Interviews['consented']>>>): boolean {
    return !!(target.contact.email && this.deps.mail && RELAY_CHANNELS.has(target.response.channel));
  }

  /**
   * The invitation by e-mail: the links' hashes are stored first, then the send is claimed in the
   * send log before the message leaves and settled after, so it is never e-mailed twice.
   */
  private async mailInvitation(
    member: StaffMember,
    conversation: Conversation,
    target: NonNullable<Awaited<ReturnType<Interviews['consented']>>>,
  ): Promise<{ conversation: Conversation; outcome: SendOutcome }> {
    const mail = this.deps.mail!;
    const now = this.now();
    const { links, stored } = newMailLinks(conversation.id, now.getTime());
    const updated: Conversation = { ...conversation, invitedBy: 'email', mailLinks: stored, updatedAt: now };
    await this.deps.conversations.update(updated);
    const message = followupInvitationMail(
      this.deps.translator,
      mail,
      { email: target.contact.email!, name: target.contact.name, locale: target.locale },
      { name: firstName(member.name), role: member.role },
      links,
      conversation.id,
    );
    const status = await mailOnce(mail, message, this.clock, {
      key: `followup:${conversation.id}`,
      campaign: `followup:${conversation.flowId}`,
      kind: 'followup',
      respondent: conversation.respondent,
    });
    if (status === null)
      return { conversation: updated, outcome: { status: 'failed', reason: 'sent before' } };
    if (status !== 'sent')
      return { conversation: updated, outcome: { status: 'failed', reason: `e-mail ${status}` } };
    await this.postToStaff(updated, [say('staff.mailed')]);
    return { conversation: updated, outcome: { status: 'delivered' } };
  }

  /** The respondent pressed a button of an invitation: returns what they are told. */
  async answerInvitation(
    channel: string,
    user: string,
    conversationId: string,
    answer: InvitationAnswer,
  ): Promise<{ texts: Text[]; locale: string }> {
    const respondent = this.deps.respondentOf(channel, user);
    const conversation = await this.deps.conversations.get(conversationId);
    const locale = (conversation && (await this.consented(conversation.response))?.locale) || 'en';
    // Another person's invitation, a forged id, or one already answered: nothing changes.
    if (!conversation || conversation.respondent !== respondent || conversation.status !== 'invited')
      return { texts: [say('invitation.stale')], locale };
    if (!(await this.settle(conversation, answer))) return { texts: [say('invitation.stale')], locale };
    return { texts: [say(`invitation.answered_${answer}`)], locale };
  }

  /**
   * What an e-mailed link answers, changing nothing (a GET, which mail scanners make too): its
   * answer while the invitation is open, unexpired and consented; else only the page's language.
   */
  async mailLink(link: string): Promise<MailLinkState> {
    const parsed = parseMailLink(link);
    const conversation = parsed ? await this.deps.conversations.get(parsed.conversation) : null;
    const target = conversation ? await this.consented(conversation.response) : null;
    const links = conversation?.mailLinks;
    const answer = links && parsed ? answerOfSecret(links, parsed.secret) : null;
    // Only a real link (used or not) learns the respondent's language; a forged one gets the browser's.
    const locale = answer && target ? target.locale : null;
    if (!conversation || !target || !links || !answer) return { ok: false, locale };
    if (conversation.status !== 'invited' || links.expires <= this.clock()) return { ok: false, locale };
    return { ok: true, conversation, answer, locale: target.locale };
  }

  /** An e-mailed link confirmed (a POST): answers the invitation as its button would, once. */
  async answerByMail(link: string): Promise<MailLinkState> {
    const state = await this.mailLink(link);
    if (!state.ok) return state;
    if (!(await this.settle(state.conversation, state.answer))) return { ok: false, locale: state.locale };
    return state;
  }

  /**
   * An invitation answered: every link and button of it stops working (they answer only while it
   * is 'invited'; the links' hashes stay, so a used link still shows its page in the right language).
   * False when another answer (a second press, another link, a /close) changed it first.
   */
  private async settle(conversation: Conversation, answer: InvitationAnswer): Promise<boolean> {
    const status = answer === 'accept' ? 'open' : answer === 'later' ? 'postponed' : 'declined';
    const updated: Conversation = { ...conversation, status, updatedAt: this.now() };
    if (!(await this.deps.conversations.update(updated, conversation))) return false;
    const byMail = conversation.invitedBy === 'email' && answer === 'accept';
    await this.postToStaff(updated, [
      say(`staff.answer_${answer}`),
      ...(byMail ? [say('staff.accepted_by_mail')] : []),
    ]);
    return true;
  }

  // --- the relay ---

  /** The respondent's conversation messages go to, if any (accepted and not ended). */
  async openConversationOf(channel: string, user: string): Promise<Conversation | null> {
    const respondent = this.deps.respondentOf(channel, user);
    return (await this.deps.conversations.byRespondent(respondent)).find((c) => c.status === 'open') ?? null;
  }

  /** The language the respondent is written to in a conversation. */
  async localeOf(conversation: Conversation): Promise<string> {
    return (await this.consented(conversation.response))?.locale ?? 'en';
  }

  /**
   * Whether the respondent's free text belongs to a conversation: one is open and no survey
   * question waits for them (a live question keeps its answers, so the two never cross).
   */
  async takesText(channel: string, user: string): Promise<Conversation | null> {
    const open = await this.openConversationOf(channel, user);
    if (!open) return null;
    return (await this.deps.surveyLive(channel, user)) ? null : open;
  }

  /** A respondent's message, relayed to the interviewer's thread and kept in the transcript. */
  async fromRespondent(conversation: Conversation, text: string): Promise<SendOutcome> {
    await this.record(conversation, 'respondent', 'respondent', text);
    const t = await this.staffT(conversation);
    const outcomes = [];
    for (const chunk of splitText(text, RELAY_CHUNK))
      outcomes.push(await this.post(conversation, `${t(say('staff.respondent_says'))}\n${chunk}`));
    return outcomes.find((o) => o.status !== 'delivered') ?? { status: 'delivered' };
  }

  /** The conversation a staff thread belongs to. */
  byThread(thread: StaffThread): Promise<Conversation | null> {
    return this.deps.conversations.byStaffThread(thread);
  }

  /**
   * An interviewer's message in a conversation's thread, relayed to the respondent under the
   * interviewer's first name and role. Refused (and audited) unless the gate lets it through.
   */
  async fromInterviewer(
    member: StaffMember,
    conversation: Conversation,
    text: string,
    options: { fromDashboard?: boolean } = {},
  ): Promise<{ ok: true } | { ok: false; reason: WriteRefusal | 'undelivered' }> {
    const gate = await this.writeGate(member, conversation);
    if (gate) return this.refuse(member.id, conversation.respondent, gate);
    await this.record(conversation, 'interviewer', member.id, text);
    // Written on the dashboard: the staff thread shows it too, so it stays the whole conversation.
    if (options.fromDashboard) {
      const t = await this.staffT(conversation);
      for (const chunk of splitText(text, RELAY_CHUNK))
        await this.post(conversation, `${t(say('staff.from_dashboard', { name: member.name }))}\n${chunk}`);
    }
    const locale = (await this.consented(conversation.response))?.locale ?? 'en';
    const header = say('relay.from', {
      name: firstName(member.name),
      role: { key: `staff:role.${member.role}` },
    });
    for (const chunk of splitText(text, RELAY_CHUNK)) {
      const outcome = await this.deps.outbound.sendTo(conversation.respondent, conversation.channel, {
        kind: 'text',
        locale,
        texts: [header],
        body: chunk,
      });
      if (outcome.status !== 'delivered') {
        await this.undeliverable(conversation, outcome);
        return { ok: false, reason: 'undelivered' };
      }
    }
    return { ok: true };
  }

  /** The respondent sent `/end`: the conversation closes, both sides told. */
  async endByRespondent(channel: string, user: string): Promise<{ texts: Text[]; locale: string } | null> {
    const open = await this.openConversationOf(channel, user);
    if (!open) return null;
    const locale = (await this.consented(open.response))?.locale ?? 'en';
    await this.finish(open, 'closed', 'respondent');
    await this.postToStaff(open, [say('staff.ended_by_respondent')]);
    return { texts: [say('relay.ended_by_you')], locale };
  }

  /** The interviewer closes the conversation: the respondent is told, the claim stays for the record. */
  async closeByInterviewer(member: StaffMember, conversation: Conversation): Promise<boolean> {
    if (!isLive(conversation) || (conversation.interviewer !== member.id && member.role !== 'admin'))
      return false;
    const wasOpen = conversation.status === 'open';
    await this.finish(conversation, 'closed', 'interviewer');
    if (wasOpen) {
      const locale = (await this.consented(conversation.response))?.locale ?? 'en';
      await this.deps.outbound.sendTo(conversation.respondent, conversation.channel, {
        kind: 'text',
        locale,
        texts: [say('relay.closed_by_interviewer', { name: firstName(member.name) })],
      });
    }
    await this.postToStaff(conversation, [say('staff.closed')]);
    await this.audit(member.id, 'followup.close', conversation.respondent, 'ok');
    return true;
  }

  /** A private note on a conversation: kept, never relayed. */
  async note(member: StaffMember, conversation: Conversation, text: string): Promise<void> {
    const at = this.now();
    await this.deps.conversations.addNote({
      id: messageId(at),
      conversation: conversation.id,
      respondent: conversation.respondent,
      at,
      author: member.id,
      text,
    });
  }

  /** The platform refused delivery for good (the respondent blocked the bot): marked, interviewer told. */
  async unreachable(channel: string, user: string): Promise<void> {
    const respondent = this.deps.respondentOf(channel, user);
    for (const c of (await this.deps.conversations.byRespondent(respondent)).filter(isLive)) {
      if (c.channel !== channel) continue;
      await this.undeliverable(c, { status: 'blocked' });
    }
  }

  /** Before the respondent's data is erased: a live conversation ends, and the interviewer is told why. */
  async beforeErase(respondent: string): Promise<void> {
    for (const c of (await this.deps.conversations.byRespondent(respondent)).filter(isLive)) {
      await this.postToStaff(c, [say('staff.erased')]);
    }
  }

  // --- the gate ---

  /** Why `member` may not write into `conversation` now, or null when they may. */
  private async writeGate(member: StaffMember, conversation: Conversation): Promise<WriteRefusal | null> {
    if (member.status !== 'active') return 'not_holder';
    if (conversation.interviewer !== member.id) return 'not_holder';
    if (!(await this.consented(conversation.response))) return 'no_consent';
    if (
      conversation.status === 'invited' ||
      conversation.status === 'postponed' ||
      conversation.status === 'declined'
    )
      return 'not_accepted';
    if (conversation.status !== 'open') return 'closed';
    return null;
  }

  /**
   * The response a conversation follows up, with its contact details and the language to write
   * in, while the respondent still agrees to be contacted; null when they declined the contact
   * question or their data is erased (the contact record goes with it).
   */
  private async consented(responseId: string) {
    const contact = await this.deps.contacts.get(responseId);
    const response = contact ? await this.deps.responses.get(responseId) : null;
    if (!contact || !response) return null;
    const agreed = Object.values(response.answers).some(
      (a) => a.status === 'answered' && (a.value as { agreed?: unknown } | null)?.agreed === 'yes',
    );
    return agreed ? { response, contact, locale: contact.language || response.locale } : null;
  }

  private async refuse(actor: string, respondent: string, reason: WriteRefusal) {
    await this.audit(actor, 'followup.write', respondent, 'refused', { reason });
    return { ok: false as const, reason };
  }

  // --- helpers ---

  private async finish(
    c: Conversation,
    status: 'closed' | 'unreachable',
    by: Conversation['endedBy'] & string,
  ) {
    await this.deps.conversations.update({ ...c, status, endedBy: by, updatedAt: this.now() });
  }

  private async undeliverable(c: Conversation, outcome: SendOutcome): Promise<void> {
    if (
      outcome.status === 'blocked' ||
      outcome.status === 'chat_not_found' ||
      outcome.status === 'dms_closed'
    ) {
      await this.finish(c, 'unreachable', 'platform');
      await this.postToStaff(c, [say(`staff.unreachable_${outcome.status}`)]);
    } else {
      await this.postToStaff(c, [say('staff.not_delivered', { status: outcome.status })]);
    }
  }

  private async record(c: Conversation, side: Side, author: string, text: string): Promise<void> {
    const at = this.now();
    await this.deps.conversations.append({
      id: messageId(at),
      conversation: c.id,
      respondent: c.respondent,
      at,
      side,
      author,
      text,
    });
  }

  private async staffT(c: Conversation) {
    const member = await this.deps.staff.get(c.interviewer);
    return this.deps.translator.translatorFor(member?.locale ?? 'en');
  }

  private async postToStaff(c: Conversation, texts: Text[]): Promise<void> {
    const t = await this.staffT(c);
    await this.postLines(
      c,
      texts.map((x) => t(x)),
    );
  }

  private async postLines(c: Conversation, lines: string[]): Promise<void> {
    for (const chunk of splitText(lines.join('\n'), RELAY_CHUNK)) await this.post(c, chunk);
  }

  private async post(c: Conversation, text: string): Promise<SendOutcome> {
    const space = c.staffThread ? this.spaces.get(c.staffThread.channel) : undefined;
    if (!space || !c.staffThread) return { status: 'failed', reason: 'no staff space' };
    const outcome = await space.post(c.staffThread, text);
    if (outcome.status !== 'delivered')
      this.log.warn({ conversation: c.id, outcome: outcome.status }, 'staff thread message not delivered');
    return outcome;
  }

  private async audit(
    actor: string,
    action: string,
    target: string,
    outcome: 'ok' | 'refused',
    details?: Record<string, string>,
  ): Promise<void> {
    await this.deps.audit.append({
      at: this.now(),
      actor,
      action,
      target,
      outcome,
      ...(details ? { details } : {}),
    });
  }
}

/** The callback data of an invitation's button: `!fu:<conversation>:<a|l|n>` (under 64 bytes). */
export function invitationData(conversation: string, answer: InvitationAnswer): string {
  return `!fu:${conversation}:${answer[0]}`;
}

const INVITATION_DATA = /^!fu:([0-9a-f-]{36}):([aln])$/;
const ANSWERS: Record<string, InvitationAnswer> = { a: 'accept', l: 'later', n: 'no' };

export function parseInvitationData(data: string): { conversation: string; answer: InvitationAnswer } | null {
  const m = INVITATION_DATA.exec(data);
  return m ? { conversation: m[1]!, answer: ANSWERS[m[2]!]! } : null;
}

/** What the respondent sees of the interviewer: the first word of their name. */
export const firstName = (name: string): string => name.trim().split(/\s+/)[0] ?? '';
