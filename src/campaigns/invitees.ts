import type { Campaign } from './campaign.ts';
import { parseInvitees, type FileProblem, type ParsedInvitees } from './invitee-csv.ts';
import { newToken } from './tokens.ts';
import type { InvitationStore } from '../store/invitation-store.ts';
import type { Invitee, InviteeStore } from '../store/invitee-store.ts';

export interface ImportReport {
  added: number;
  /** Addresses already invited in this campaign, or twice in the file: merged. */
  merged: number;
  bad: ParsedInvitees['bad'];
  delimiter: ParsedInvitees['delimiter'];
}

/** Rows written at once: a database round trip per write dominates a large import. */
const IMPORT_PARALLEL = 16;

interface Stores {
  invitees: InviteeStore;
  invitations: InvitationStore;
}

/**
 * Imports an invitee CSV into a campaign for a coordinator: each new address gets a personal
 * token (an invitation of one use, carrying the campaign, its flow, the coordinator and the
 * invitee's country), an address already there is merged and keeps its token.
 */
export async function importInvitees(
  stores: Stores,
  campaign: Campaign,
  coordinator: string,
  file: Buffer,
  now: Date,
): Promise<ImportReport | FileProblem> {
  const parsed = parseInvitees(file);
  if ('problem' in parsed) return parsed;
  let added = 0;
  // Rows are distinct addresses (the parser merged repeats), so they can be written side by side.
  const rows = parsed.rows.values();
  const worker = async () => {
    for (const row of rows) {
      const { line: _line, ...fields } = row;
      if ((await addInvitee(stores, campaign, coordinator, fields, now)).added) added++;
    }
  };
  await Promise.all(Array.from({ length: IMPORT_PARALLEL }, worker));
  return {
    added,
    merged: parsed.rows.length - added + parsed.merged,
    bad: parsed.bad,
    delimiter: parsed.delimiter,
  };
}

/** Adds one invitee (or merges into the one with that address); the token's invitation comes first. */
export async function addInvitee(
  stores: Stores,
  campaign: Campaign,
  coordinator: string,
  row: Omit<Invitee, 'campaign' | 'token' | 'coordinator' | 'createdAt' | 'updatedAt' | 'language'> & {
    language?: string;
  },
  now: Date,
): Promise<{ invitee: Invitee; added: boolean }> {
  const existing = await stores.invitees.get(campaign.id, row.email);
  // No language in the file: the campaign's first.
  const language = row.language ?? campaign.languages[0]!;
  const invitee: Invitee = {
    ...row,
    campaign: campaign.id,
    language,
    token: existing?.token ?? newToken(),
    coordinator: existing?.coordinator ?? coordinator,
    createdAt: now,
    updatedAt: now,
  };
  if (!existing) {
    // The invitation exists before the invitee who points at it: a crash in between leaves an
    // unused token, never an invitee whose link does not work.
    await stores.invitations.create({
      token: invitee.token,
      campaign: campaign.id,
      flowId: campaign.flowId,
      coordinator,
      ...(invitee.country ? { region: invitee.country } : {}),
      maxUses: 1,
      uses: 0,
      revoked: false,
      createdAt: now,
    });
  }
  return stores.invitees.upsert(invitee);
}

/** An open link for the campaign (posters, mailing lists), with an optional cap on its uses. */
export async function createOpenLink(
  invitations: InvitationStore,
  campaign: Campaign,
  coordinator: string,
  cap: number | null,
  now: Date,
): Promise<string> {
  const token = newToken();
  await invitations.create({
    token,
    campaign: campaign.id,
    flowId: campaign.flowId,
    coordinator,
    maxUses: cap,
    uses: 0,
    revoked: false,
    createdAt: now,
  });
  return token;
}
