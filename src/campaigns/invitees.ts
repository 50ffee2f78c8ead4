import type { Campaign } from './campaign.ts';
import { parseInvitees, type FileProblem, type ParsedInvitees } from './invitee-csv.ts';
import { newToken } from './tokens.ts';
import type { Invitation, InvitationStore } from '../store/invitation-store.ts';
import { normalEmail, type Invitee, type InviteeStore } from '../store/invitee-store.ts';

export interface ImportReport {
  added: number;
  /** Addresses already invited in this campaign, or twice in the file: merged. */
  merged: number;
  bad: ParsedInvitees['bad'];
  delimiter: ParsedInvitees['delimiter'];
}

/**
 * Rows written at once: a few database round trips per batch rather than four per row (100,000
 * rows were minutes on MongoDB), and a batch's documents stay well within a request.
 */
const IMPORT_BATCH = 1000;

interface Stores {
  invitees: InviteeStore;
  invitations: InvitationStore;
}

type NewInvitee = Omit<
  Invitee,
  'campaign' | 'token' | 'coordinator' | 'createdAt' | 'updatedAt' | 'language'
> & {
  language?: string;
};

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
  // Rows are distinct addresses (the parser merged repeats), as a batch wants them.
  for (let at = 0; at < parsed.rows.length; at += IMPORT_BATCH) {
    const batch = parsed.rows.slice(at, at + IMPORT_BATCH).map(({ line: _line, ...fields }) => fields);
    const results = await addInvitees(stores, campaign, coordinator, batch, now);
    added += results.filter((r) => r.added).length;
  }
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
  row: NewInvitee,
  now: Date,
): Promise<{ invitee: Invitee; added: boolean }> {
  return (await addInvitees(stores, campaign, coordinator, [row], now))[0]!;
}

/**
 * Adds invitees of distinct addresses (or merges each into the one with its address, which keeps
 * its token), in one batch. The invitations of the new tokens exist before the invitees who point
 * at them: a crash in between leaves unused tokens, never an invitee whose link does not work.
 */
async function addInvitees(
  stores: Stores,
  campaign: Campaign,
  coordinator: string,
  rows: readonly NewInvitee[],
  now: Date,
): Promise<{ invitee: Invitee; added: boolean }[]> {
  const existing = await stores.invitees.getMany(
    campaign.id,
    rows.map((row) => row.email),
  );
  const invitees: Invitee[] = [];
  const invitations: Invitation[] = [];
  for (const row of rows) {
    const found = existing.get(normalEmail(row.email));
    const invitee: Invitee = {
      ...row,
      campaign: campaign.id,
      // No language in the file: the campaign's first.
      language: row.language ?? campaign.languages[0]!,
      token: found?.token ?? newToken(),
      coordinator: found?.coordinator ?? coordinator,
      createdAt: now,
      updatedAt: now,
    };
    invitees.push(invitee);
    if (!found)
      invitations.push({
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
  if (invitations.length) await stores.invitations.createMany(invitations);
  return stores.invitees.upsertMany(invitees);
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
