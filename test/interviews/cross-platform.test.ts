import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DiscordRespondent } from '../support/discord-user.ts';
import { translator } from '../support/flow.ts';
import { FORUM, StaffUser, startInterviews } from './harness.ts';

const en = translator.translatorFor('en');

test('a Discord respondent and an interviewer in a Telegram forum topic: 50 messages each way in order, a transcript of 100 with the right sides, no platform id crosses', async (t) => {
  const h = await startInterviews(t, { discord: true });
  if (!h) return;
  const { api: discord, bot } = h.discord!;
  await h.staff('amina', 'Amina Haddad', 'interviewer', 9001);
  const amina = new StaffUser(h.api, 9001);
  const r = new DiscordRespondent(discord, bot.events, discord.addUser({ locale: 'en-US' }));
  const respondent = await h.respondent(r.user.id, { channel: 'discord' });
  const handle = respondent.slice(0, 8);

  assert.match((await amina.command(`/followups`)).join('\n'), /Discord/);
  assert.match((await amina.command(`/claim ${handle}`)).join('\n'), /is yours now/);
  assert.match((await amina.command(`/invite ${handle}`)).join('\n'), /Invitation sent/);
  const thread = h.api.chat(FORUM).findLast((m) => m.thread !== undefined)!.thread!;

  const invitation = r.botMessages().at(-1)!;
  assert.match(invitation.content, /Amina, interviewer/);
  await r.press('Accept', invitation);
  assert.equal(r.lastText(), en({ key: 'interviews:invitation.answered_accept' }));
  assert.deepEqual(r.botMessages().find((m) => m.id === invitation.id)!.components, []);

  const topicBefore = h.api.topic(FORUM, thread).length;
  const dmBefore = r.botMessages().length;
  for (let i = 1; i <= 50; i++) {
    await r.type(`from respondent ${i}`);
    await amina.say(thread, `from interviewer ${i}`);
  }
  assert.deepEqual(
    h.api
      .topic(FORUM, thread)
      .slice(topicBefore)
      .map((m) => m.text),
    Array.from({ length: 50 }, (_, i) => `Respondent:\nfrom respondent ${i + 1}`),
  );
  const received = r
    .botMessages()
    .slice(dmBefore)
    .map((m) => m.content);
  assert.deepEqual(
    received,
    Array.from({ length: 50 }, (_, i) => `Amina (interviewer):\nfrom interviewer ${i + 1}`),
  );
  for (const text of received) assert.ok(!text.includes('9001') && !text.includes(String(FORUM)));
  for (const m of h.api.chat(FORUM)) assert.ok(!m.text.includes(r.user.id), m.text);

  const [conversation] = await h.stores.conversations.byRespondent(respondent);
  const transcript = await h.stores.conversations.transcript(conversation!.id);
  assert.equal(transcript.length, 100);
  assert.deepEqual(
    transcript.map((m) => `${m.side}:${m.text}`),
    Array.from({ length: 50 }, (_, i) => [
      `respondent:from respondent ${i + 1}`,
      `interviewer:from interviewer ${i + 1}`,
    ]).flat(),
  );

  // The interviewer closes it: the respondent is told, and later text goes to the survey, not to them.
  await amina.say(thread, '/close');
  assert.match(r.lastText(), /Amina has closed the conversation/);
  assert.match(h.api.topic(FORUM, thread).at(-1)!.text, /closed/);
  const after = h.api.topic(FORUM, thread).length;
  await r.type('hello again');
  assert.equal(h.api.topic(FORUM, thread).length, after);
});
