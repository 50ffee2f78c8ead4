import assert from 'node:assert/strict';
import { test } from 'node:test';
import { response } from '../store/response-store.contract.ts';
import { openTestStores } from '../telegram/harness.ts';
import { startDashboardHarness } from './harness.ts';

const noTrace = (text: string) => assert.doesNotMatch(text, /\bat \S+ \(|Error:|node_modules|\.ts:\d+/);

test('bad input to the dashboard gets a clear message or an empty result, never a stack trace, and writes nothing', async (t) => {
  const opened = await openTestStores(t, 'auto');
  if (!opened) return;
  t.after(async () => {
    await opened.stores.close();
    await opened.dispose();
  });
  const { stores } = opened;
  const h = await startDashboardHarness(t, { stores, config: opened.config });
  const admin = await h.directory.add('cli', { name: 'Ada', role: 'admin' });
  const ivan = await h.directory.add('cli', { name: 'Ivan', role: 'interviewer' });
  await stores.responses.save(
    response({
      id: 'resp-html',
      answers: {
        q3: { status: 'answered', value: 'EG' },
        q11: {
          status: 'answered',
          value: '<script>alert(1)</script><b onmouseover="x()">bold</b>\u202Eevil',
        },
      },
    }),
  );
  const browser = await h.signIn(admin);
  const csrf = await browser.csrf();
  const auditBefore = (await stores.audit.list({ limit: 1000 })).length;

  // Filter values the flow does not have: named in a message, no responses shown.
  for (const query of [
    'flow=nope',
    'status=done',
    'channel=fax',
    'lang=de',
    'country=XX',
    'country=%3Cscript%3E',
    'campaign=nope',
    'from=2024-13-45',
    'to=yesterday',
    'page=0',
    'page=-1',
    'page=abc',
    'page=1e3',
    'status=complete&status=partial',
    `flow=${'a'.repeat(10_000)}`,
  ]) {
    const page = await browser.get(`/dashboard/responses?${query}`);
    assert.equal(page.status, 200, query);
    assert.match(page.text, /id="invalid"/, query);
    assert.match(page.text, /No responses match/, query);
    noTrace(page.text);
  }
  // A page beyond the last: an empty page that says how many there are.
  const beyond = await browser.get('/dashboard/responses?page=999');
  assert.match(beyond.text, /Page 999 does not exist: there is 1 page/);
  noTrace(beyond.text);
  assert.match((await browser.get('/dashboard/responses?country=EG')).text, /1 response\b/);
  // A parameter that is not a filter (an operator smuggled in a name) is not one: ignored.
  assert.match((await browser.get('/dashboard/responses?channel[$ne]=x')).text, /1 response\b/);

  // Markup in an answer is shown as text, without its direction override.
  const shown = await browser.get('/dashboard/responses/resp-html');
  assert.equal(shown.status, 200);
  assert.match(
    shown.text,
    /&lt;script&gt;alert\(1\)&lt;\/script&gt;&lt;b onmouseover=&quot;x\(\)&quot;&gt;bold&lt;\/b&gt;evil/,
  );
  assert.doesNotMatch(shown.text, /<script>alert|<b onmouseover|\u202E/);

  // Ids and paths that are not ours: a plain not-found page.
  for (const path of [
    '/dashboard/responses/..%2F..%2Fetc',
    `/dashboard/responses/${'x'.repeat(500)}`,
    '/dashboard/nothing',
    '/dashboard/assets/..%2Fserver.ts',
  ]) {
    const page = await browser.get(path);
    assert.ok([404, 414].includes(page.status), `${path}: ${page.status}`);
    noTrace(page.text);
  }
  const auditAfterReads = (await stores.audit.list({ limit: 1000 })).length;
  assert.equal(auditAfterReads, auditBefore + 1, 'only the response opened was audited');

  // A forged role or scope in a form: a clear message, nothing written.
  const forms: [string, Record<string, string>][] = [
    ['/dashboard/staff/invite', { role: 'emperor' }],
    ['/dashboard/staff/invite', { role: '' }],
    [`/dashboard/staff/${ivan.id}`, { role: 'superadmin', campaigns: '', regions: '' }],
    [`/dashboard/staff/${ivan.id}`, { role: 'admin', campaigns: '<script>', regions: '' }],
    [`/dashboard/staff/${ivan.id}`, { role: 'admin', campaigns: '', regions: 'Mars' }],
    [`/dashboard/staff/${admin.id}`, { role: 'interviewer', campaigns: '', regions: '' }],
    [`/dashboard/staff/${admin.id}/revoke`, {}],
    ['/dashboard/staff/nobody/revoke', {}],
  ];
  for (const [path, body] of forms) {
    const answer = await browser.request('POST', path, { ...body, _csrf: csrf });
    assert.ok([400, 404].includes(answer.status), `${path} ${JSON.stringify(body)}: ${answer.status}`);
    assert.match(answer.text, /class="notice" role="alert"|Not found/);
    noTrace(answer.text);
  }
  const huge = await browser.request('POST', '/dashboard/staff/invite', {
    role: 'admin',
    name: 'x'.repeat(100_000),
    _csrf: csrf,
  });
  assert.equal(huge.status, 413);
  noTrace(huge.text);
  assert.equal((await h.directory.get(ivan.id))?.role, 'interviewer');
  assert.equal((await h.directory.get(admin.id))?.status, 'active');
  assert.equal((await stores.audit.list({ limit: 1000 })).length, auditAfterReads, 'nothing was written');
});
