import type { Role, StaffMember } from '../staff/staff.ts';

/** Who may open a route: anyone, any signed-in staff member, or members of some roles. */
export type Access = 'public' | 'staff' | readonly Role[];

/**
 * Every route of the dashboard and who may use it: the one permission table of the web side
 * (README "Staff dashboard" shows it). A route missing here is not served; the server checks
 * each request against its route's entry before any handler runs, and a test opens every route
 * as every role and as nobody.
 */
export const DASHBOARD_ROUTES = [
  { method: 'GET', path: '/dashboard', access: 'staff', what: 'overview' },
  {
    method: 'GET',
    path: '/dashboard/overview/live',
    access: 'staff',
    what: "the overview's figures (polled)",
  },
  { method: 'GET', path: '/dashboard/responses', access: 'staff', what: 'responses, filtered and paged' },
  {
    method: 'GET',
    path: '/dashboard/responses/:id',
    access: 'staff',
    what: 'one response (contact details: admins, claiming interviewer)',
  },
  { method: 'GET', path: '/dashboard/reports', access: 'staff', what: 'the report, filtered and split' },
  {
    method: 'GET',
    path: '/dashboard/reports/file',
    access: 'staff',
    what: 'the report as HTML, Markdown or JSON',
  },
  {
    method: 'GET',
    path: '/dashboard/exports/file',
    access: ['admin', 'coordinator'],
    what: 'one row per respondent: CSV, XLSX, SPSS, R, JSON lines',
  },
  {
    method: 'GET',
    path: '/dashboard/coding',
    access: 'staff',
    what: 'open questions to code, and who coded',
  },
  { method: 'GET', path: '/dashboard/coding/:question', access: 'staff', what: 'code one answer at a time' },
  { method: 'POST', path: '/dashboard/coding/:question', access: 'staff', what: "saves an answer's codes" },
  {
    method: 'GET',
    path: '/dashboard/coding/:question/agreement',
    access: 'staff',
    what: "two coders' agreement (kappa)",
  },
  { method: 'GET', path: '/dashboard/staff', access: ['admin'], what: 'staff members' },
  { method: 'POST', path: '/dashboard/staff/invite', access: ['admin'], what: 'a code for a new member' },
  { method: 'POST', path: '/dashboard/staff/:id', access: ['admin'], what: "a member's role and scope" },
  { method: 'POST', path: '/dashboard/staff/:id/revoke', access: ['admin'], what: 'revoke a member' },
  { method: 'GET', path: '/dashboard/audit', access: ['admin'], what: 'audit log' },
  {
    method: 'GET',
    path: '/dashboard/followups',
    access: ['admin', 'interviewer'],
    what: 'respondents who agreed to a follow-up, filtered as `/followups` (audited)',
  },
  {
    method: 'POST',
    path: '/dashboard/followups/claim',
    access: ['admin', 'interviewer'],
    what: 'claims one, as `/claim`',
  },
  {
    method: 'POST',
    path: '/dashboard/followups/release',
    access: ['admin', 'interviewer'],
    what: 'releases one, as `/release`',
  },
  {
    method: 'GET',
    path: '/dashboard/conversations',
    access: ['admin', 'interviewer'],
    what: 'follow-up conversations (interviewers: theirs)',
  },
  {
    method: 'GET',
    path: '/dashboard/conversations/:id',
    access: ['admin', 'interviewer'],
    what: 'one conversation, its transcript live (its interviewer)',
  },
  {
    method: 'GET',
    path: '/dashboard/conversations/:id/live',
    access: ['admin', 'interviewer'],
    what: 'its transcript (polled, not audited)',
  },
  {
    method: 'POST',
    path: '/dashboard/conversations/:id/messages',
    access: ['admin', 'interviewer'],
    what: 'a message into one (its interviewer)',
  },
  {
    method: 'GET',
    path: '/dashboard/campaigns',
    access: ['admin', 'coordinator'],
    what: 'campaigns (coordinators: theirs)',
  },
  {
    method: 'GET',
    path: '/dashboard/campaigns/new',
    access: ['admin', 'coordinator'],
    what: 'the form for a new campaign',
  },
  {
    method: 'POST',
    path: '/dashboard/campaigns',
    access: ['admin', 'coordinator'],
    what: 'creates a campaign',
  },
  {
    method: 'GET',
    path: '/dashboard/campaigns/:campaign',
    access: ['admin', 'coordinator'],
    what: "a campaign's settings and status",
  },
  {
    method: 'POST',
    path: '/dashboard/campaigns/:campaign',
    access: ['admin', 'coordinator'],
    what: 'changes its settings',
  },
  {
    method: 'POST',
    path: '/dashboard/campaigns/:campaign/status',
    access: ['admin', 'coordinator'],
    what: 'opens or closes it',
  },
  {
    method: 'GET',
    path: '/dashboard/campaigns/:campaign/invitees',
    access: ['admin', 'coordinator'],
    what: 'its invitees, paged (audited)',
  },
  {
    method: 'POST',
    path: '/dashboard/campaigns/:campaign/invitees/import',
    access: ['admin', 'coordinator'],
    what: 'imports an invitee CSV',
  },
  {
    method: 'POST',
    path: '/dashboard/campaigns/:campaign/invitees',
    access: ['admin', 'coordinator'],
    what: 'adds one invitee',
  },
  {
    method: 'GET',
    path: '/dashboard/campaigns/:campaign/links',
    access: ['admin', 'coordinator'],
    what: 'its open links',
  },
  {
    method: 'POST',
    path: '/dashboard/campaigns/:campaign/links',
    access: ['admin', 'coordinator'],
    what: 'a new open link',
  },
  {
    method: 'GET',
    path: '/dashboard/campaigns/:campaign/qr',
    access: ['admin', 'coordinator'],
    what: "a link's QR code (SVG, PNG)",
  },
  {
    method: 'GET',
    path: '/dashboard/campaigns/:campaign/poster/:lang',
    access: ['admin', 'coordinator'],
    what: 'a printable poster in one language',
  },
  {
    method: 'GET',
    path: '/dashboard/campaigns/:campaign/send',
    access: ['admin', 'coordinator'],
    what: 'e-mail invitations and their progress',
  },
  {
    method: 'POST',
    path: '/dashboard/campaigns/:campaign/send',
    access: ['admin', 'coordinator'],
    what: 'starts the e-mail invitations',
  },
  {
    method: 'GET',
    path: '/dashboard/campaigns/:campaign/send/live',
    access: ['admin', 'coordinator'],
    what: "the send's progress (polled)",
  },
  {
    method: 'GET',
    path: '/dashboard/campaigns/:campaign/funnel',
    access: ['admin', 'coordinator'],
    what: 'its funnel, split and charted',
  },
  {
    method: 'GET',
    path: '/dashboard/campaigns/:campaign/funnel/file',
    access: ['admin', 'coordinator'],
    what: 'its funnel as CSV',
  },
  { method: 'GET', path: '/dashboard/signin', access: 'public', what: 'how to sign in' },
  {
    method: 'GET',
    path: '/dashboard/signin/:token',
    access: 'public',
    what: 'a sign-in link: asks to confirm',
  },
  { method: 'POST', path: '/dashboard/signin', access: 'public', what: 'signs in (once per link)' },
  { method: 'POST', path: '/dashboard/signout', access: 'staff', what: 'signs this browser out' },
  { method: 'POST', path: '/dashboard/signout/everywhere', access: 'staff', what: 'signs out every browser' },
  { method: 'GET', path: '/dashboard/assets/:file', access: 'public', what: 'stylesheet and htmx' },
] as const satisfies readonly { method: 'GET' | 'POST'; path: string; access: Access; what: string }[];

export type RoutePath = (typeof DASHBOARD_ROUTES)[number]['path'];

/** A route's access; HEAD is GET's (Fastify answers HEAD for every GET route). */
export function accessOf(method: string, path: string): Access | undefined {
  const asked = method === 'HEAD' ? 'GET' : method;
  return DASHBOARD_ROUTES.find((r) => r.method === asked && r.path === path)?.access;
}

/** Whether a member (null: nobody signed in) may use a route with this access. */
export function mayUse(access: Access, member: StaffMember | null): boolean {
  if (access === 'public') return true;
  if (!member || member.status !== 'active') return false;
  return access === 'staff' || access.includes(member.role);
}

/**
 * Whether a member may read a response's contact details: admins, and the interviewer who holds
 * that respondent's follow-up claim, which `assigned` answers.
 */
export function mayReadContact(
  member: StaffMember,
  assigned: (member: StaffMember) => boolean = () => false,
): boolean {
  return member.role === 'admin' || (member.role === 'interviewer' && assigned(member));
}
