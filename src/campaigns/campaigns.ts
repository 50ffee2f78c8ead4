import type { StaffMember } from '../staff/staff.ts';
import type { AuditLog } from '../store/audit-log.ts';
import type { CampaignStore } from '../store/campaign-store.ts';
import type { InvitationStore } from '../store/invitation-store.ts';
import type { InviteeStore } from '../store/invitee-store.ts';
import type { SendLog } from '../store/send-log.ts';
import type { Flow } from '../engine/flow.ts';
import type { ResponseStore } from '../store/response-store.ts';
import { computeFunnel, type Funnel } from './funnel.ts';
import type { JobQueue } from '../jobs/job-queue.ts';
import { mayCreateCampaign, mayManageCampaign } from './access.ts';
import { campaignSchema, DEFAULT_REMINDERS, type Campaign } from './campaign.ts';
import type { FileProblem } from './invitee-csv.ts';
import { addInvitee, createOpenLink, importInvitees, type ImportReport } from './invitees.ts';
import type { Invitee } from '../store/invitee-store.ts';
import {
  invitationProgress,
  queueInvitations,
  type InvitationJob,
  type SendProgress,
} from './invitation-send.ts';

export type Refusal =
  /** No such campaign, or one the member may not see (the two are not told apart). */
  | { ok: false; reason: 'not_found' }
  /** The member's role does not do this (an interviewer creating or sending). */
  | { ok: false; reason: 'forbidden' }
  | { ok: false; reason: 'invalid'; problems: string[] }
  /** Sending needs SMTP_URL and MAIL_FROM. */
  | { ok: false; reason: 'no_smtp' };
export type Result<T> = { ok: true; value: T } | Refusal;

export interface CampaignsDeps {
  campaigns: CampaignStore;
  invitees: InviteeStore;
  invitations: InvitationStore;
  sends: SendLog;
  audit: AuditLog;
  responses: ResponseStore;
  /** A campaign's flow, by id (its country, consent and contact questions). */
  flowOf: (id: string) => Flow | undefined;
  /** The invitation send queue; null when e-mail is not configured. */
  invitationQueue: JobQueue<InvitationJob> | null;
  clock?: () => number;
}

export type NewCampaign = Omit<Campaign, 'status' | 'createdAt' | 'updatedAt' | 'reminders'> &
  Partial<Pick<Campaign, 'reminders'>>;

/**
 * What staff do with campaigns, for the chat commands and the dashboard alike, each operation
 * checked here against the member: admins everywhere, coordinators in their own campaigns,
 * interviewers nowhere.
 */
export class Campaigns {
  private readonly clock: () => number;

  constructor(private readonly deps: CampaignsDeps) {
    this.clock = deps.clock ?? Date.now;
  }

  async create(member: StaffMember, input: NewCampaign): Promise<Result<Campaign>> {
    if (!mayCreateCampaign(member)) return { ok: false, reason: 'forbidden' };
    const now = new Date(this.clock());
    const parsed = campaignSchema.safeParse({
      reminders: DEFAULT_REMINDERS,
      ...input,
      // A coordinator who creates a campaign runs it.
      coordinators:
        member.role === 'coordinator' ? [...new Set([member.id, ...input.coordinators])] : input.coordinators,
      status: 'draft',
      createdAt: now,
      updatedAt: now,
    });
    if (!parsed.success)
      return { ok: false, reason: 'invalid', problems: parsed.error.issues.map((i) => i.path.join('.')) };
    try {
      await this.deps.campaigns.create(parsed.data);
    } catch (error) {
      if ((error as Error).message === 'campaign already exists')
        return { ok: false, reason: 'invalid', problems: ['id'] };
      throw error;
    }
    await this.audit(member, 'campaign.create', parsed.data.id);
    return { ok: true, value: parsed.data };
  }

  /** The campaigns the member may see, oldest first. */
  async list(member: StaffMember): Promise<Campaign[]> {
    return (await this.deps.campaigns.list()).filter((c) => mayManageCampaign(member, c));
  }

  async get(member: StaffMember, id: string): Promise<Result<Campaign>> {
    const campaign = await this.deps.campaigns.get(id);
    if (!campaign || !mayManageCampaign(member, campaign)) return { ok: false, reason: 'not_found' };
    return { ok: true, value: campaign };
  }

