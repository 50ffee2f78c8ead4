import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { DASHBOARD_ROUTES } from '../../src/dashboard/access.ts';
import { ROOT } from '../../src/flows/load.ts';
import { invitationQueue } from '../../src/campaigns/invitation-send.ts';
import { MemoryJobs } from '../../src/jobs/memory-jobs.ts';
import { ROLES, type Role } from '../../src/staff/staff.ts';
import { campaign } from '../store/campaign-stores.contract.ts';
import { response } from '../store/response-store.contract.ts';
import { openTestStores } from '../telegram/harness.ts';
import { startDashboardHarness, type Client } from './harness.ts';

type Who = 'anonymous' | Role;
const WHO: Who[] = ['anonymous', 'interviewer', 'coordinator', 'admin'];

/** The README's permission table: `| `METHOD path` | what | anonymous | interviewer | coordinator | admin |`. */
function readmeTable(): Map<string, string[]> {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('### Who may open what'));
  const rows = new Map<string, string[]>();
  for (const line of section.split('\n').slice(1)) {
    if (line.startsWith('#')) break;
    const cells = line.split('|').map((c) => c.trim());
    const route = /^`(GET|POST) (\/[^`]*)`$/.exec(cells[1] ?? '');
    if (route) rows.set(`${route[1]} ${route[2]}`, cells.slice(3, 7));
  }
  return rows;
}

test('the README permission table lists every dashboard route, and each answers as it says for every role and for nobody', async (t) => {
  const opened = await openTestStores(t, 'embedded');
  if (!opened) return;
  t.after(async () => {
    await opened.stores.close();
    await opened.dispose();
  });
  const { stores } = opened;
  // A queue nobody works: starting a send queues it, and nothing is sent.
  const jobs = new MemoryJobs();
  t.after(() => jobs.close());
  const h = await startDashboardHarness(t, {
    stores,
    config: opened.config,
    invitationQueue: invitationQueue(jobs),
  });
  await stores.responses.save(response({ id: 'resp-1' }));
  await stores.codings.saveCodebook({
    flowId: 'advocacy',
    question: 'q11',
    codes: [{ code: 'events', labels: { en: 'Events' } }],
    updatedAt: new Date(),
  });
  const members = Object.fromEntries(
    await Promise.all(
      ROLES.map(async (role) => [role, await h.directory.add('cli', { name: `A ${role}`, role })] as const),
    ),
  );
  await stores.campaigns.create(
    campaign({ id: 'access-camp', coordinators: [members.coordinator!.id], languages: ['en', 'fr'] }),
  );
  const openLink = await h.campaigns.openLink(members.admin!, 'access-camp', null);
  assert.ok(openLink.ok);
  const campaignForm = (id: string) => ({
    id,
    name: 'A campaign',
    flowId: 'advocacy',
    coordinators: members.coordinator!.id,
    regions: '150',
    languages: 'en',
    consentOrganisation: 'IFLA',
    firstAfterDays: '3',
    minGapDays: '4',
    maxCount: '2',
  });
  // The conversation routes answer not found to anyone but its interviewer and admins: one held
  // by the interviewer, so each role meets its permission, not a missing id.
  await stores.conversations.create({
    id: 'conv-access',
    respondent: 'cccccccc55556666',
    channel: 'telegram',
    flowId: 'advocacy',
    response: 'resp-1',
    interviewer: members.interviewer!.id,
    status: 'open',
    createdAt: new Date(),
    updatedAt: new Date(),
  });
  const table = readmeTable();
  assert.deepEqual(
    [...table.keys()].sort(),
    DASHBOARD_ROUTES.map((r) => `${r.method} ${r.path}`).sort(),
    'the README lists exactly the routes the dashboard serves',
  );

  /** One request to a route as someone, with what a browser would send; its outcome as the README writes it. */
  const outcome = async (route: (typeof DASHBOARD_ROUTES)[number], who: Who): Promise<string> => {
    const client: Client = who === 'anonymous' ? h.anonymous() : await h.signIn(members[who]!);
    const csrf = who === 'anonymous' ? 'none' : await client.csrf();
    const fresh = await h.directory.add('cli', { name: 'Target', role: 'interviewer' });
    const link = await h.links.issue(members.admin!, 'test');
    const path = route.path
      .replace(
        ':id',
        route.path.startsWith('/dashboard/responses')
          ? 'resp-1'
          : route.path.startsWith('/dashboard/conversations')
            ? 'conv-access'
            : fresh.id,
      )
      .replace(':token', new URL(link).pathname.split('/').pop()!)
      .replace(':file', 'dashboard.css')
      .replace(':question', 'q11')
      .replace(':campaign', 'access-camp')
      .replace(':lang', 'en');
    const query = route.path.endsWith('/qr') ? `?token=${openLink.value}&channel=discord&format=png` : '';
    let answer;
    if (route.method === 'GET') answer = await client.get(path + query);
    else if (route.path.endsWith('/invitees/import'))
      answer = await client.upload(
        path,
        { _csrf: csrf },
        { field: 'file', name: 'invitees.csv', content: Buffer.from('name,email\nAmal,amal@example.org\n') },
      );
    else if (route.path === '/dashboard/signin') answer = await client.signInWith(link);
    else {
      const bodies: Record<string, Record<string, string>> = {
        '/dashboard/staff/invite': { role: 'interviewer', name: 'New' },
        '/dashboard/staff/:id': { role: 'coordinator', campaigns: '', regions: '150' },
        '/dashboard/coding/:question': { at: '0', response: 'resp-1', action: 'save', codes: 'events' },
        '/dashboard/campaigns': campaignForm(`made-by-${who}`),
        '/dashboard/campaigns/:campaign': campaignForm('access-camp'),
        '/dashboard/campaigns/:campaign/status': { status: 'open' },
        '/dashboard/campaigns/:campaign/invitees': {
          email: `${who}@example.org`,
          name: 'One',
          language: 'en',
        },
        '/dashboard/campaigns/:campaign/links': { cap: '10' },
        // Follow-ups: permitted roles come back to the list (here with "unavailable": no interviews).
        '/dashboard/followups/claim': { respondent: 'cccccccc55556666', country: 'RU' },
        '/dashboard/followups/release': { respondent: 'cccccccc55556666' },
      };
      answer = await client.request('POST', path, { ...bodies[route.path], _csrf: csrf });
    }
    if (answer.status === 403) return '403';
    if (answer.status === 303 && answer.location === '/dashboard/signin') return 'sign-in';
    assert.ok(
      [200, 303].includes(answer.status),
      `${route.method} ${route.path} as ${who}: ${answer.status}`,
    );
    return '✓';
  };

  for (const route of DASHBOARD_ROUTES) {
    const expected = table.get(`${route.method} ${route.path}`)!;
    const actual: string[] = [];
    for (const who of WHO) actual.push(await outcome(route, who));
    assert.deepEqual(actual, expected, `${route.method} ${route.path} (${WHO.join(', ')})`);
  }
});
