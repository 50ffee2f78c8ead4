import type { Campaign } from '../../src/campaigns/campaign.ts';
import type { FunnelRow } from '../../src/campaigns/funnel.ts';
import { invitationKey } from '../../src/campaigns/invitation-send.ts';
import type { InvitationStore } from '../../src/store/invitation-store.ts';
import type { InviteeStore } from '../../src/store/invitee-store.ts';
import type { ResponseRecord, ResponseStore } from '../../src/store/response-store.ts';
import type { SendLog } from '../../src/store/send-log.ts';
import { flow } from '../support/flow.ts';
import { invitee } from '../store/campaign-stores.contract.ts';

const T = (minutes: number) => new Date(Date.UTC(2026, 10, 10, 9, minutes));
const yes = { status: 'answered', value: 'yes' } as const;

function response(id: string, over: Partial<ResponseRecord>): ResponseRecord {
  return {
    id,
    flowId: 'advocacy',
    flowVersion: flow.version,
    locale: 'en',
    channel: 'telegram',
    respondent: `p-${id}`,
    status: 'partial',
    answers: { language: { status: 'answered', value: 'en' } },
    durations: {},
    startedAt: T(0),
    updatedAt: T(30),
    ...over,
  };
}

/**
 * Hand-computed: four invitees (three of coordinator A, one of B), three e-mails delivered; five
 * respondents started with the campaign's tokens (four personal, one open link of B), four gave
 * consent, three completed (in 600, 1200 and 900 s), two agreed to a follow-up interview.
 * Coordinators are named `A` and `B` unless given.
 */
export async function seedFunnel(
  stores: {
    invitees: InviteeStore;
    invitations: InvitationStore;
    sends: SendLog;
    responses: ResponseStore;
  },
  c: Campaign,
  { A, B }: { A: string; B: string } = { A: 'A', B: 'B' },
): Promise<void> {
  const people = [
    ['i1', A, 'EG', 'ar', 'sent'],
    ['i2', A, 'EG', 'en', 'sent'],
    ['i3', A, 'FR', 'fr', 'refused'],
    ['i4', B, 'RU', 'ru', 'sent'],
  ] as const;
  for (const [token, coordinator, country, language, status] of people) {
    const tk = token.repeat(12);
    await stores.invitees.upsert(
      invitee({ campaign: c.id, email: `${token}@x.org`, token: tk, coordinator, country, language }),
    );
    await stores.invitations.create({
      token: tk,
      campaign: c.id,
      coordinator,
      maxUses: 1,
      uses: 0,
      revoked: false,
      createdAt: T(0),
    });
    await stores.sends.begin({
      key: invitationKey(c.id, tk),
      campaign: c.id,
      kind: 'invitation',
      channel: 'email',
      invitee: tk,
      startedAt: T(0),
    });
    await stores.sends.finish(invitationKey(c.id, tk), status, T(1));
  }
  await stores.invitations.create({
    token: 'open-link-B',
    campaign: c.id,
    coordinator: B,
    maxUses: null,
    uses: 0,
    revoked: false,
    createdAt: T(0),
  });
  await stores.invitations.create({
    token: 'other-campaign',
    campaign: 'other',
    maxUses: null,
    uses: 0,
    revoked: false,
    createdAt: T(0),
  });
  const tk = (token: string) => token.repeat(12);
  for (const r of [
    // r1 (i1): an older partial, then complete in 600 s, agreed to a follow-up.
    response('r1-old', { respondent: 'p-r1', invitation: tk('i1'), locale: 'ar', updatedAt: T(5) }),
    response('r1', {
      invitation: tk('i1'),
      locale: 'ar',
      status: 'complete',
      finishedAt: T(10),
      updatedAt: T(10),
      answers: {
        consent: yes,
        q3: { status: 'answered', value: { code: 'EG', region: '002', subregion: '015' } },
        q17: { status: 'answered', value: { agreed: 'yes' } },
      },
    }),
    // r2 (i2): stopped at the consent (language answered), on Discord.
    response('r2', { invitation: tk('i2'), channel: 'discord' }),
    // r4 (i4): complete in 1200 s, declined a follow-up.
    response('r4', {
      invitation: tk('i4'),
      locale: 'ru',
      status: 'complete',
      finishedAt: T(20),
      answers: {
        consent: yes,
        q3: { status: 'answered', value: { code: 'RU', region: '150', subregion: '151' } },
        q17: { status: 'answered', value: { agreed: 'no' } },
      },
    }),
    // r5 (open link): stopped after q3, its country answered as a bare code (older responses); an older partial too.
    response('r5', {
      invitation: 'open-link-B',
      locale: 'es',
      answers: {
        consent: yes,
        q1: { status: 'answered', value: 'public' },
        q3: { status: 'answered', value: 'ES' },
      },
    }),
    response('r5b', {
      respondent: 'p-r5',
      invitation: 'open-link-B',
      locale: 'es',
      updatedAt: T(1),
      answers: { consent: yes },
    }),
    // r6 (open link): complete in 900 s, agreed, on Discord, in France.
    response('r6', {
      invitation: 'open-link-B',
      locale: 'fr',
      channel: 'discord',
      status: 'complete',
      finishedAt: T(15),
      answers: {
        consent: yes,
        q3: { status: 'answered', value: 'FR' },
        q17: { status: 'answered', value: { agreed: 'yes' } },
      },
    }),
    // Not this campaign's: another campaign's link, and no link at all.
    response('r7', { invitation: 'other-campaign', status: 'complete', finishedAt: T(3) }),
    response('r8', { status: 'complete', finishedAt: T(3) }),
  ])
    await stores.responses.save(r);
}

