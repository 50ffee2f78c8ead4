import type { Campaign } from '../campaigns/campaign.ts';

/** Campaigns, by id. Not personal data: names, dates, policies and staff ids. */
export interface CampaignStore {
  /** Stores a new campaign; throws 'campaign already exists' when the id is taken. */
  create(campaign: Campaign): Promise<void>;
  get(id: string): Promise<Campaign | null>;
  /** Replaces a stored campaign (same id); false when there is none. */
  update(campaign: Campaign): Promise<boolean>;
  /** Every campaign, oldest first. */
  list(): Promise<Campaign[]>;
  close(): Promise<void>;
}
