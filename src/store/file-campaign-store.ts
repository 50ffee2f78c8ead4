import { join } from 'node:path';
import { CAMPAIGN_ID, type Campaign } from '../campaigns/campaign.ts';
import type { CampaignStore } from './campaign-store.ts';
import { JsonlFile, reviveDates } from './jsonl-file.ts';

/** Campaigns in `<dataDir>/campaigns.jsonl` (one process). */
export class FileCampaignStore implements CampaignStore {
  private readonly file: JsonlFile<Campaign>;

  constructor(dataDir: string) {
    this.file = new JsonlFile(join(dataDir, 'campaigns.jsonl'), (raw) =>
      reviveDates(raw, ['opensAt', 'closesAt', 'createdAt', 'updatedAt']),
    );
  }

  async create(campaign: Campaign): Promise<void> {
    if (this.file.get(campaign.id)) throw new Error('campaign already exists');
    await this.file.put(structuredClone(campaign));
  }

  async get(id: string): Promise<Campaign | null> {
    if (typeof id !== 'string' || !CAMPAIGN_ID.test(id)) return null;
    const row = this.file.get(id);
    return row ? structuredClone(row) : null;
  }

  async update(campaign: Campaign): Promise<boolean> {
    if (!this.file.get(campaign.id)) return false;
    await this.file.put(structuredClone(campaign));
    return true;
  }

  async list(): Promise<Campaign[]> {
    return this.file
      .values()
      .sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime() || a.id.localeCompare(b.id))
      .map((c) => structuredClone(c));
  }

  async close(): Promise<void> {
    await this.file.close();
  }
}
