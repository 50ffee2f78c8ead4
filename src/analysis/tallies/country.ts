import type { Question } from '../../engine/flow.ts';
import { readCountry } from '../answers.ts';
import type { CountryTable } from '../model.ts';
import { BaseTally, KeyCounts } from '../tally.ts';

/** Countries by country, by UN M49 region and sub-region (a code without a region counts under "none"). */
export class CountryTally extends BaseTally {
  private readonly countries = new KeyCounts([]);
  private readonly regions = new KeyCounts([]);
  private readonly subregions = new KeyCounts([]);

  constructor(question: Question) {
    super(question);
  }

  protected answer(value: unknown): boolean {
    const country = readCountry(value);
    if (!country) return false;
    this.countries.add(country.code);
    this.regions.add(country.region ?? 'none');
    this.subregions.add(country.subregion ?? 'none');
    return true;
  }

  table(): CountryTable {
    return {
      kind: 'country',
      ...this.baseTable(),
      countries: this.countries.ranked(),
      regions: this.regions.ranked(),
      subregions: this.subregions.ranked(),
    };
  }
}
