import ct from 'countries-and-timezones';

/**
 * Countries across several time zones, by the zone most of their people live in: the library's
 * list is alphabetical, which for Russia would start in Anadyr.
 */
const MAIN_ZONE: Record<string, string> = {
  RU: 'Europe/Moscow',
  US: 'America/New_York',
  CA: 'America/Toronto',
  BR: 'America/Sao_Paulo',
  AU: 'Australia/Sydney',
  MX: 'America/Mexico_City',
  ID: 'Asia/Jakarta',
  KZ: 'Asia/Almaty',
  CN: 'Asia/Shanghai',
  AR: 'America/Argentina/Buenos_Aires',
  CD: 'Africa/Kinshasa',
  MN: 'Asia/Ulaanbaatar',
  UA: 'Europe/Kyiv',
  ES: 'Europe/Madrid',
  PT: 'Europe/Lisbon',
  CL: 'America/Santiago',
  EC: 'America/Guayaquil',
  FR: 'Europe/Paris',
};

/** The time zone of a country (ISO alpha-2); UTC when the country is unknown. */
export function timeZoneOf(country: string | undefined): string {
  if (!country) return 'UTC';
  return MAIN_ZONE[country] ?? ct.getCountry(country)?.timezones[0] ?? 'UTC';
}

/** The hour (0-23) it is at `at` in the zone. */
export function localHour(at: Date, zone: string): number {
  return Number(
    new Intl.DateTimeFormat('en-GB', { timeZone: zone, hour: 'numeric', hourCycle: 'h23' }).format(at),
  );
}

/** Messages nobody asked for go out between 09:00 and 20:00 where the respondent is. */
export const DAY_STARTS = 9;
export const DAY_ENDS = 20;

export function isDaytime(at: Date, zone: string): boolean {
  const hour = localHour(at, zone);
  return hour >= DAY_STARTS && hour < DAY_ENDS;
}
