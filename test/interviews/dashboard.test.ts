import assert from 'node:assert/strict';
import { test } from 'node:test';
import { messageId, type Conversation } from '../../src/store/followup-store.ts';
import { startDashboardHarness } from '../dashboard/harness.ts';
import { openTestStores } from '../telegram/harness.ts';
import { Respondent } from '../telegram/respondent.ts';
import { accept, FORUM, invited, StaffUser, startInterviews } from './harness.ts';

const at = (s: number) => new Date(Date.parse('2026-11-20T10:00:00Z') + s * 1000);

test('the conversations page: an interviewer sees the transcripts of their conversations, an admin all, a coordinator none; words escaped; each view audited', async (t) => {
  const opened = await openTestStores(t, 'embedded');
  if (!opened) return;
  t.after(async () => {
    await opened.stores.close();
    await opened.dispose();
  });
  const { stores } = opened;
  const h = await startDashboardHarness(t, { stores, config: opened.config });
  const amina = await h.directory.add('cli', { name: 'Amina Haddad', role: 'interviewer' });
  const boris = await h.directory.add('cli', { name: 'Boris Petrov', role: 'interviewer' });
  const admin = await h.directory.add('cli', { name: 'Ada Admin', role: 'admin' });
  const coordinator = await h.directory.add('cli', { name: 'Cora', role: 'coordinator' });
  const conversation = (id: string, interviewer: string, respondent: string): Conversation => ({
    id,
    respondent,
    channel: 'telegram',
    flowId: 'advocacy',
    response: `r-${id}`,
    interviewer,
    status: 'open',
    createdAt: at(0),
    updatedAt: at(0),
  });
  await stores.conversations.create(conversation('c-amina', amina.id, 'aaaaaaaa11112222'));
  await stores.conversations.create(conversation('c-boris', boris.id, 'bbbbbbbb33334444'));
  await stores.conversations.append({
    id: messageId(at(1)),
    conversation: 'c-amina',
    respondent: 'aaaaaaaa11112222',
    at: at(1),
    side: 'respondent',
    author: 'respondent',
    text: '<img src=x onerror=alert(1)> our budget',
  });
  await stores.conversations.append({
    id: messageId(at(2)),
    conversation: 'c-amina',
    respondent: 'aaaaaaaa11112222',
    at: at(2),
    side: 'interviewer',
    author: amina.id,
    text: 'What remains unresolved?',
  });

  const asAmina = await (await h.signIn(amina)).get('/dashboard/conversations');
  assert.equal(asAmina.status, 200);
  assert.ok(asAmina.text.includes('aaaaaaaa') && !asAmina.text.includes('bbbbbbbb'));
  assert.ok(asAmina.text.includes('&lt;img src=x onerror=alert(1)&gt; our budget'));
  assert.ok(!asAmina.text.includes('<img src=x'));
  assert.match(asAmina.text, /What remains unresolved\?/);

  const asAdmin = await (await h.signIn(admin)).get('/dashboard/conversations');
  assert.ok(asAdmin.text.includes('aaaaaaaa') && asAdmin.text.includes('bbbbbbbb'));
  assert.equal((await (await h.signIn(coordinator)).get('/dashboard/conversations')).status, 403);

  const views = await stores.audit.list({ limit: 10, action: 'conversation.view' });
  assert.deepEqual(
    views.map((e) => [e.actor, e.details?.conversations]),
    [
      [admin.id, 2],
      [amina.id, 1],
    ],
  );
});

test('posting into a conversation from the dashboard goes through the same gate: refused and audited before acceptance or by another interviewer; once accepted, relayed and shown in the staff thread', async (t) => {
  const h = await startInterviews(t);
  if (!h) return;
  const amina = await h.staff('amina', 'Amina Haddad', 'interviewer', 9001);
  const boris = await h.staff('boris', 'Boris Petrov', 'interviewer', 9002);
  const web = await startDashboardHarness(t, {
    stores: h.stores,
    config: h.config,
    directory: h.directory,
    interviews: h.interviews,
  });
  const r = new Respondent(h.api, 7001, 'en');
  const thread = await invited(h, r, new StaffUser(h.api, 9001));
  const [conversation] = await h.stores.conversations.byFlow('advocacy');
  const post = async (member: typeof amina, text: string) => {
    const client = await web.signIn(member);
    const csrf = await client.csrf('/dashboard/conversations');
    return client.request('POST', `/dashboard/conversations/${conversation!.id}/messages`, {
      text,
      _csrf: csrf,
    });
  };

  const seen = h.api.chat(r.id).length;
  assert.equal(
    (await post(amina, 'Hello from the web')).location,
    '/dashboard/conversations?said=refused_not_accepted',
  );
  assert.equal(h.api.chat(r.id).length, seen);

  await accept(r);
  assert.equal((await post(boris, 'Not mine')).location, '/dashboard/conversations?said=refused_not_holder');
  assert.equal((await post(amina, 'Hello from the web')).location, '/dashboard/conversations?said=sent');
  assert.equal(h.api.chat(r.id).at(-1)!.text, 'Amina (interviewer):\nHello from the web');
  assert.equal(
    h.api.topic(FORUM, thread).at(-1)!.text,
    'Amina Haddad, from the dashboard:\nHello from the web',
  );
  assert.deepEqual(
    (await h.stores.conversations.transcript(conversation!.id)).map((m) => [m.side, m.author, m.text]),
    [['interviewer', 'amina', 'Hello from the web']],
  );
  const refused = await h.stores.audit.list({ limit: 10, action: 'followup.write' });
  assert.deepEqual(
    refused.map((e) => [e.actor, e.details?.reason]),
    [
      ['boris', 'not_holder'],
      ['amina', 'not_accepted'],
    ],
  );
});
