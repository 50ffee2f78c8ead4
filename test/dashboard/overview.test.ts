import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { overviewOf } from '../../src/dashboard/overview/overview.ts';
import { ResponseTally } from '../../src/dashboard/overview/tally.ts';
import { answerRows } from '../../src/dashboard/responses/answer-view.ts';
import { ResponseScope } from '../../src/dashboard/scope.ts';
import type { StaffMember } from '../../src/staff/staff.ts';
import { FileInvitationStore } from '../../src/store/file-invitation-store.ts';
import { FileResponseStore } from '../../src/store/file-response-store.ts';
import { silentLogger } from '../../src/log.ts';
import { flow, translator } from '../support/flow.ts';
import { response } from '../store/response-store.contract.ts';

const DAY = Date.UTC(2026, 2, 10);
const at = (hours: number) => new Date(DAY + hours * 3600_000);
const country = (code: string) => ({
  status: 'answered' as const,
  value: { code, region: '150', subregion: '151' },
});
const member = (scope: Partial<StaffMember['scope']> = {}): StaffMember => ({
  id: 'm',
  name: 'M',
  role: 'coordinator',
  scope: { campaigns: [], regions: [], ...scope },
  principals: [],
  locale: 'en',
  status: 'active',
  createdAt: at(0),
  updatedAt: at(0),
});

test('the overview counts one response per respondent, follows changes, and keeps to the scope', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'tally-'));
  const responses = new FileResponseStore(dir);
  const invitations = new FileInvitationStore(dir);
  t.after(async () => {
    await responses.close();
    await invitations.close();
    rmSync(dir, { recursive: true, force: true });
  });
  await invitations.create({
    token: 'INV-A',
    campaign: 'spring',
    maxUses: null,
    uses: 0,
    revoked: false,
    createdAt: at(0),
  });
  const save = (id: string, respondent: string, over: Parameters<typeof response>[0] = {}) =>
    responses.save(response({ id, respondent, contactId: undefined, ...over }));
  // p1: a partial, then a complete one later (the complete one counts); p2: two partials (the latest counts).
  await save('a', 'p1', {
    status: 'partial',
    finishedAt: undefined,
    updatedAt: at(1),
    answers: { q3: country('RU') },
  });
  await save('b', 'p1', {
    finishedAt: at(-30),
    updatedAt: at(-30),
    channel: 'discord',
    answers: { q3: country('RU') },
  });
  await save('c', 'p2', {
    status: 'partial',
    updatedAt: at(2),
    locale: 'es',
    answers: { q3: { status: 'answered', value: 'MX' } },
  });
  await save('d', 'p2', {
    status: 'partial',
    updatedAt: at(3),
    locale: 'fr',
    answers: { q3: { status: 'answered', value: 'FR' } },
  });
  await save('e', 'p3', {
    finishedAt: at(5),
    updatedAt: at(5),
    invitation: 'INV-A',
    answers: { q3: country('EG') },
  });
  await save('f', 'p4', { flowId: 'other' });

  let now = DAY + 6 * 3600_000;
  const tally = new ResponseTally({
    responses,
    countryQuestion: () => 'q3',
    log: silentLogger,
    clock: () => now,
  });
  await tally.refresh();
  const all = await ResponseScope.of(member(), invitations);
  const view = () => overviewOf(tally.values(), 'advocacy', all, 4, now);
  let o = view();
  assert.deepEqual([o.inProgress, o.completed, o.completedToday, o.partial], [4, 2, 1, 1]);
  assert.deepEqual(o.byChannel, [
    { key: 'telegram', complete: 1, partial: 1 },
    { key: 'discord', complete: 1, partial: 0 },
  ]);
  assert.deepEqual(
    o.byLanguage.map((r) => r.key),
    ['ar', 'fr'],
  );
  assert.deepEqual(
    o.byCountry.map((r) => `${r.key}:${r.complete}/${r.partial}`),
    ['EG:1/0', 'FR:0/1', 'RU:1/0'],
  );

  // What changed since the last read is read again: p2 completes, a new respondent starts.
  now += 60_000;
  await save('d', 'p2', { finishedAt: new Date(now), updatedAt: new Date(now), locale: 'fr', answers: {} });
  await save('g', 'p5', { status: 'partial', updatedAt: new Date(now), answers: {} });
  await tally.refresh();
  o = view();
  assert.deepEqual([o.completed, o.completedToday, o.partial], [3, 2, 1]);

  // A scope keeps to its regions (by the answered country) and campaigns (by the invitation).
  const europe = overviewOf(
    tally.values(),
    'advocacy',
    await ResponseScope.of(member({ regions: ['150'] }), invitations),
    0,
    now,
  );
  assert.deepEqual([europe.completed, europe.partial], [1, 0]);
  const arab = overviewOf(
    tally.values(),
    'advocacy',
    await ResponseScope.of(member({ regions: ['EG', 'SA'] }), invitations),
    0,
    now,
  );
  assert.deepEqual([arab.completed, arab.byCountry[0]?.key], [1, 'EG']);
  const spring = overviewOf(
    tally.values(),
    'advocacy',
    await ResponseScope.of(member({ campaigns: ['spring'] }), invitations),
    0,
    now,
  );
  assert.deepEqual([spring.completed, spring.partial], [1, 0]);
  const none = overviewOf(
    tally.values(),
    'advocacy',
    await ResponseScope.of(member({ campaigns: ['autumn'] }), invitations),
    0,
    now,
  );
  assert.deepEqual([none.completed, none.partial], [0, 0]);
});

