import type { Text } from '../engine/prompt.ts';
import { StaffCommands, type Sender, type StaffReply } from '../staff/commands.ts';
import type { SignInLinks } from '../dashboard/auth/sign-in-links.ts';
import { isInterviewCommand } from '../interviews/command-names.ts';
import type { InterviewCommands } from '../interviews/commands.ts';
import { parseInvitationData, type Interviews } from '../interviews/interviews.ts';
import type { Campaigns } from '../campaigns/campaigns.ts';
import type { StaffDirectory } from '../staff/directory.ts';
import type { Principal } from '../staff/staff.ts';
import type { StaffThread } from '../store/followup-store.ts';
import { isStaffCommand, mayUse } from '../staff/permissions.ts';

/** Texts for one person, in their language. */
export interface Said {
  texts: Text[];
  locale: string;
}

/** Where one incoming update goes: exactly one of these. */
export type Route =
  /** A staff command the sender may use, already answered. */
  | { to: 'staff'; reply: StaffReply }
  /** A command nobody may use, or one the sender may not: answered like any unknown command. */
  | { to: 'unknown_command' }
  /** A follow-up conversation took it (relayed, or `/end`); `reply` is what the sender is told. */
  | { to: 'conversation'; reply?: Said }
  /** Everything else: the survey (the conversation service). */
  | { to: 'survey' };

/** Follow-up interviews, when they run: the service and the interviewers' chat commands. */
export interface InterviewRouting {
  interviews: Interviews;
  commands: InterviewCommands;
}

/** Texts the router answers in a staff thread with. */
const thread = (key: string): Text => ({ key: `interviews:thread.${key}` });

/**
 * In front of the survey, for every channel: decides where an update goes and checks rights
 * against the staff directory, in this one place. A command the survey itself knows (/start,
 * /back...) never comes here; a non-staff user who types a staff command hears what anyone
 * typing an unknown command hears, so the staff commands are not revealed.
 *
 * A respondent's typed text goes to an open follow-up conversation only while no survey question
 * waits for them; buttons carry what they belong to (a question's or an invitation's), so survey
 * answers and conversation messages never cross.
 */
export class Router {
  readonly commands: StaffCommands;

  constructor(
    readonly directory: StaffDirectory,
    links?: SignInLinks,
    readonly interviews?: InterviewRouting,
    campaigns?: Campaigns,
  ) {
    this.commands = new StaffCommands(directory, links, campaigns);
  }

  /** A command the survey does not know. */
  async command(sender: Sender, name: string, args: string): Promise<Route> {
    const command = name.toLowerCase();
    if (command === 'end' && this.interviews) {
      const ended = await this.interviews.interviews.endByRespondent(
        sender.principal.channel,
        sender.principal.user,
      );
      if (ended) return { to: 'conversation', reply: ended };
    }
    if (!isStaffCommand(command)) return { to: 'unknown_command' };
    const member = await this.directory.resolve(sender.principal);
    if (!mayUse(member, command)) return { to: 'unknown_command' };
    if (isInterviewCommand(command)) {
      const texts = this.interviews
        ? await this.interviews.commands.run(command, member!, sender.principal.channel, args)
        : [{ key: 'interviews:unavailable' }];
      return { to: 'staff', reply: { texts, locale: member!.locale } };
    }
    return { to: 'staff', reply: await this.commands.run(command, member, sender, args) };
  }

  /**
   * A respondent's typed text (no command): an open conversation takes it unless a question
   * waits. `undelivered`: kept in the transcript, but the interviewer's thread did not take it.
   */
  async respondentText(
    channel: string,
    user: string,
    text: string,
  ): Promise<{ to: 'survey' } | { to: 'conversation'; undelivered: boolean }> {
    const interviews = this.interviews?.interviews;
    const open = interviews ? await interviews.takesText(channel, user) : null;
    if (!interviews || !open) return { to: 'survey' };
    const outcome = await interviews.fromRespondent(open, text);
    return { to: 'conversation', undelivered: outcome.status !== 'delivered' };
  }

  /** A respondent came to the bot from an e-mailed invitation's page: told so while a conversation is open. */
  async followupStart(channel: string, user: string): Promise<Said | null> {
    const interviews = this.interviews?.interviews;
    const open = interviews ? await interviews.openConversationOf(channel, user) : null;
    return open
      ? { texts: [{ key: 'interviews:relay.connected' }], locale: await interviews!.localeOf(open) }
      : null;
  }

  /** Whether a respondent has a conversation open (what they send that is not text is refused there). */
  async inConversation(channel: string, user: string): Promise<boolean> {
    return !!(await this.interviews?.interviews.takesText(channel, user));
  }

  /** The platform refused delivery to the respondent for good (they blocked the bot). */
  async respondentUnreachable(channel: string, user: string): Promise<void> {
    await this.interviews?.interviews.unreachable(channel, user);
  }

  /** A button whose data is an invitation's: the answer, else null (not an invitation button). */
  async invitationButton(channel: string, user: string, data: string): Promise<Said | null> {
    const parsed = parseInvitationData(data);
    if (!parsed || !this.interviews) return null;
    return this.interviews.interviews.answerInvitation(channel, user, parsed.conversation, parsed.answer);
  }

  /**
   * A message in a staff thread (a forum topic, a private thread): from the conversation's
   * interviewer, relayed to the respondent; `/note <text>` kept privately; `/close` ends it. Anyone
   * else (a removed staff member, a stranger) is refused and nothing is relayed. Null when the
   * thread belongs to no conversation.
   */
  async staffThread(principal: Principal, where: StaffThread, text: string | null): Promise<Said | null> {
    const interviews = this.interviews?.interviews;
    const conversation = interviews ? await interviews.byThread(where) : null;
    if (!interviews || !conversation) return null;
    const member = await this.directory.resolve(principal);
    const locale = member?.locale ?? 'en';
    if (!member || !['interviewer', 'admin'].includes(member.role))
      return { texts: [thread('not_staff')], locale };
    // A photo, file or sticker: not relayed, and said so.
    if (text === null) return { texts: [{ key: 'interviews:relay.unsupported' }], locale };
    const command = /^\/(note|close)(?:@\w+)?(?:\s+([\s\S]*))?$/i.exec(text.trim());
    if (command?.[1]?.toLowerCase() === 'note') {
      const note = (command[2] ?? '').trim();
      if (!note) return { texts: [thread('note_usage')], locale };
      await interviews.note(member, conversation, note);
      return { texts: [thread('noted')], locale };
    }
    if (command?.[1]?.toLowerCase() === 'close') {
      const closed = await interviews.closeByInterviewer(member, conversation);
      return closed ? null : { texts: [thread('not_open')], locale };
    }
    if (text.startsWith('/')) return { texts: [thread('unknown_command')], locale };
    const sent = await interviews.fromInterviewer(member, conversation, text);
    if (sent.ok) return null;
    return { texts: [thread(`refused_${sent.reason}`)], locale };
  }
}
