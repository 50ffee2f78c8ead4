import assert from 'node:assert/strict';
import { test } from 'node:test';
import { translator } from '../support/flow.ts';
import { Respondent } from '../telegram/respondent.ts';
import { accept, FORUM, invited, StaffUser, startInterviews } from './harness.ts';

const en = translator.translatorFor('en');

test('two interviewers claim the same respondent at the same moment: exactly one wins, the other is told who holds them', async (t) => {
  const h = await startInterviews(t);
  if (!h) return;
  await h.staff('amina', 'Amina Haddad', 'interviewer', 9001);
  await h.staff('boris', 'Boris Petrov', 'interviewer', 9002);
  const handle = (await h.respondent(7001)).slice(0, 8);
  const [a, b] = await Promise.all([
    new StaffUser(h.api, 9001).command(`/claim ${handle}`),
    new StaffUser(h.api, 9002).command(`/claim ${handle}`),
  ]);
  const answers = [a!.join('\n'), b!.join('\n')];
  assert.equal(answers.filter((x) => /is yours now/.test(x)).length, 1, answers.join(' | '));
  assert.equal(answers.filter((x) => /already held by/.test(x)).length, 1, answers.join(' | '));
});

test('a respondent who declined the contact question, erased their data, or did not accept cannot be written to by any route, and each attempt is audited', async (t) => {
  const h = await startInterviews(t);
  if (!h) return;
  const member = await h.staff('amina', 'Amina Haddad', 'interviewer', 9001);
  const amina = new StaffUser(h.api, 9001);
  // Declined: not offered, not claimable by command; through the service, refused and audited.
  const declined = await h.respondent(7002, { agreed: false });
  assert.match((await amina.command(`/claim ${declined.slice(0, 8)}`)).join('\n'), /No respondent/);
  await h.interviews.claim(member, declined);
  const direct = await h.interviews.invite(member, declined, 'resp-7002', 'telegram', []);
  assert.deepEqual(direct, { ok: false, reason: 'no_consent' });
  assert.equal(h.api.chat(7002).length, 0);

  // Did not accept ("not now"): the interviewer's messages stop at the gate.
  const later = new Respondent(h.api, 7003, 'en');
  const thread = await invited(h, later, amina);
  const buttons = later.last.reply_markup!.inline_keyboard.flat() as { callback_data: string }[];
  await later.deliver(later.user.press(later.last.message_id, buttons[1]!.callback_data));
  assert.match(later.last.text, /not now/);
  const seen = h.api.chat(7003).length;
  await amina.say(thread, 'Just one question?');
  assert.equal(h.api.chat(7003).length, seen);
  const [conversation] = await h.stores.conversations.byRespondent(
    later.user.id ? h.interviews && (await h.stores.conversations.byFlow('advocacy'))[0]!.respondent : '',
  );
  assert.deepEqual(await h.interviews.fromInterviewer(member, conversation!, 'via the API'), {
    ok: false,
    reason: 'not_accepted',
  });
  // An old button pressed again changes nothing.
  await later.deliver(
    later.user.press(later.message(later.messages.at(-2)!.message_id).message_id, buttons[0]!.callback_data),
  );
  assert.equal(later.last.text, en({ key: 'interviews:invitation.stale' }));
  assert.equal((await h.stores.conversations.get(conversation!.id))?.status, 'postponed');

  // Erased: everything goes, and nothing can be written to them afterwards.
  const erased = new Respondent(h.api, 7004, 'en');
  const thread2 = await invited(h, erased, amina);
  await accept(erased);
  const [open] = await h.stores.conversations.byRespondent(
    (await h.stores.conversations.byFlow('advocacy')).at(-1)!.respondent,
  );
  await erased.send('/delete_my_data');
  const confirm = erased.last.reply_markup!.inline_keyboard.flat() as { callback_data: string }[];
  await erased.deliver(
    erased.user.press(
      erased.last.message_id,
      confirm.find((b) => b.callback_data === '!delete:yes')!.callback_data,
    ),
  );
  assert.match(h.api.topic(FORUM, thread2).at(-1)!.text, /erased their data/);
  assert.deepEqual(await h.stores.conversations.byRespondent(open!.respondent), []);
  assert.deepEqual(await h.stores.conversations.transcript(open!.id), []);
  assert.equal(await h.stores.claims.get(open!.respondent), null);
  const count = h.api.chat(7004).length;
  await amina.say(thread2, 'Hello?');
  assert.equal(h.api.chat(7004).length, count);
  assert.deepEqual(await h.interviews.fromInterviewer(member, open!, 'via the API'), {
    ok: false,
    reason: 'no_consent',
  });

  const audited = await h.stores.audit.list({ limit: 50, action: 'followup.write' });
  assert.deepEqual(audited.map((e) => [e.outcome, e.details?.reason]).reverse(), [
    ['refused', 'no_consent'],
    ['refused', 'not_accepted'],
    ['refused', 'not_accepted'],
    ['refused', 'no_consent'],
  ]);
  // The audit names pseudonyms and reasons, never a platform id.
  for (const e of audited) assert.ok(!JSON.stringify(e).includes('7004'));
});

