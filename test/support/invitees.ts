import type { Invitee } from '../../src/store/invitee-store.ts';

/** Invitee `n` of one Lebanese campaign: every field that is sealed at rest holds `n`. */
export const sampleInvitee = (n: number, over: Partial<Invitee> = {}): Invitee => ({
  campaign: 'mena-2026',
  email: `mariam.elkhoury${n}@example.org`,
  name: `Mariam El-Khoury ${n}`,
  language: 'ar',
  country: 'LB',
  organisation: `Byblos Reading Society ${n}`,
  attributes: { city: `Jounieh-${n}` },
  token: String(n).padStart(24, 'T'),
  coordinator: 'm-coord-1',
  createdAt: new Date('2026-11-01T00:00:00.000Z'),
  updatedAt: new Date('2026-11-01T00:00:00.000Z'),
  ...over,
});