  /** Changes a campaign's settings (not its id, status or dates of record); a coordinator editing it stays one of its coordinators. */
  async update(member: StaffMember, id: string, input: NewCampaign): Promise<Result<Campaign>> {
    const found = await this.get(member, id);
    if (!found.ok) return found;
    const { opensAt: _opens, closesAt: _closes, ...kept } = found.value;
    const parsed = campaignSchema.safeParse({
      ...kept,
      ...input,
      id,
      coordinators:
        member.role === 'coordinator' ? [...new Set([member.id, ...input.coordinators])] : input.coordinators,
      updatedAt: new Date(this.clock()),
    });
    if (!parsed.success)
      return { ok: false, reason: 'invalid', problems: parsed.error.issues.map((i) => i.path.join('.')) };
    await this.deps.campaigns.update(parsed.data);
    await this.audit(member, 'campaign.update', id);
    return { ok: true, value: parsed.data };
  }

  async setStatus(member: StaffMember, id: string, status: Campaign['status']): Promise<Result<Campaign>> {
    const found = await this.get(member, id);
    if (!found.ok) return found;
    const campaign = { ...found.value, status, updatedAt: new Date(this.clock()) };
    await this.deps.campaigns.update(campaign);
    await this.audit(member, 'campaign.status', id, { status });
    return { ok: true, value: campaign };
  }

  async importInvitees(
    member: StaffMember,
    id: string,
    file: Buffer,
  ): Promise<Result<ImportReport | FileProblem>> {
    const found = await this.get(member, id);
    if (!found.ok) return found;
    const report = await importInvitees(this.deps, found.value, member.id, file, new Date(this.clock()));
    await this.audit(member, 'campaign.import', id, 'added' in report ? { added: report.added } : {});
    return { ok: true, value: report };
  }

  /** Adds one invitee (or merges into the one with that address), as a row of an import would. */
  async addInvitee(
    member: StaffMember,
    id: string,
    row: Pick<Invitee, 'email' | 'name' | 'language'> & Partial<Pick<Invitee, 'country' | 'organisation'>>,
  ): Promise<Result<{ invitee: Invitee; added: boolean }>> {
    const found = await this.get(member, id);
    if (!found.ok) return found;
    const done = await addInvitee(
      this.deps,
      found.value,
      member.id,
      { ...row, attributes: {} },
      new Date(this.clock()),
    );
    await this.audit(member, 'campaign.invitee', id, { added: done.added });
    return { ok: true, value: done };
  }

  async openLink(member: StaffMember, id: string, cap: number | null): Promise<Result<string>> {
    const found = await this.get(member, id);
    if (!found.ok) return found;
    const token = await createOpenLink(
      this.deps.invitations,
      found.value,
      member.id,
      cap,
      new Date(this.clock()),
    );
    await this.audit(member, 'campaign.link', id);
    return { ok: true, value: token };
  }

  /** Queues the e-mail invitations of everyone not yet invited. */
  async sendInvitations(member: StaffMember, id: string): Promise<Result<'added' | 'exists'>> {
    const found = await this.get(member, id);
    if (!found.ok) return found;
    if (!this.deps.invitationQueue) return { ok: false, reason: 'no_smtp' };
    const queued = await queueInvitations(this.deps.invitationQueue, id, String(this.clock()));
    await this.audit(member, 'campaign.send', id);
    return { ok: true, value: queued };
  }

  async progress(member: StaffMember, id: string): Promise<Result<SendProgress>> {
    const found = await this.get(member, id);
    if (!found.ok) return found;
    return { ok: true, value: await invitationProgress(this.deps, id) };
  }

  async funnel(member: StaffMember, id: string): Promise<Result<Funnel>> {
    const found = await this.get(member, id);
    if (!found.ok) return found;
    return { ok: true, value: await computeFunnel(this.deps, found.value) };
  }

  private async audit(
    member: StaffMember,
    action: string,
    target: string,
    details?: Record<string, string | number | boolean>,
  ): Promise<void> {
    await this.deps.audit.append({
      at: new Date(this.clock()),
      actor: member.id,
      action,
      target,
      outcome: 'ok',
      ...(details ? { details } : {}),
    });
  }
}
