import assert from 'node:assert/strict';
import { test } from 'node:test';
import { invitationQueue, queueInvitations } from '../../src/campaigns/invitation-send.ts';
import { importInvitees } from '../../src/campaigns/invitees.ts';
import { REMINDER_QUEUE } from '../../src/campaigns/reminder-schedule.ts';
import { reminderKey } from '../../src/campaigns/reminders.ts';
import { BullmqJobs } from '../../src/jobs/bullmq-jobs.ts';
import { rotate } from '../../src/privacy/rotate.ts';
import { openStores } from '../../src/store/open.ts';
import { accept, StaffUser } from '../interviews/harness.ts';
import { campaign } from '../store/campaign-stores.contract.ts';
import { captureLog } from '../support/logs.ts';
import { FORUM, startHarness } from '../telegram/harness.ts';
import { Respondent } from '../telegram/respondent.ts';
import { BEFORE_CONTACT, dumpMongo, dumpRedis, found } from './dump-support.ts';

// Distinct values: a platform id or a name found anywhere in a dump is a leak, never a coincidence.
const PEOPLE = {
  email: { id: 5550001111, name: 'Zanele Okonkwo', email: 'zanele.okonkwo@example.org' },
  chat: { id: 5550002222, name: 'Bartholomew Quist' },
  partial: { id: 5550003333, name: 'Cressida Vantongeren' },
};
const STAFF_NAME = 'Staffperson Ekwueme';
const INTERVIEWER = { id: 5550009999, name: 'Interviewer Abernathy-Osei' };
// What the follow-up conversation says: a name and an address in the texts, a note about them.
const FOLLOWUP = {
  said: 'My colleague Ifeoma Draxler-Nwosu runs the reading room',
  asked: 'Could Ifeoma Draxler-Nwosu write to me at interviews@example.com?',
  note: 'Ifeoma Draxler-Nwosu prefers mornings; call 5550123987',
};
// Invitees imported from a coordinator's file: name, address, organisation, another column.
const INVITEES = [
  {
    name: 'Thandiwe Marchetti',
    email: 'thandiwe.marchetti@example.net',
    org: 'Ulundi Reading Trust',
    city: 'Eshowe-Kwamondi',
  },
  {
    name: 'Oyelaran Fitzgerald',
    email: 'o.fitzgerald@example.net',
    org: 'Kaduna Bookmobile Circle',
    city: 'Zaria-Tudun',
  },
];
const personal = [
  ...Object.values(PEOPLE).flatMap((p) => [String(p.id), p.name]),
  PEOPLE.email.email,
  STAFF_NAME,
  // Staff accounts stay in clear by design (every staff update is looked up by account); names do not.
  INTERVIEWER.name,
  ...Object.values(FOLLOWUP),
  'Ifeoma',
  ...INVITEES.flatMap((i) => [i.name, i.email, i.org, i.city]),
];

