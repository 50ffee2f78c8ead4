import type { Flow } from '../engine/flow.ts';
import type { Text } from '../engine/prompt.ts';
import type { Translator } from '../i18n/translator.ts';
import type { StaffMember } from '../staff/staff.ts';
import type { InvitationStore } from '../store/invitation-store.ts';
import { byHandle, candidatesFor, type Candidate, type CandidateDeps } from './candidates.ts';
import type { InterviewCommand } from './command-names.ts';
import { guideLines, loadGuide, type GuideEntry } from './guide.ts';
import type { Interviews } from './interviews.ts';
import { summaryLines } from './summary.ts';

/** A chat shows this many respondents per page; `/followups page:2 …` shows the next ones. */
export const LIST_MAX = 20;
/** `page:N` among the filter parts: a page of the list, not a filter (no question id has a colon). */
const PAGE_PART = /^page:(\d{1,6})$/i;

const say = (key: string, params?: Text['params']): Text => ({
  key: `interviews:${key}`,
  ...(params ? { params } : {}),
});
/** A line already in the reader's language (answers, names). */
const line = (text: string): Text => say('line', { text });

export interface InterviewCommandDeps extends CandidateDeps {
  interviews: Interviews;
  translator: Translator;
  invitations: InvitationStore;
  staff: { get(id: string): Promise<StaffMember | null> };
}

/** The chat commands of interviewers (and admins); the router checked the role already. */
export class InterviewCommands {
  /** Each flow's interview guide, read once. */
  private readonly guides = new Map<string, GuideEntry[]>();

  constructor(private readonly deps: InterviewCommandDeps) {}

  private guideOf(flow: Flow): GuideEntry[] {
    let guide = this.guides.get(flow.id);
    if (!guide) this.guides.set(flow.id, (guide = loadGuide(flow)));
    return guide;
  }

  async run(command: InterviewCommand, member: StaffMember, channel: string, args: string): Promise<Text[]> {
    switch (command) {
      case 'followups':
        return this.list(member, args);
      case 'claim':
        return this.withCandidate(member, args, (c) => this.claim(member, c));
      case 'release':
        return this.withCandidate(member, args, async (c) =>
          (await this.deps.interviews.release(member, c.respondent))
            ? [say('release.done', { handle: c.handle })]
            : [say('release.not_yours', { handle: c.handle })],
        );
      case 'reassign':
        return this.reassign(member, args);
      case 'invite':
        return this.withCandidate(member, args, (c) => this.invite(member, c, channel));
    }
  }

  /** The candidates the member may see (their scope), matching a filter. */
  private candidates(member: StaffMember, filterArgs: string) {
    return candidatesFor(this.deps, member, filterArgs);
  }

  private async list(member: StaffMember, args: string): Promise<Text[]> {
    const parts = args.trim().split(/\s+/).filter(Boolean);
    const pageParts = parts.map((p) => PAGE_PART.exec(p)).filter((m) => m !== null);
    const filters = parts.filter((p) => !PAGE_PART.test(p)).join(' ');
    const page = Math.max(1, Number(pageParts.at(-1)?.[1] ?? 1));
    const result = await this.candidates(member, filters);
    if (!result.ok) return [say('filter.bad', { part: result.bad })];
    const { found } = result;
    if (found.length === 0) return [say('list.none')];
    const pages = Math.ceil(found.length / LIST_MAX);
    if (page > pages) return [say('list.no_page', { page, pages })];
    const t = this.deps.translator.translatorFor(member.locale);
    const texts: Text[] = [say('list.count', { count: found.length })];
    if (pages > 1) texts.push(say('list.page', { page, pages }));
    const start = (page - 1) * LIST_MAX;
    for (const c of found.slice(start, start + LIST_MAX)) {
      const holder = c.claim ? await this.deps.staff.get(c.claim.interviewer) : null;
      const status = !c.claim
        ? say('list.free')
        : c.claim.interviewer === member.id
          ? say('list.yours')
          : say('list.claimed', { name: holder?.name ?? '?' });
      const head = t(
        say('list.item', {
          handle: c.handle,
          language: c.response.locale,
          channel: { key: `dashboard:channel.${c.response.channel}` },
          status,
        }),
      );
      texts.push(line([head, ...summaryLines(c.flow, c.response, t).map((l) => `  ${l}`)].join('\n')));
    }
    const rest = found.length - start - LIST_MAX;
    const next = `/followups page:${page + 1}${filters ? ` ${filters}` : ''}`;
    if (rest > 0) texts.push(say('list.more', { count: rest, command: next }));
    texts.push(say('list.hint'));
    return texts;
  }

  /** Runs `act` on the respondent a handle names among those the member may see. */
  private async withCandidate(
    member: StaffMember,
    args: string,
    act: (c: Candidate) => Promise<Text[]>,
  ): Promise<Text[]> {
    const handle = args.trim().split(/\s+/)[0] ?? '';
    if (!handle) return [say('handle.usage')];
    const result = await this.candidates(member, '');
    const found = result.ok ? byHandle(result.found, handle) : null;
    if (!found) return [say('handle.unknown', { handle: handle.slice(0, 32) })];
    return act(found);
  }

  private async claim(member: StaffMember, c: Candidate): Promise<Text[]> {
    const outcome = await this.deps.interviews.claim(member, c.respondent);
    if (outcome.ok) return [say('claim.done', { handle: c.handle })];
    const holder = await this.deps.staff.get(outcome.holder.interviewer);
    return [say('claim.taken', { handle: c.handle, name: holder?.name ?? '?' })];
  }

  private async reassign(member: StaffMember, args: string): Promise<Text[]> {
    const [handle = '', to = ''] = args.trim().split(/\s+/);
    if (!handle || !to) return [say('reassign.usage')];
    const target = /^[A-Za-z0-9_-]{1,64}$/.test(to) ? await this.deps.staff.get(to) : null;
    if (!target || target.status !== 'active' || !['interviewer', 'admin'].includes(target.role))
      return [say('reassign.no_such_interviewer')];
    return this.withCandidate(member, handle, async (c) => {
      await this.deps.interviews.reassign(member, c.respondent, target);
      return [say('reassign.done', { handle: c.handle, name: target.name })];
    });
  }

  private async invite(member: StaffMember, c: Candidate, channel: string): Promise<Text[]> {
    const t = this.deps.translator.translatorFor(member.locale);
    const header = [
      t(say('staff.header', { handle: c.handle, language: c.response.locale })),
      ...summaryLines(c.flow, c.response, t),
      ...guideLines(c.flow, this.guideOf(c.flow), c.response, t),
    ];
    const result = await this.deps.interviews.invite(member, c.respondent, c.response.id, channel, header);
    if (!result.ok) return [say(`invite.${result.reason}`, { handle: c.handle })];
    if (result.outcome.status !== 'delivered')
      return [say('invite.undelivered', { handle: c.handle, status: result.outcome.status })];
    if (result.conversation.invitedBy === 'email') return [say('invite.mailed', { handle: c.handle })];
    return [say('invite.sent', { handle: c.handle })];
  }
}
