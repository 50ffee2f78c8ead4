import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parse } from 'csv-parse/sync';
import { invitationQueue } from '../../src/campaigns/invitation-send.ts';
import { MemoryJobs } from '../../src/jobs/memory-jobs.ts';
import { FUNNEL_DROP_OFF, funnelRows, seedFunnel } from '../campaigns/funnel-fixture.ts';
import { campaign } from '../store/campaign-stores.contract.ts';
import { openTestStores } from '../telegram/harness.ts';
import { startDashboardHarness } from './harness.ts';

async function setUp(t: Parameters<typeof openTestStores>[0]) {
  const opened = await openTestStores(t);
  if (!opened) return null;
  t.after(async () => {
    await opened.stores.close();
    await opened.dispose();
  });
  const { stores } = opened;
  // A queue nobody works: what a page queued stays there to be counted.
  const jobs = new MemoryJobs();
  t.after(() => jobs.close());
  const queue = invitationQueue(jobs);
  const h = await startDashboardHarness(t, {
    stores,
    config: opened.config,
    invitationQueue: queue,
    telegramBot: 'AdvocacySurveyBot',
  });
  const add = (name: string, role: 'admin' | 'coordinator' | 'interviewer') =>
    h.directory.add('cli', { name, role });
  const people = {
    ana: await add('Ana', 'coordinator'),
    boris: await add('Boris', 'coordinator'),
    ivan: await add('Ivan', 'interviewer'),
    admin: await add('Root', 'admin'),
  };
  await stores.campaigns.create(campaign({ id: 'camp-ana', coordinators: [people.ana.id], status: 'open' }));
  await stores.campaigns.create(
    campaign({ id: 'camp-boris', coordinators: [people.boris.id], status: 'open' }),
  );
  return { stores, h, queue, people };
}