test('a dump of MongoDB and Redis after a run holds no personal data in clear; with the key it reads; after rotation the old key is not needed', async (t) => {
  const h = await startHarness(t, { stores: 'servers', sharedPrompts: true, interviews: true });
  if (!h) return;
  const redis = h.stores.redis!;
  const jobs = new BullmqJobs({ target: h.config.REDIS_URL!, prefix: h.redisPrefix, log: captureLog().log });
  t.after(() => jobs.close());

  const a = new Respondent(h.api, PEOPLE.email.id, 'en');
  await a.send('/start');
  await a.takeSurvey({
    ...BEFORE_CONTACT,
    q17: [
      { choose: 'yes' },
      { type: PEOPLE.email.name },
      { choose: 'email' },
      { type: PEOPLE.email.email },
      { choose: 'en' },
    ],
  });
  const b = new Respondent(h.api, PEOPLE.chat.id, 'en');
  await b.send('/start');
  await b.takeSurvey({
    ...BEFORE_CONTACT,
    q17: [{ choose: 'yes' }, { type: PEOPLE.chat.name }, { choose: 'chat' }, { choose: 'en' }],
  });
  // Still answering: their name is in the session's draft, in Redis.
  const c = new Respondent(h.api, PEOPLE.partial.id, 'en');
  await c.send('/start');
  await assert.rejects(c.takeSurvey(BEFORE_CONTACT), /asked q17/);
  await c.step({ choose: 'yes' });
  await c.step({ type: PEOPLE.partial.name });
  await h.directory.add('cli', { name: STAFF_NAME, role: 'coordinator' });

  // A follow-up: the interviewer claims and invites the respondent reached in the chat; both write; a note.
  const at = new Date();
  await h.stores.staff.create({
    id: 'm-interviewer',
    name: INTERVIEWER.name,
    role: 'interviewer',
    scope: { campaigns: [], regions: [] },
    principals: [{ channel: 'telegram', user: String(INTERVIEWER.id) }],
    locale: 'en',
    status: 'active',
    createdAt: at,
    updatedAt: at,
  });
  const interviewer = new StaffUser(h.api, INTERVIEWER.id);
  const handle = h.service.respondentOf('telegram', String(b.id)).slice(0, 8);
  assert.match((await interviewer.command(`/claim ${handle}`)).join('\n'), /is yours now/);
  assert.match((await interviewer.command(`/invite ${handle}`)).join('\n'), /Invitation sent/);
  const thread = h.api.chat(FORUM).findLast((m) => m.thread !== undefined)!.thread!;
  await accept(b);
  await b.send(FOLLOWUP.said);
  await interviewer.say(thread, FOLLOWUP.asked);
  assert.ok(b.last.text.includes(FOLLOWUP.asked), 'the words of the interviewer reach the respondent');
  await interviewer.say(thread, `/note ${FOLLOWUP.note}`);

  // A campaign with invitees imported from a file, its invitations and a reminder run queued.
  const open = campaign({ status: 'open', opensAt: new Date(0) });
  await h.stores.campaigns.create(open);
  const file = [
    'Name,E-mail,Organisation,City',
    ...INVITEES.map((i) => [i.name, i.email, i.org, i.city].join(',')),
  ].join('\n');
  const imported = await importInvitees(h.stores, open, 'm-coord-1', Buffer.from(file), at);
  assert.ok('added' in imported && imported.added === 2);
  assert.equal(await queueInvitations(invitationQueue(jobs), open.id, 'run-1'), 'added');
  assert.equal(
    await jobs
      .queue<{ campaign: string }>(REMINDER_QUEUE)
      .add({ campaign: open.id }, { id: `remind.${open.id}.1` }),
    'added',
  );
  // The partial respondent is being reminded: claimed in the send log, not settled yet.
  const reminded = h.service.respondentOf('telegram', String(PEOPLE.partial.id));
  assert.ok(
    await h.stores.sends.begin({
      key: reminderKey(open.id, reminded, 1),
      campaign: open.id,
      kind: 'reminder',
      channel: 'telegram',
      respondent: reminded,
      startedAt: at,
    }),
  );

  const contacts = await h.stores.contacts.list();
  assert.deepEqual(
    contacts.map((x) => x.name).sort(),
    [PEOPLE.chat.name, PEOPLE.email.name].sort(),
    'with the key, contacts read',
  );
  assert.equal(contacts.find((x) => x.email)?.email, PEOPLE.email.email);
  assert.equal(
    (await h.service.current('telegram', String(c.id)))?.draft?.name,
    PEOPLE.partial.name,
    'the session reads',
  );
  assert.equal(
    (
      await h.outbound.sendTo(h.service.respondentOf('telegram', String(b.id)), 'telegram', {
        kind: 'text',
        texts: [{ key: 'common:help' }],
        locale: 'en',
      })
    ).status,
    'delivered',
    'the address book reads: a message reaches the chat',
  );

  const [conversation] = await h.stores.conversations.byRespondent(
    h.service.respondentOf('telegram', String(b.id)),
  );
  assert.ok(conversation, 'the follow-up is stored');
  const followupTexts = async (stores: typeof h.stores) => ({
    transcript: (await stores.conversations.transcript(conversation.id)).map((m) => m.text),
    notes: (await stores.conversations.notes(conversation.id)).map((n) => n.text),
  });
  assert.deepEqual(
    await followupTexts(h.stores),
    { transcript: [FOLLOWUP.said, FOLLOWUP.asked], notes: [FOLLOWUP.note] },
    'with the key, the transcript and the note read',
  );
  const inviteesOf = async (stores: typeof h.stores) =>
    Promise.all(
      INVITEES.map(async (i) => {
        const found = await stores.invitees.get(open.id, i.email.toUpperCase());
        return found && [found.name, found.email, found.organisation, found.attributes.City];
      }),
    );
  assert.deepEqual(
    await inviteesOf(h.stores),
    INVITEES.map((i) => [i.name, i.email, i.org, i.city]),
    'with the key, invitees read, found by their address',
  );

  const dump = [...(await dumpMongo(h.mongoUri!)), ...(await dumpRedis(redis, h.redisPrefix))];
  for (const [what, start] of [
    ['contacts', 'contacts '],
    ['transcripts', 'transcripts '],
    ['notes', 'interview_notes '],
    ['invitees', 'invitees '],
    ['send log', 'sends '],
    ['sessions', `${h.redisPrefix}session:`],
    ['queued invitations', `${h.redisPrefix}{jobs}:campaign-invitations:`],
    ['queued reminders', `${h.redisPrefix}{jobs}:${REMINDER_QUEUE}:`],
  ])
    assert.ok(
      dump.some((d) => d.startsWith(start!)),
      `the dump holds the ${what}`,
    );
  assert.deepEqual(found(dump, personal), [], 'no personal data in clear in the dump');

  // Rotation: a second key becomes current; everything is sealed again with it.
  const oldKey = h.config.DATA_KEYS![0]!;
  const newKey = { id: 'k2', key: Buffer.alloc(32, 42) };
  const both = await openStores(
    { ...h.config, DATA_KEYS: [oldKey, newKey], DATA_KEY_CURRENT: 'k2' },
    captureLog().log,
  );
  await both.verifyKeys();
  const results = await rotate(both);
  await both.close();
  assert.deepEqual(
    results.map((r) => [r.store, r.resealed, r.unreadable]),
    [
      ['contacts', 2, 0],
      ['addresses', 3, 0],
      ['staff', 2, 0],
      ['conversations', 3, 0],
      ['invitees', 2, 0],
      ['sessions', 1, 0],
    ],
  );
  const after = [...(await dumpMongo(h.mongoUri!)), ...(await dumpRedis(redis, h.redisPrefix))];
  assert.deepEqual(found(after, [`enc1:${oldKey.id}:`]), [
    // Only the old key's own check value stays (it checks that key if it is ever configured again).
    ...found(after, [`enc1:${oldKey.id}:`]).filter((hit) => hit.includes('data_key_checks')),
  ]);
  assert.deepEqual(found(after, personal), []);

  // The new key alone reads everything.
  const log = captureLog();
  const only = await openStores({ ...h.config, DATA_KEYS: [newKey], DATA_KEY_CURRENT: 'k2' }, log.log);
  t.after(() => only.close());
  await only.verifyKeys();
  assert.deepEqual(
    (await only.contacts.list()).map((x) => x.name).sort(),
    [PEOPLE.chat.name, PEOPLE.email.name].sort(),
  );
  const session = await only.sessions.get(`telegram:${c.id}`);
  assert.ok(session && !('corrupt' in session) && session.draft?.name === PEOPLE.partial.name);
  assert.equal(
    (await only.addresses.get(h.service.respondentOf('telegram', String(a.id)), 'telegram'))?.chat,
    String(a.id),
  );
  assert.deepEqual(
    (await only.staff.list()).map((m) => m.name).sort(),
    [INTERVIEWER.name, STAFF_NAME].sort(),
  );
  assert.deepEqual(await followupTexts(only), {
    transcript: [FOLLOWUP.said, FOLLOWUP.asked],
    notes: [FOLLOWUP.note],
  });
  assert.deepEqual(
    await inviteesOf(only),
    INVITEES.map((i) => [i.name, i.email, i.org, i.city]),
  );
  assert.doesNotMatch(log.text(), /not readable/);
});
