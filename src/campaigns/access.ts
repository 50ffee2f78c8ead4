import type { StaffMember } from '../staff/staff.ts';
import type { Campaign } from './campaign.ts';

const active = (member: StaffMember | null): member is StaffMember => member?.status === 'active';

/** Admins and coordinators create campaigns; interviewers do not. */
export function mayCreateCampaign(member: StaffMember | null): boolean {
  return active(member) && (member.role === 'admin' || member.role === 'coordinator');
}

/**
 * Who sees, imports into and sends for a campaign: admins, and the coordinators it names (or
 * whose scope names it). Interviewers never: they hold follow-up interviews, not invitations.
 */
export function mayManageCampaign(member: StaffMember | null, campaign: Campaign): boolean {
  if (!active(member)) return false;
  if (member.role === 'admin') return true;
  return (
    member.role === 'coordinator' &&
    (campaign.coordinators.includes(member.id) || member.scope.campaigns.includes(campaign.id))
  );
}