test('a response is shown question by question: labels in the reader language, every stored shape, declined and not asked', () => {
  const record = response({
    answers: {
      language: { status: 'answered', value: 'ar' },
      q1: { status: 'answered', value: { option: 'other', otherDeclined: true } },
      q2: { status: 'declined' },
      q3: country('EG'),
      q5a: { status: 'answered', value: { noBudgetLine: true } },
      q6: { status: 'answered', value: { options: ['libraries', 'other'], other: '\u202Eشبكة\u202C' } },
      q7: { status: 'answered', value: { order: ['other'], na: ['libraries'] } },
      q9: { status: 'answered', value: { option: 'no_challenges' } },
      q11: { status: 'answered', value: { text: 'Toolkit', links: ['https://example.org/t'] } },
      q12: { status: 'answered', value: { unexpected: 1 } },
      retired: { status: 'answered', value: 'kept' },
    },
    durations: { q1: 61_400 },
  });
  const rows = new Map(answerRows(flow, record, translator.translatorFor('fr')).map((r) => [r.question, r]));
  const parts = (id: string) =>
    rows
      .get(id)!
      .parts.map((p) => ('quote' in p ? `«${p.quote}»` : p.label))
      .join(' ');
  assert.match(rows.get('q3')!.label, /^Dans quel pays travaillez-vous\s?\?$/);
  assert.equal(parts('language'), 'العربية');
  assert.equal(parts('q1'), 'Autre (sans préciser)');
  assert.equal(rows.get('q1')!.seconds, 61);
  assert.equal(rows.get('q2')!.state, 'declined');
  assert.equal(rows.get('q2a')!.state, 'not_asked');
  assert.equal(parts('q3'), 'Égypte');
  assert.equal(parts('q5a'), 'Pas de ligne budgétaire pour le plaidoyer');
  assert.equal(parts('q6'), 'Autres bibliothèques Autre : «شبكة»', 'direction controls removed');
  assert.equal(parts('q7'), '1. Autre : «شبكة» Sans objet : Autres bibliothèques');
  assert.equal(parts('q9'), 'Nous n’avons rencontré aucune difficulté');
  assert.equal(parts('q11'), '«Toolkit» «https://example.org/t»');
  assert.equal(parts('q12'), '«{"unexpected":1}»', 'an unknown shape is shown, not dropped');
  assert.equal(parts('retired'), '«"kept"»');
});
