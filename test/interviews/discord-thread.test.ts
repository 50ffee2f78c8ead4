import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Respondent } from '../telegram/respondent.ts';
import { accept, DiscordStaffUser, startInterviews } from './harness.ts';

test('a Telegram respondent and an interviewer in a Discord private thread: 50 messages each way in order, a transcript of 100 with the right sides, no platform id crosses', async (t) => {
  const h = await startInterviews(t, { discord: true });
  if (!h) return;
  const { api: discord, staffChannel } = h.discord!;
  const amina = new DiscordStaffUser(h, discord.addUser({ username: 'amina_h', locale: 'en-US' }));
  const stranger = discord.addUser({ username: 'someone' });
  await h.staff('amina', 'Amina Haddad', 'interviewer', amina.user.id, 'en', 'discord');
  const r = new Respondent(h.api, 7001, 'en');
  const respondent = await h.respondent(r.id);
  const handle = respondent.slice(0, 8);

  assert.match((await amina.command(`/claim ${handle}`)).join('\n'), /is yours now/);
  assert.match((await amina.command(`/invite ${handle}`)).join('\n'), /Invitation sent/);
  const [thread] = discord.threadsOf(staffChannel);
  assert.ok(thread, 'a private thread for the conversation');
  assert.deepEqual([...thread.members!].sort(), [discord.bot.id, amina.user.id].sort());
  assert.throws(() => discord.threadMessage(stranger.id, thread.id, 'hi'), /not a member/);
  assert.match(amina.botTexts(thread.id).join('\n'), /Follow-up conversation with respondent/);

  await accept(r);
  assert.match(amina.botTexts(thread.id).at(-1)!, /accepted/);

  const threadBefore = amina.botTexts(thread.id).length;
  const chatBefore = h.api.chat(r.id).length;
  for (let i = 1; i <= 50; i++) {
    await r.send(`from respondent ${i}`);
    await amina.say(thread.id, `from interviewer ${i}`);
  }
  assert.deepEqual(
    amina.botTexts(thread.id).slice(threadBefore),
    Array.from({ length: 50 }, (_, i) => `Respondent:\nfrom respondent ${i + 1}`),
  );
  const received = h.api
    .chat(r.id)
    .slice(chatBefore)
    .map((m) => m.text);
  assert.deepEqual(
    received,
    Array.from({ length: 50 }, (_, i) => `Amina (interviewer):\nfrom interviewer ${i + 1}`),
  );
  for (const text of received)
    assert.ok(![amina.user.id, 'amina_h', thread.id, staffChannel].some((id) => text.includes(id)), text);
  for (const text of amina.botTexts(thread.id)) assert.ok(!text.includes(String(r.id)), text);

  const [conversation] = await h.stores.conversations.byRespondent(respondent);
  const transcript = await h.stores.conversations.transcript(conversation!.id);
  assert.equal(transcript.length, 100);
  assert.deepEqual(
    transcript.map((m) => `${m.side}:${m.author}:${m.text}`),
    Array.from({ length: 50 }, (_, i) => [
      `respondent:respondent:from respondent ${i + 1}`,
      `interviewer:amina:from interviewer ${i + 1}`,
    ]).flat(),
  );

  // A note stays in the thread's store; /close tells the respondent.
  await amina.say(thread.id, '/note asked about q9');
  assert.match(amina.botTexts(thread.id).at(-1)!, /Note kept/);
  await amina.say(thread.id, '/close');
  assert.match(h.api.chat(r.id).at(-1)!.text, /Amina has closed the conversation/);
});
