import m49 from '../engine/m49.json' with { type: 'json' };
import { regionOf } from '../engine/regions.ts';
import type { StaffMember } from '../staff/staff.ts';
import type { InvitationStore } from '../store/invitation-store.ts';
import { countryCodeOf, type ResponseQuery, type ResponseRecord } from '../store/response-store.ts';

const COUNTRIES = Object.keys(m49 as Record<string, string[]>);

/** Whether a country is in one of the scope's regions (an M49 code or the country's own ISO code). */
function inRegions(country: string, regions: readonly string[]): boolean {
  if (regions.includes(country)) return true;
  const region = regionOf(country);
  return (
    !!region && [region.region, region.subregion, region.intermediate].some((c) => c && regions.includes(c))
  );
}

/**
 * Which responses a staff member may see: everything for an empty scope, else those of the
 * member's campaigns (through their invitations) and in the member's regions (by the answered
 * country). One place for it: the overview, the table and a single response all ask here.
 */
export class ResponseScope {
  private constructor(
    private readonly invitations: ReadonlySet<string> | null,
    private readonly regions: readonly string[] | null,
  ) {}

  static async of(member: StaffMember, invitations: InvitationStore): Promise<ResponseScope> {
    const { campaigns, regions } = member.scope;
    const tokens = campaigns.length
      ? new Set((await invitations.list()).filter((i) => campaigns.includes(i.campaign)).map((i) => i.token))
      : null;
    return new ResponseScope(tokens, regions.length ? regions : null);
  }

  get unlimited(): boolean {
    return this.invitations === null && this.regions === null;
  }

  allows(response: { invitation?: string | undefined; country?: string | undefined }): boolean {
    if (this.invitations && !(response.invitation && this.invitations.has(response.invitation))) return false;
    if (this.regions && !(response.country && inRegions(response.country, this.regions))) return false;
    return true;
  }

  /** Whether a stored response is in the scope: its invitation, and its answer to the flow's country question. */
  allowsRecord(record: ResponseRecord, countryQuestion: string | undefined): boolean {
    const country = countryQuestion ? countryCodeOf(record.answers[countryQuestion]) : undefined;
    return this.allows({ invitation: record.invitation, country });
  }

  /**
   * Narrows a table query to the scope: invitations intersected with the scope's, countries with
   * the scope's regions (needs the flow's country question; without one a regional scope sees none).
   */
  narrow(query: ResponseQuery, countryQuestion: string | undefined): ResponseQuery {
    const narrowed = { ...query };
    if (this.invitations) {
      const allowed = this.invitations;
      narrowed.invitations = (query.invitations ?? [...allowed]).filter((t) => allowed.has(t));
    }
    if (this.regions) {
      const regions = this.regions;
      const codes = (query.country?.codes ?? COUNTRIES).filter((c) => inRegions(c, regions));
      narrowed.country = { question: countryQuestion ?? '', codes: countryQuestion ? codes : [] };
    }
    return narrowed;
  }
}
