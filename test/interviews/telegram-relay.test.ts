import assert from 'node:assert/strict';
import { test } from 'node:test';
import { translator } from '../support/flow.ts';
import { Respondent } from '../telegram/respondent.ts';
import { accept, FORUM, invited, StaffUser, startInterviews } from './harness.ts';

const en = translator.translatorFor('en');
const RESPONDENT = 7001;
const AMINA = 9001;
const BORIS = 9002;

test('an interviewer finds, claims and invites a consenting respondent; 50 messages each way arrive in order; the transcript holds all 100 with their sides; no platform id crosses', async (t) => {
  const h = await startInterviews(t);
  if (!h) return;
  await h.staff('amina', 'Amina Haddad', 'interviewer', AMINA);
  await h.staff('boris', 'Boris Petrov', 'interviewer', BORIS);
  const amina = new StaffUser(h.api, AMINA);
  const boris = new StaffUser(h.api, BORIS);
  const r = new Respondent(h.api, RESPONDENT, 'en');
  const pseudonym = await h.respondent(RESPONDENT);
  const declined = await h.respondent(7002, { agreed: false });
  await h.respondent(7003, { answers: { q3: { status: 'answered', value: 'FR' } } });

  // Only those who agreed, with a summary in the interviewer's language; filters narrow it.
  const listed = (await amina.command('/followups')).join('\n');
  assert.match(listed, /agreed to a follow-up: 2/);
  assert.ok(listed.includes(pseudonym.slice(0, 8)));
  assert.ok(!listed.includes(declined.slice(0, 8)));
  assert.match(listed, /Russia/);
  assert.match((await amina.command('/followups country=FR')).join('\n'), /follow-up: 1/);
  assert.match((await amina.command('/followups region=150 q1=public')).join('\n'), /follow-up: 2/);
  assert.match((await amina.command('/followups country=RU=x')).join('\n'), /cannot read/);
  // A respondent cannot use the command: it is unknown to them.
  await r.send('/followups');
  assert.equal(r.last.text, en({ key: 'telegram:invalid.unknown_command' }));

  const thread = await invited(h, r, amina);
  // The thread opens with the respondent's summary and the guide's questions for their answers.
  const header = h.api.topic(FORUM, thread)[0]!.text;
  assert.match(header, /Follow-up conversation with respondent/);
  assert.match(header, /Partly/);
  assert.match(header, /Suggested questions:\n• What remains unresolved/);
  assert.ok(!header.includes(String(RESPONDENT)));
  // Boris cannot take or invite someone Amina holds.
  assert.match(
    (await boris.command(`/claim ${pseudonym.slice(0, 8)}`)).join('\n'),
    /already held by Amina Haddad/,
  );
  assert.match((await boris.command(`/invite ${pseudonym.slice(0, 8)}`)).join('\n'), /Claim respondent/);

  // The invitation: the interviewer's first name and role, never their account.
  const invitation = r.last.text;
  assert.match(invitation, /Amina, interviewer/);
  assert.ok(!invitation.includes('Haddad') && !invitation.includes(String(AMINA)));

  // Before the respondent accepts, nothing the interviewer writes reaches them; the attempt is audited.
  const before = h.api.chat(RESPONDENT).length;
  await amina.say(thread, 'Are you there?');
  assert.equal(h.api.chat(RESPONDENT).length, before);
  assert.match(h.api.topic(FORUM, thread).at(-1)!.text, /has not accepted/);
  const refused = await h.stores.audit.list({ limit: 10, action: 'followup.write' });
  assert.equal(refused[0]?.outcome, 'refused');
  assert.equal(refused[0]?.details?.reason, 'not_accepted');

  await accept(r);
  assert.match(r.last.text, /Thank you! Write your messages here/);
  assert.match(h.api.topic(FORUM, thread).at(-1)!.text, /accepted/);

  const topicBefore = h.api.topic(FORUM, thread).length;
  const chatBefore = h.api.chat(RESPONDENT).length;
  for (let i = 1; i <= 50; i++) {
    await r.send(`from respondent ${i}`);
    await amina.say(thread, `from interviewer ${i}`);
  }
  const inTopic = h.api
    .topic(FORUM, thread)
    .slice(topicBefore)
    .map((m) => m.text);
  assert.deepEqual(
    inTopic,
    Array.from({ length: 50 }, (_, i) => `Respondent:\nfrom respondent ${i + 1}`),
  );
  const inChat = h.api
    .chat(RESPONDENT)
    .slice(chatBefore)
    .map((m) => m.text);
  assert.deepEqual(
    inChat,
    Array.from({ length: 50 }, (_, i) => `Amina (interviewer):\nfrom interviewer ${i + 1}`),
  );
  for (const text of inChat) assert.ok(!text.includes(String(AMINA)) && !text.includes(String(FORUM)));
  for (const text of h.api.topic(FORUM, thread).map((m) => m.text))
    assert.ok(!text.includes(String(RESPONDENT)), text);

  const [conversation] = await h.stores.conversations.byRespondent(pseudonym);
  const transcript = await h.stores.conversations.transcript(conversation!.id);
  assert.equal(transcript.length, 100);
  assert.deepEqual(
    transcript.map((m) => `${m.side}:${m.author}:${m.text}`),
    Array.from({ length: 50 }, (_, i) => [
      `respondent:respondent:from respondent ${i + 1}`,
      `interviewer:amina:from interviewer ${i + 1}`,
    ]).flat(),
  );

  // A private note stays out of the respondent's chat.
  const chatLength = h.api.chat(RESPONDENT).length;
  await amina.say(thread, '/note keen on q9 follow-up');
  assert.equal(h.api.chat(RESPONDENT).length, chatLength);
  assert.deepEqual(
    (await h.stores.conversations.notes(conversation!.id)).map((n) => n.text),
    ['keen on q9 follow-up'],
  );

  // The respondent ends it; both sides are told, and nothing more reaches them.
  await r.send('/end');
  assert.equal(r.last.text, en({ key: 'interviews:relay.ended_by_you' }));
  assert.match(h.api.topic(FORUM, thread).at(-1)!.text, /respondent ended the conversation/);
  const after = h.api.chat(RESPONDENT).length;
  await amina.say(thread, 'one more thing');
  assert.equal(h.api.chat(RESPONDENT).length, after);
  assert.match(h.api.topic(FORUM, thread).at(-1)!.text, /conversation is over/);
});
