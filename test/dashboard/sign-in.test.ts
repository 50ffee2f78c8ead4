import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { test, type TestContext } from 'node:test';
import type { AuditEntry } from '../../src/store/audit-log.ts';
import { openTestStores } from '../telegram/harness.ts';
import { startDashboardHarness } from './harness.ts';

async function setup(t: TestContext, kind: 'embedded' | 'servers', clock?: () => number) {
  const opened = await openTestStores(t, kind);
  if (!opened) return null;
  t.after(async () => {
    await opened.stores.close();
    await opened.dispose();
  });
  const h = await startDashboardHarness(t, {
    stores: opened.stores,
    config: opened.config,
    ...(clock ? { clock } : {}),
  });
  const admin = await h.directory.add('cli', { name: 'Ada', role: 'admin' });
  const audit = async () => (await opened.stores.audit.list({ limit: 100 })).reverse();
  const line = (e: AuditEntry) =>
    `${e.action}:${e.outcome}${e.details?.reason ? `:${e.details.reason}` : ''}`;
  return { ...h, stores: opened.stores, admin, audit, line };
}

for (const kind of ['embedded', 'servers'] as const) {
  test(`${kind}: a used, an expired and a forged sign-in link are refused, sign nobody in, and are audited`, async (t) => {
    let now = Date.UTC(2026, 0, 5, 9);
    const s = await setup(t, kind, () => now);
    if (!s) return;
    const link = await s.links.issue(s.admin, 'cli');
    // Opening the link (as a chat app's preview would) spends nothing.
    assert.equal((await s.anonymous().get(new URL(link).pathname)).status, 200);
    const first = s.anonymous();
    assert.equal((await first.signInWith(link)).location, '/dashboard');
    assert.equal((await first.get('/dashboard')).status, 200);

    const again = s.anonymous();
    const used = await again.signInWith(link);
    assert.equal(used.status, 403);
    assert.match(used.text, /This link no longer works/);
    assert.equal(again.cookies.has('dashboard_session'), false);
    assert.equal((await again.get('/dashboard')).location, '/dashboard/signin');

    const forged = s.anonymous();
    const token = randomBytes(32).toString('base64url');
    assert.equal((await forged.signInWith(`${s.url}/signin/${token}`)).status, 403);
    assert.equal((await forged.signInWith(`${s.url}/signin/not-a-token`)).status, 403);
    assert.equal((await forged.get('/dashboard')).location, '/dashboard/signin');

    if (kind === 'embedded') {
      // Links expire after 10 minutes (Redis expires keys on its own clock: see the store contract).
      const late = await s.links.issue(s.admin, 'cli');
      now += 10 * 60_000 + 1;
      assert.equal((await s.anonymous().signInWith(late)).status, 403);
    }
    const lines = (await s.audit()).map(s.line);
    assert.deepEqual(
      lines.filter((l) => l.startsWith('dashboard.signin')),
      [
        'dashboard.signin:ok',
        'dashboard.signin:refused:unknown',
        'dashboard.signin:refused:unknown',
        'dashboard.signin:refused:malformed',
        ...(kind === 'embedded' ? ['dashboard.signin:refused:unknown'] : []),
      ],
    );
  });

  test(`${kind}: a revoked member's cookie is refused at the next request, and the refusal audited`, async (t) => {
    const s = await setup(t, kind);
    if (!s) return;
    const coordinator = await s.directory.add('cli', { name: 'Cora', role: 'coordinator' });
    const browser = await s.signIn(coordinator);
    assert.equal((await browser.get('/dashboard/responses')).status, 200);
    await s.directory.revoke('cli', coordinator.id);
    const refused = await browser.get('/dashboard/responses');
    assert.equal(refused.location, '/dashboard/signin');
    assert.equal(browser.cookies.has('dashboard_session'), false, 'the cookie is cleared');
    assert.equal((await browser.get('/dashboard')).location, '/dashboard/signin');
    // A link made before the revocation no longer signs in either.
    const link = await s.links.issue(coordinator, 'cli');
    assert.equal((await s.anonymous().signInWith(link)).status, 403);
    const lines = (await s.audit()).map(s.line);
    assert.ok(lines.includes('dashboard.session:refused:revoked'), lines.join(' '));
    assert.ok(lines.includes('dashboard.signin:refused:revoked'), lines.join(' '));
  });

  test(`${kind}: a form without its token, or with another browser's, is refused: nothing changes, an audit line is written`, async (t) => {
    const s = await setup(t, kind);
    if (!s) return;
    const target = await s.directory.add('cli', { name: 'Ivan', role: 'interviewer' });
    const browser = await s.signIn(s.admin);
    const other = await s.signIn(s.admin);
    const othersToken = await other.csrf();
    const before = await s.audit();
    for (const csrf of [undefined, '', othersToken, 'x'.repeat(32)]) {
      const body = {
        role: 'admin',
        campaigns: '',
        regions: '',
        ...(csrf === undefined ? {} : { _csrf: csrf }),
      };
      const changed = await browser.request('POST', `/dashboard/staff/${target.id}`, body);
      assert.equal(changed.status, 403);
      assert.match(changed.text, /Request refused/);
      const invited = await browser.request('POST', '/dashboard/staff/invite', {
        role: 'admin',
        ...(csrf ? { _csrf: csrf } : {}),
      });
      assert.equal(invited.status, 403);
      assert.equal((await browser.request('POST', `/dashboard/staff/${target.id}/revoke`, {})).status, 403);
    }
    assert.equal((await s.directory.get(target.id))?.role, 'interviewer');
    assert.equal((await s.directory.get(target.id))?.status, 'active');
    const added = (await s.audit()).slice(before.length).map(s.line);
    assert.deepEqual(added, Array(12).fill('dashboard.csrf:refused'));

    // The sign-in form without the nonce its page set: refused, and the link is not spent.
    const link = await s.links.issue(s.admin, 'cli');
    const token = new URL(link).pathname.split('/').pop()!;
    const stranger = s.anonymous();
    assert.equal(
      (await stranger.request('POST', '/dashboard/signin', { token, nonce: 'guess' })).status,
      403,
    );
    assert.equal(stranger.cookies.has('dashboard_session'), false);
    assert.equal((await s.anonymous().signInWith(link)).location, '/dashboard', 'the link still works');
  });

  test(`${kind}: signing out ends this browser's session; signing out everywhere ends every one`, async (t) => {
    const s = await setup(t, kind);
    if (!s) return;
    const [laptop, phone, tablet] = [
      await s.signIn(s.admin),
      await s.signIn(s.admin),
      await s.signIn(s.admin),
    ];
    const out = await laptop.request('POST', '/dashboard/signout', { _csrf: await laptop.csrf() });
    assert.equal(out.status, 200);
    assert.equal((await laptop.get('/dashboard')).location, '/dashboard/signin');
    assert.equal((await phone.get('/dashboard')).status, 200);
    const everywhere = await phone.request('POST', '/dashboard/signout/everywhere', {
      _csrf: await phone.csrf(),
    });
    assert.equal(everywhere.status, 200);
    for (const browser of [phone, tablet])
      assert.equal((await browser.get('/dashboard')).location, '/dashboard/signin');
    const lines = (await s.audit()).map(s.line);
    assert.ok(lines.includes('dashboard.signout:ok') && lines.includes('dashboard.signout_everywhere:ok'));
  });
}

test('a session ends after the idle time without a request; the overview polling does not keep it open', async (t) => {
  let now = Date.UTC(2026, 0, 5, 9);
  const s = await setup(t, 'embedded', () => now);
  if (!s) return;
  const browser = await s.signIn(s.admin);
  now += 29 * 60_000;
  assert.equal((await browser.get('/dashboard')).status, 200, 'a request within 30 minutes');
  now += 29 * 60_000;
  const poll = await browser.request('GET', '/dashboard/overview/live', undefined, { 'hx-request': 'true' });
  assert.equal(poll.status, 200, 'the poll is answered');
  now += 2 * 60_000;
  const late = await browser.request('GET', '/dashboard/overview/live', undefined, { 'hx-request': 'true' });
  assert.equal(late.headers.get('hx-redirect'), '/dashboard/signin', 'htmx is sent to the sign-in page');
  assert.equal((await browser.get('/dashboard')).location, '/dashboard/signin');
});