test('in a conversation: a live survey question keeps the text; stickers are refused; long messages arrive whole in parts; a blocked bot marks the conversation and tells the interviewer', async (t) => {
  const h = await startInterviews(t);
  if (!h) return;
  await h.staff('amina', 'Amina Haddad', 'interviewer', 9001);
  const amina = new StaffUser(h.api, 9001);
  const r = new Respondent(h.api, 7001, 'en');
  const thread = await invited(h, r, amina);
  await accept(r);
  const topicLength = () => h.api.topic(FORUM, thread).length;

  // A survey under way: its question takes typed text, never the conversation.
  await r.send('/restart');
  const restart = r.last.reply_markup!.inline_keyboard.flat() as { callback_data: string }[];
  await r.deliver(
    r.user.press(r.last.message_id, restart.find((b) => b.callback_data === '!restart:yes')!.callback_data),
  );
  const before = topicLength();
  await r.send('fr');
  assert.equal(topicLength(), before, 'the survey answer did not reach the interviewer');
  const session = await h.service.current('telegram', '7001');
  assert.equal(session?.locale, 'fr');
  await h.service.discard('telegram', '7001');
  await r.send('back to you');
  assert.equal(h.api.topic(FORUM, thread).at(-1)!.text, 'Respondent:\nback to you');

  // A sticker is refused, clearly, and nothing is relayed.
  await r.deliver(r.user.sticker());
  assert.equal(r.last.text, en({ key: 'interviews:relay.unsupported' }));
  assert.equal(h.api.topic(FORUM, thread).at(-1)!.text, 'Respondent:\nback to you');

  // A message longer than a chat message: split in order, nothing cut.
  const long = Array.from({ length: 700 }, (_, i) => `word${i}`).join(' ');
  const chatBefore = h.api.chat(7001).length;
  await amina.say(thread, long);
  const parts = h.api
    .chat(7001)
    .slice(chatBefore)
    .map((m) => m.text.replace(/^Amina \(interviewer\):\n/, ''));
  assert.ok(parts.length >= 3, `${parts.length} parts`);
  assert.equal(parts.join(''), long);

  // The respondent blocks the bot: marked, and the interviewer told.
  h.api.block(7001);
  await r.deliver(r.user.blocks());
  const [conversation] = await h.stores.conversations.byFlow('advocacy');
  assert.equal((await h.stores.conversations.get(conversation!.id))?.status, 'unreachable');
  assert.match(h.api.topic(FORUM, thread).at(-1)!.text, /blocked the bot/);
});

test('a staff member removed mid-conversation and a topic deleted by hand: nothing delivered to the wrong person, nothing lost', async (t) => {
  const h = await startInterviews(t);
  if (!h) return;
  await h.staff('amina', 'Amina Haddad', 'interviewer', 9001);
  const amina = new StaffUser(h.api, 9001);
  const r = new Respondent(h.api, 7001, 'en');
  const thread = await invited(h, r, amina);
  await accept(r);

  await h.directory.revoke('admin', 'amina');
  const seen = h.api.chat(7001).length;
  await amina.say(thread, 'still here');
  assert.equal(h.api.chat(7001).length, seen);
  assert.match(h.api.topic(FORUM, thread).at(-1)!.text, /Only interviewers and administrators/);

  h.api.deleteTopic(FORUM, thread);
  await r.send('are you there?');
  assert.equal(r.last.text, en({ key: 'interviews:relay.not_delivered' }));
  const [conversation] = await h.stores.conversations.byFlow('advocacy');
  const transcript = await h.stores.conversations.transcript(conversation!.id);
  assert.deepEqual(
    transcript.map((m) => m.text),
    ['are you there?'],
  );
});

test('a flood of 100 messages at once from the respondent: all relayed, in order, none lost or doubled', async (t) => {
  const h = await startInterviews(t);
  if (!h) return;
  await h.staff('amina', 'Amina Haddad', 'interviewer', 9001);
  const amina = new StaffUser(h.api, 9001);
  const r = new Respondent(h.api, 7001, 'en');
  const thread = await invited(h, r, amina);
  await accept(r);
  const before = h.api.topic(FORUM, thread).length;
  // One getUpdates answer holding all hundred, as Telegram hands over a burst.
  await h.api.deliverBatch(
    Array.from({ length: 100 }, (_, i) => h.api.numbered(r.user.text(`burst ${i + 1}`))),
  );
  const expected = Array.from({ length: 100 }, (_, i) => `burst ${i + 1}`);
  assert.deepEqual(
    h.api
      .topic(FORUM, thread)
      .slice(before)
      .map((m) => m.text.replace(/^Respondent:\n/, '')),
    expected,
  );
  const [conversation] = await h.stores.conversations.byFlow('advocacy');
  assert.deepEqual(
    (await h.stores.conversations.transcript(conversation!.id)).map((m) => m.text),
    expected,
  );
});
