import assert from 'node:assert/strict';
import { test } from 'node:test';
import { contact, response } from '../store/response-store.contract.ts';
import { openTestStores } from '../telegram/harness.ts';
import { startDashboardHarness } from './harness.ts';

test("a response's contact details: admins and the interviewer who claimed the respondent see them; other interviewers and coordinators do not", async (t) => {
  const opened = await openTestStores(t);
  if (!opened) return;
  t.after(async () => {
    await opened.stores.close();
    await opened.dispose();
  });
  const { stores } = opened;
  await stores.responses.save(response({ id: 'r-1', respondent: 'p-1', contactId: 'r-1' }));
  await stores.contacts.save(contact({ id: 'r-1', respondent: 'p-1', email: 'wanjiru@example.org' }));
  const h = await startDashboardHarness(t, { stores, config: opened.config });
  const add = (name: string, role: 'admin' | 'coordinator' | 'interviewer') =>
    h.directory.add('cli', { name, role });
  const [admin, coordinator, holder, other] = await Promise.all([
    add('Ada', 'admin'),
    add('Coco', 'coordinator'),
    add('Iman', 'interviewer'),
    add('Ivo', 'interviewer'),
  ]);
  assert.equal((await stores.claims.claim('p-1', holder.id, new Date())).ok, true);

  const sees = async (member: typeof admin) => {
    const page = await (await h.signIn(member)).get('/dashboard/responses/r-1');
    assert.equal(page.status, 200);
    return page.text.includes('wanjiru@example.org');
  };
  assert.deepEqual(
    [await sees(admin), await sees(coordinator), await sees(holder), await sees(other)],
    [true, false, true, false],
  );
  const views = await stores.audit.list({ limit: 10, action: 'contact.view' });
  assert.deepEqual(views.map((e) => e.actor).sort(), [admin.id, holder.id].sort());
});