const row = (
  split: FunnelRow['split'],
  group: string,
  [invited, delivered, started, consented, completed, followUp]: number[],
  medianSeconds: number | null,
): FunnelRow => ({
  split,
  group,
  invited: invited!,
  delivered: delivered!,
  started: started!,
  consented: consented!,
  completed: completed!,
  followUp: followUp!,
  medianSeconds,
});

/** The fixture's funnel, counted by hand: every stage at every split and group. */
export function funnelRows({ A, B }: { A: string; B: string } = { A: 'A', B: 'B' }): FunnelRow[] {
  return [
    row('all', 'all', [4, 3, 5, 4, 3, 2], 900),
    row('coordinator', A, [3, 2, 2, 1, 1, 1], 600),
    row('coordinator', B, [1, 1, 3, 3, 2, 1], 1050),
    // Africa (Egypt: r1; r2 by their invitation's country) and Europe.
    row('region', '002', [2, 2, 2, 1, 1, 1], 600),
    row('region', '150', [2, 1, 3, 3, 2, 1], 1050),
    row('country', 'EG', [2, 2, 2, 1, 1, 1], 600),
    row('country', 'ES', [0, 0, 1, 1, 0, 0], null),
    row('country', 'FR', [1, 0, 1, 1, 1, 1], 900),
    row('country', 'RU', [1, 1, 1, 1, 1, 0], 1200),
    row('language', 'ar', [1, 1, 1, 1, 1, 1], 600),
    row('language', 'en', [1, 1, 1, 0, 0, 0], null),
    row('language', 'es', [0, 0, 1, 1, 0, 0], null),
    row('language', 'fr', [1, 0, 1, 1, 1, 1], 900),
    row('language', 'ru', [1, 1, 1, 1, 1, 0], 1200),
    // E-mail invitations have no chat channel.
    row('channel', '', [4, 3, 0, 0, 0, 0], null),
    row('channel', 'discord', [0, 0, 2, 1, 1, 1], 900),
    row('channel', 'telegram', [0, 0, 3, 3, 2, 1], 900),
  ];
}

export const FUNNEL_DROP_OFF = [
  { question: 'language', count: 1 },
  { question: 'q3', count: 1 },
];
