import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startDashboardHarness, type Client } from '../dashboard/harness.ts';
import { translator } from '../support/flow.ts';
import { StaffUser, startInterviews } from './harness.ts';

const en = translator.translatorFor('en');
/** The codes a page lists, in order. */
const listed = (html: string) =>
  [...html.matchAll(/<section class="candidate" id="r-([0-9a-f]{8})"/g)].map((m) => m[1]!);
/** The codes a chat answer lists. */
const said = (texts: string[]) =>
  texts.flatMap((t) => [...t.matchAll(/^([0-9a-f]{8}) · /gm)].map((m) => m[1]!));
const notice = (html: string) =>
  /<p class="notice" role="(?:status|alert)" id="(?:notice|problem)">([^<]*)<\/p>/.exec(html)?.[1];
const unescape = (s: string | undefined) =>
  s
    ?.replaceAll('&quot;', '"')
    .replaceAll('&#39;', "'")
    .replaceAll('&lt;', '<')
    .replaceAll('&gt;', '>')
    .replaceAll('&amp;', '&');

test('the follow-ups page lists who agreed and kept their data, filters exactly as /followups in the chat, within the scope; Claim and Release as in the chat; forged or tokenless posts change nothing', async (t) => {
  const h = await startInterviews(t);
  if (!h) return;
  const amina = await h.staff('amina', 'Amina Haddad', 'interviewer', 9001);
  const boris = await h.staff('boris', 'Boris Petrov', 'interviewer', 9002);
  const scoped = await h.staff('sami', 'Sami Nasser', 'interviewer', 9003);
  await h.stores.staff.update({ ...scoped, scope: { campaigns: [], regions: ['145'] } });
  const web = await startDashboardHarness(t, {
    stores: h.stores,
    config: h.config,
    directory: h.directory,
    interviews: h.interviews,
  });
  const lebanon = {
    q3: { status: 'answered' as const, value: { code: 'LB', region: '142', subregion: '145' } },
  };
  const handles = {
    ru: (await h.respondent(7001)).slice(0, 8),
    ruFully: (
      await h.respondent(7002, { answers: { q9a: { status: 'answered', value: { option: 'fully' } } } })
    ).slice(0, 8),
    lb: (await h.respondent(7003, { locale: 'ar', answers: lebanon })).slice(0, 8),
    refused: (await h.respondent(7004, { agreed: false })).slice(0, 8),
  };
  const erased = await h.respondent(7005);
  await h.service.eraseRespondent(erased);

  const asAmina = await web.signIn(amina);
  const all = await asAmina.get('/dashboard/followups');
  assert.equal(all.status, 200);
  assert.deepEqual(new Set(listed(all.text)), new Set([handles.ru, handles.ruFully, handles.lb]));
  assert.ok(all.text.includes(en({ key: 'interviews:list.count', params: { count: 3 } })));
  // The summary in the reader's language, the claim state.
  assert.match(all.text, /Russian Federation|Russia/);
  assert.ok(all.text.includes(`>${en({ key: 'interviews:list.free' })}<`));

  // The same filters give the same respondents on the page and in the chat.
  const chat = new StaffUser(h.api, 9001);
  for (const [form, typed] of [
    ['answers=q9a%3Dpartly', 'q9a=partly'],
    ['country=ru', 'country=ru'],
    ['region=145&lang=ar', 'region=145 lang=ar'],
    ['answers=q9a%3Dfully+q1%3Dpublic', 'q9a=fully q1=public'],
  ] as const) {
    const page = listed((await asAmina.get(`/dashboard/followups?${form}`)).text).sort();
    assert.deepEqual(page, said(await chat.command(`/followups ${typed}`)).sort(), form);
    assert.ok(page.length > 0 && page.length < 3, form);
  }
  // A filter that cannot be read: the chat's message, no list, no error page.
  const bad = await asAmina.get('/dashboard/followups?answers=q9a%3D%3Cb%3E');
  assert.equal(bad.status, 200);
  assert.equal(unescape(notice(bad.text)), en({ key: 'interviews:filter.bad', params: { part: 'q9a=<b>' } }));
  assert.ok(!bad.text.includes('q9a=<b>'), 'escaped');
  assert.deepEqual(listed(bad.text), []);

  // A scoped interviewer (Western Asia) sees only Lebanon.
  const asSami = await web.signIn(scoped);
  assert.deepEqual(listed((await asSami.get('/dashboard/followups')).text), [handles.lb]);

  // Claim: Amina's is "yours" with the command to invite; Boris is told who holds it.
  const full = (await h.stores.responses.get('resp-7001'))!.respondent;
  const claim = async (client: Client, respondent: string, csrf?: string) =>
    client.request('POST', '/dashboard/followups/claim', {
      respondent,
      answers: 'q9a=partly',
      ...(csrf === undefined
        ? { _csrf: await client.csrf('/dashboard/followups') }
        : csrf
          ? { _csrf: csrf }
          : {}),
    });
  const asBoris = await web.signIn(boris);
  const [first, second] = await Promise.all([claim(asAmina, full), claim(asBoris, full)]);
  const outcomes = [first.location, second.location].map((l) =>
    new URL(l!, 'http://x').searchParams.get('said'),
  );
  assert.deepEqual([...outcomes].sort(), ['claim_done', 'claim_taken'], 'two claims at once: one wins');
  const winner = (await h.stores.claims.get(full))!.interviewer;
  const [winnerClient, loserClient, holderName] =
    winner === 'amina' ? [asAmina, asBoris, 'Amina Haddad'] : [asBoris, asAmina, 'Boris Petrov'];
  const won = winner === 'amina' ? first : second;
  assert.equal(
    new URL(won.location!, 'http://x').searchParams.get('said'),
    'claim_done',
    'the holder was told so',
  );
  const winning = await winnerClient.get(won.location!);
  assert.equal(notice(winning.text), en({ key: 'interviews:claim.done', params: { handle: handles.ru } }));
  assert.ok(winning.text.includes('q9a=partly'), 'the filters are kept');
  assert.match(
    winning.text,
    new RegExp(`id="r-${handles.ru}"[^]*?${en({ key: 'interviews:list.yours' })}[^]*?/invite ${handles.ru}`),
  );
  const refused = await claim(loserClient, full);
  const refusedPage = await loserClient.get(refused.location!);
  assert.equal(
    notice(refusedPage.text),
    en({ key: 'interviews:claim.taken', params: { handle: handles.ru, name: holderName } }),
  );
  assert.ok(
    refusedPage.text.includes(
      en({ key: 'interviews:list.claimed', params: { name: holderName.split(' ')[0]! } }),
    ),
  );
  assert.equal((await h.stores.claims.get(full))!.interviewer, winner);

  // Forged, unknown, out of scope, or without the form token: nothing changes.
  const other = (await h.stores.responses.get('resp-7002'))!.respondent;
  const notAgreed = (await h.stores.responses.get('resp-7004'))!.respondent;
  const unknown = await claim(asAmina, 'ffffffff00000000');
  assert.equal(new URL(unknown.location!, 'http://x').searchParams.get('said'), 'unknown');
  await claim(asAmina, notAgreed);
  await claim(asAmina, erased);
  await claim(asSami, other);
  assert.equal((await claim(asAmina, other, '')).status, 403);
  assert.equal((await claim(asAmina, other, 'forged-token')).status, 403);
  for (const r of [notAgreed, erased, other]) assert.equal(await h.stores.claims.get(r), null, r);

  // Release by the winner frees it; the list says so.
  const released = await winnerClient.request('POST', '/dashboard/followups/release', {
    respondent: full,
    _csrf: await winnerClient.csrf('/dashboard/followups'),
  });
  assert.equal(new URL(released.location!, 'http://x').searchParams.get('said'), 'release_done');
  assert.equal(await h.stores.claims.get(full), null);

  // Each view of a list is audited; the claims as in the chat.
  const views = await h.stores.audit.list({ limit: 100, action: 'followup.view' });
  assert.ok(views.some((e) => e.actor === 'sami' && e.details?.candidates === 1));
  const claims = await h.stores.audit.list({ limit: 100, action: 'followup.claim' });
  assert.deepEqual(
    claims
      .filter((e) => e.target === full)
      .map((e) => e.outcome)
      .sort(),
    ['ok', 'refused', 'refused'],
  );
});
