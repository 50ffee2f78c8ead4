/** The chat commands of interviewers (and admins), routed to the interview commands. */
export const INTERVIEW_COMMANDS = ['followups', 'claim', 'release', 'reassign', 'invite'] as const;
export type InterviewCommand = (typeof INTERVIEW_COMMANDS)[number];

export const isInterviewCommand = (name: string): name is InterviewCommand =>
  (INTERVIEW_COMMANDS as readonly string[]).includes(name);