test('scoping: a coordinator sees and acts on their own campaigns only (another’s answers not found, nothing queued or written); an interviewer opens no campaign page and sends nothing', async (t) => {
  const s = await setUp(t);
  if (!s) return;
  const { stores, h, queue, people } = s;
  const link = await h.campaigns.openLink(people.ana, 'camp-ana', null);
  assert.ok(link.ok);
  const ana = await h.signIn(people.ana);
  const boris = await h.signIn(people.boris);
  const ivan = await h.signIn(people.ivan);

  // Ana's own pages answer; her list holds her campaign only.
  const list = await ana.get('/dashboard/campaigns');
  assert.equal(list.status, 200);
  assert.match(list.text, /data-campaign="camp-ana"/);
  assert.doesNotMatch(list.text, /camp-boris/);
  for (const page of ['', '/invitees', '/links', '/send', '/funnel'])
    assert.equal((await ana.get(`/dashboard/campaigns/camp-ana${page}`)).status, 200, page);

  // Boris, a coordinator of another campaign: Ana's is not found, whatever he asks.
  const csrf = await boris.csrf('/dashboard/campaigns');
  const asBoris = [
    await boris.get('/dashboard/campaigns/camp-ana'),
    await boris.get('/dashboard/campaigns/camp-ana/invitees'),
    await boris.get('/dashboard/campaigns/camp-ana/links'),
    await boris.get(`/dashboard/campaigns/camp-ana/qr?token=${link.value}&channel=telegram&format=svg`),
    await boris.get('/dashboard/campaigns/camp-ana/poster/en'),
    await boris.get('/dashboard/campaigns/camp-ana/send/live'),
    await boris.get('/dashboard/campaigns/camp-ana/funnel'),
    await boris.get('/dashboard/campaigns/camp-ana/funnel/file'),
    await boris.request('POST', '/dashboard/campaigns/camp-ana/send', { _csrf: csrf }),
    await boris.request('POST', '/dashboard/campaigns/camp-ana/status', { _csrf: csrf, status: 'closed' }),
    await boris.request('POST', '/dashboard/campaigns/camp-ana/links', { _csrf: csrf, cap: '' }),
    await boris.request('POST', '/dashboard/campaigns/camp-ana/invitees', {
      _csrf: csrf,
      email: 'x@example.org',
      name: 'X',
      language: 'en',
    }),
    await boris.upload(
      '/dashboard/campaigns/camp-ana/invitees/import',
      { _csrf: csrf },
      { field: 'file', name: 'a.csv', content: Buffer.from('email\ny@example.org\n') },
    ),
  ];
  assert.deepEqual(
    asBoris.map((r) => r.status),
    asBoris.map(() => 404),
  );
  // Ana's token through Boris's own campaign: not his campaign's link, not found either.
  const through = await boris.get(
    `/dashboard/campaigns/camp-boris/qr?token=${link.value}&channel=telegram&format=png`,
  );
  assert.equal(through.status, 404);
  // Nothing was queued, written or changed.
  assert.deepEqual(await queue.counts(), { waiting: 0, active: 0, delayed: 0, completed: 0, failed: 0 });
  assert.equal(await stores.invitees.count('camp-ana'), 0);
  assert.equal((await stores.campaigns.get('camp-ana'))?.status, 'open');
  assert.equal((await stores.invitations.list()).filter((i) => i.campaign === 'camp-ana').length, 1);

  // An interviewer: every campaign route refused, the send too, and each refusal audited.
  const ivanCsrf = await ivan.csrf('/dashboard');
  assert.equal((await ivan.get('/dashboard/campaigns')).status, 403);
  assert.equal((await ivan.get('/dashboard/campaigns/camp-ana/send')).status, 403);
  const send = await ivan.request('POST', '/dashboard/campaigns/camp-ana/send', { _csrf: ivanCsrf });
  assert.equal(send.status, 403);
  assert.deepEqual(await queue.counts(), { waiting: 0, active: 0, delayed: 0, completed: 0, failed: 0 });
  const refusals = (await stores.audit.list({ limit: 100 })).filter(
    (e) => e.actor === people.ivan.id && e.action === 'dashboard.forbidden',
  );
  assert.equal(refusals.length, 3);

  // Ana sends for her own campaign: queued once; a second press queues nothing more.
  const anaCsrf = await ana.csrf('/dashboard/campaigns/camp-ana/send');
  const sent = await ana.request('POST', '/dashboard/campaigns/camp-ana/send', { _csrf: anaCsrf });
  assert.equal(sent.status, 303);
  assert.match(sent.location ?? '', /started=added$/);
  assert.equal((await queue.counts()).waiting, 1);
  // One invitee with a bad address and an unknown country: both shown beside their fields, nobody added.
  const badOne = await ana.request('POST', '/dashboard/campaigns/camp-ana/invitees', {
    _csrf: anaCsrf,
    email: 'not an address',
    name: 'X',
    language: 'en',
    country: 'ZZ',
    organisation: '',
  });
  assert.equal(badOne.status, 400);
  assert.match(badOne.text, /id="error-email"/);
  assert.match(badOne.text, /id="error-country"/);
  assert.equal(await stores.invitees.count('camp-ana'), 0);
  // Viewing her invitees is audited (personal data), one line per page shown.
  await ana.request('POST', '/dashboard/campaigns/camp-ana/invitees', {
    _csrf: anaCsrf,
    email: 'Amal@Example.org',
    name: 'Amal',
    language: 'en',
    country: 'eg',
    organisation: '',
  });
  const invitees = await ana.get('/dashboard/campaigns/camp-ana/invitees');
  assert.match(invitees.text, /amal@example\.org/);
  const views = (await stores.audit.list({ limit: 100 })).filter(
    (e) => e.actor === people.ana.id && e.action === 'invitees.view',
  );
  assert.ok(views.length >= 1, 'viewing invitees is audited');
  // A personal link's QR code is audited; an open link's is not personal data.
  const amal = await stores.invitees.get('camp-ana', 'amal@example.org');
  const personal = await ana.get(
    `/dashboard/campaigns/camp-ana/qr?token=${amal!.token}&channel=discord&format=svg`,
  );
  assert.equal(personal.status, 200);
  assert.match(personal.text, /^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
  assert.equal(
    (await ana.get(`/dashboard/campaigns/camp-ana/qr?token=${link.value}&channel=telegram&format=png`))
      .status,
    200,
  );
  const qrs = (await stores.audit.list({ limit: 100 })).filter((e) => e.action === 'invitee.qr');
  assert.deepEqual(
    qrs.map((e) => [e.actor, e.target, e.details]),
    [[people.ana.id, 'camp-ana', { channel: 'discord', format: 'svg' }]],
  );
});

test('the campaign form: bad values come back beside their fields and nothing is created; good ones create a draft, then edit it; a coordinator stays on what they create or edit', async (t) => {
  const s = await setUp(t);
  if (!s) return;
  const { stores, h, people } = s;
  const ana = await h.signIn(people.ana);
  const csrf = await ana.csrf('/dashboard/campaigns/new');
  const form = {
    _csrf: csrf,
    id: 'Bad Id!',
    name: '',
    flowId: 'advocacy',
    regions: '150, ZZZ',
    consentOrganisation: 'IFLA',
    firstAfterDays: '3',
    minGapDays: '-1',
    maxCount: '2',
    opensAt: '2027-03-01',
    closesAt: '2027-02-01',
  };
  const refused = await ana.request('POST', '/dashboard/campaigns', form);
  assert.equal(refused.status, 400);
  for (const field of ['id', 'name', 'regions', 'languages', 'minGapDays', 'closesAt'])
    assert.match(refused.text, new RegExp(`id="error-${field}"`), field);
  assert.doesNotMatch(refused.text, /id="error-consentOrganisation"/);
  assert.equal((await stores.campaigns.list()).length, 2);

  const made = await ana.request('POST', '/dashboard/campaigns', {
    ...form,
    id: 'spring-2027',
    name: 'Spring 2027',
    regions: '150, eg',
    languages: 'ru',
    minGapDays: '4',
    closesAt: '2027-06-30',
  });
  assert.equal(made.status, 303, made.text);
  const stored = await stores.campaigns.get('spring-2027');
  assert.equal(stored?.status, 'draft');
  assert.deepEqual(stored?.coordinators, [people.ana.id]);
  assert.deepEqual(stored?.regions, ['150', 'EG']);
  assert.equal(stored?.closesAt?.toISOString(), '2027-06-30T00:00:00.000Z');

  // Edit: another coordinator added, the closing date cleared; Ana stays one of its coordinators.
  const edited = await ana.request('POST', '/dashboard/campaigns/spring-2027', {
    ...form,
    name: 'Spring 2027 (Europe)',
    regions: '150',
    languages: 'ru',
    minGapDays: '4',
    closesAt: '',
    coordinators: people.boris.id,
  });
  assert.equal(edited.status, 303, edited.text);
  const after = await stores.campaigns.get('spring-2027');
  assert.equal(after?.name, 'Spring 2027 (Europe)');
  assert.deepEqual(after?.coordinators.sort(), [people.ana.id, people.boris.id].sort());
  assert.equal(after?.closesAt, undefined);
  assert.equal(after?.status, 'draft');

  // A forged coordinator id is refused beside its field, nothing changed.
  const forgedCoordinator = await ana.request('POST', '/dashboard/campaigns/spring-2027', {
    ...form,
    name: 'Renamed',
    regions: '150',
    languages: 'ru',
    minGapDays: '4',
    closesAt: '',
    coordinators: 'someone-else',
  });
  assert.equal(forgedCoordinator.status, 400);
  assert.match(forgedCoordinator.text, /id="error-coordinators"/);
  assert.equal((await stores.campaigns.get('spring-2027'))?.name, 'Spring 2027 (Europe)');

  // Status: draft → open; a jump the page does not offer is refused and changes nothing.
  const opened = await ana.request('POST', '/dashboard/campaigns/spring-2027/status', {
    _csrf: csrf,
    status: 'open',
  });
  assert.equal(opened.status, 303);
  assert.equal((await stores.campaigns.get('spring-2027'))?.status, 'open');
  const forged = await ana.request('POST', '/dashboard/campaigns/spring-2027/status', {
    _csrf: csrf,
    status: 'archived',
  });
  assert.equal(forged.status, 400);
  assert.equal((await stores.campaigns.get('spring-2027'))?.status, 'open');
});

test('the funnel page and its CSV equal the hand-computed fixture, coordinators shown by name', async (t) => {
  const s = await setUp(t);
  if (!s) return;
  const { stores, h, people } = s;
  const c = campaign({ id: 'camp-funnel', coordinators: [people.ana.id], status: 'open' });
  await stores.campaigns.create(c);
  const names = { A: people.ana.id, B: people.boris.id };
  await seedFunnel(stores, c, names);
  const ana = await h.signIn(people.ana);

  const file = await ana.get('/dashboard/campaigns/camp-funnel/funnel/file');
  assert.equal(file.status, 200);
  assert.match(file.headers.get('content-type') ?? '', /^text\/csv/);
  assert.match(
    file.headers.get('content-disposition') ?? '',
    /attachment; filename="camp-funnel-funnel.csv"/,
  );
  const csv = parse(file.text, { columns: true }) as Record<string, string>[];
  const cell = (n: number | null) => (n === null ? '' : String(n));
  // The funnel orders groups by their code: staff ids are random, so the hand count is ordered alike.
  const order = ['all', 'coordinator', 'region', 'country', 'language', 'channel'];
  const expected = funnelRows(names).sort(
    (a, b) => order.indexOf(a.split) - order.indexOf(b.split) || a.group.localeCompare(b.group),
  );
  assert.deepEqual(
    csv,
    expected.map((r) => ({
      campaign: 'camp-funnel',
      split: r.split,
      group: r.group,
      invited: cell(r.invited),
      delivered: cell(r.delivered),
      started: cell(r.started),
      consented: cell(r.consented),
      completed: cell(r.completed),
      followUp: cell(r.followUp),
      median_seconds: cell(r.medianSeconds),
    })),
  );
  const downloads = (await stores.audit.list({ limit: 100 })).filter((e) => e.action === 'funnel.download');
  assert.equal(downloads.length, 1);

  // The page: the overall stages, the split by coordinator under their names, the drop-off.
  const page = await ana.get('/dashboard/campaigns/camp-funnel/funnel?by=coordinator');
  assert.equal(page.status, 200);
  const all = funnelRows(names)[0]!;
  for (const stage of ['invited', 'delivered', 'started', 'consented', 'completed', 'followUp'] as const)
    assert.match(page.text, new RegExp(`data-stage="${stage}">${all[stage]}<`), stage);
  assert.match(page.text, /id="funnel-median">15 min</);
  const split = /<table id="funnel-split">([\s\S]*?)<\/table>/.exec(page.text)![1]!;
  assert.match(
    split,
    new RegExp(
      `data-group="${people.ana.id}"><th scope="row"><bdi>Ana</bdi></th><td class="num">3</td><td class="num">2</td><td class="num">2</td><td class="num">1</td><td class="num">1</td><td class="num">1</td><td class="num">10 min</td>`,
    ),
  );
  assert.match(
    split,
    new RegExp(
      `data-group="${people.boris.id}"><th scope="row"><bdi>Boris</bdi></th><td class="num">1</td><td class="num">1</td><td class="num">3</td><td class="num">3</td><td class="num">2</td><td class="num">1</td><td class="num">17.5 min</td>`,
    ),
  );
  const drop = /<table id="drop-off">([\s\S]*?)<\/table>/.exec(page.text)![1]!;
  assert.deepEqual(
    [...drop.matchAll(/data-question="(\w+)"><th scope="row">\w+<\/th><td class="num">(\d+)</g)].map((m) => ({
      question: m[1],
      count: Number(m[2]),
    })),
    FUNNEL_DROP_OFF,
  );
  // In Arabic, right to left, the charts mirrored by the stylesheet.
  const layla = await h.signIn(await h.directory.add('cli', { name: 'Layla', role: 'admin', locale: 'ar' }));
  const arabic = await layla.get('/dashboard/campaigns/camp-funnel/funnel');
  assert.match(arabic.text, /<html lang="ar" dir="rtl">/);
  assert.match(arabic.text, /<h2>من الدعوة إلى الإكمال<\/h2>/);
  const country = await ana.get('/dashboard/campaigns/camp-funnel/funnel?by=country');
  assert.match(
    country.text,
    /data-group="EG"><th scope="row"><bdi>Egypt<\/bdi><\/th><td class="num">2<\/td>/,
  );
});

test('invitee files that are not right: UTF-16, over the size limit, a file sent to a form that takes none, hundreds of bad rows; each answered clearly, nothing imported from a refused file', async (t) => {
  const s = await setUp(t);
  if (!s) return;
  const { stores, h, people } = s;
  const ana = await h.signIn(people.ana);
  const csrf = await ana.csrf('/dashboard/campaigns/camp-ana/invitees');
  const upload = (content: Buffer, path = '/dashboard/campaigns/camp-ana/invitees/import') =>
    ana.upload(path, { _csrf: csrf }, { field: 'file', name: 'invitees.csv', content });

  const utf16 = await upload(Buffer.from('\uFEFFname,email\nA,a@example.org\n', 'utf16le'));
  assert.equal(utf16.status, 400);
  assert.match(utf16.text, /id="file-problem">The file is saved as UTF-16/);
  const latin1 = await upload(Buffer.from('name,email\nJosé,jose@example.org\n', 'latin1'));
  assert.equal(latin1.status, 400);
  assert.match(latin1.text, /Line 2 is not UTF-8 text/);

  const huge = Buffer.alloc(20 * 1024 * 1024 + 1, 'a');
  huge.write('name,email\n');
  assert.equal((await upload(huge)).status, 413);

  // A file posted to a form that takes none is not read, and the form does nothing.
  const elsewhere = await upload(
    Buffer.from('email\nz@example.org\n'),
    '/dashboard/campaigns/camp-ana/links',
  );
  assert.equal(elsewhere.status, 415);
  assert.equal(await stores.invitees.count('camp-ana'), 0);
  assert.equal((await stores.invitations.list()).filter((i) => i.campaign === 'camp-ana').length, 0);

  // 1,000 good rows and 600 bad ones (and a formula, kept as text): the page lists the first 500
  // bad rows and counts the rest.
  const lines = ['email,name,language'];
  for (let i = 0; i < 1600; i++) lines.push(i % 8 < 3 ? `bad${i},B,en` : `p${i}@example.org,P,en`);
  const rows = lines.slice(1);
  const bad = rows.filter((r) => r.startsWith('bad')).length;
  assert.equal(bad, 600);
  const file = Buffer.from(`${lines.join('\n')}\n"=HYPERLINK(""http://x"")",Formula,en\n`);
  const report = await upload(file);
  assert.equal(report.status, 200);
  const n = (x: number) => new Intl.NumberFormat('en').format(x);
  assert.match(
    report.text,
    new RegExp(
      `${n(rows.length - bad)} added, 0 merged with an address already there, ${bad + 1} rows left out`,
    ),
  );
  assert.equal([...report.text.matchAll(/<tr data-line="/g)].length, Math.min(500, bad + 1));
  if (bad + 1 > 500) assert.match(report.text, new RegExp(`and ${bad + 1 - 500} more rows left out`));
  assert.equal(await stores.invitees.count('camp-ana'), rows.length - bad);
});
