import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { OutboundMessage } from '../../src/outbound/outbound.ts';
import { snowflake } from '../support/discord-api.ts';
import { harnessOn, STORE_KINDS, startHarness, type Harness } from '../support/discord-harness.ts';
import { choose, playOnDiscord, questionOf, type } from '../support/discord-script.ts';
import { components, type DiscordRespondent } from '../support/discord-user.ts';
import { translator } from '../support/flow.ts';

const en = translator.translatorFor('en');
const livePrompt: OutboundMessage = { kind: 'prompt', intro: [{ key: 'common:unavailable' }] };
const reminder: OutboundMessage = { kind: 'text', texts: [{ key: 'discord:progress.none' }], locale: 'en' };
const respondentOf = (h: Harness, r: DiscordRespondent) => h.service.respondentOf('discord', r.user.id);

/** A respondent in the DM with the bot, at q2 (language, consent and q1 answered). */
async function atSecondQuestion(h: Harness): Promise<DiscordRespondent> {
  const r = h.respondent();
  await r.survey('start');
  await playOnDiscord(r, [
    ['language', choose('en')],
    ['consent', choose('yes')],
    ['q1', choose('public')],
  ]);
  assert.equal(questionOf(r.latestQuestion()), 'q2');
  return r;
}

for (const kind of STORE_KINDS) {
  test(`a live prompt through the port asks a Discord respondent's current question anew; its buttons and a typed answer continue the survey (${kind})`, async (t) => {
    const h = await harnessOn(t, kind);
    if (!h) return;
    const r = await atSecondQuestion(h);
    const address = await h.stores.addresses.get(respondentOf(h, r), 'discord');
    assert.equal(address?.chat, r.user.id, 'a Discord respondent is reached by user id');

    const older = r.latestQuestion();
    assert.deepEqual(await h.outbound.sendTo(respondentOf(h, r), 'discord', livePrompt), {
      status: 'delivered',
    });
    const live = r.latestQuestion();
    assert.notEqual(live.id, older.id);
    assert.equal(questionOf(live), 'q2');
    assert.ok(live.content.startsWith(en({ key: 'common:unavailable' })), live.content);
    assert.ok(
      components(older).every((c) => c.disabled),
      'the older message of the same question no longer takes answers',
    );
    assert.ok(components(live).every((c) => !c.disabled));

    await r.press(/:c:yes$/, live);
    assert.deepEqual((await h.service.current('discord', r.user.id))?.answers.q2, {
      status: 'answered',
      value: 'yes',
    });
    await playOnDiscord(r, [['q2a', choose('member')]]);
    assert.equal(questionOf(r.latestQuestion()), 'q3');

    // At a typed question: the answer typed after a live prompt is shown on the prompt's message.
    assert.equal((await h.outbound.sendTo(respondentOf(h, r), 'discord', livePrompt)).status, 'delivered');
    const typed = r.latestQuestion();
    await playOnDiscord(r, [['q3', type('Egypt')]]);
    assert.match(typed.content, /Egypt/);
    assert.ok(components(typed).every((c) => c.disabled));
    assert.equal(questionOf(r.latestQuestion()), 'q4');
  });
}

test('no survey under way is "no prompt"; a user who refuses DMs (50007) and an unknown user come back as their outcome and are recorded on the address', async (t) => {
  const h = await startHarness(t);
  const closed = await atSecondQuestion(h);
  const finished = await atSecondQuestion(h);
  await h.service.discard('discord', finished.user.id);
  const before = h.api.requests.length;
  assert.deepEqual(await h.outbound.sendTo(respondentOf(h, finished), 'discord', livePrompt), {
    status: 'no_prompt',
  });
  assert.equal(h.api.requests.length, before, 'nothing asked of Discord');

  h.api.users.get(closed.user.id)!.dmsClosed = true;
  const sent = closed.botMessages().length;
  assert.deepEqual(await h.outbound.sendTo(respondentOf(h, closed), 'discord', reminder), {
    status: 'dms_closed',
  });
  assert.equal(closed.botMessages().length, sent);
  const recorded = await h.stores.addresses.get(respondentOf(h, closed), 'discord');
  assert.equal(recorded?.unreachable?.reason, 'dms_closed');

  // An account Discord does not know (deleted since): no DM channel can be opened.
  const gone = snowflake();
  await h.stores.addresses.put({
    respondent: 'gone-respondent',
    channel: 'discord',
    chat: gone,
    locale: 'en',
    updatedAt: new Date(),
  });
  assert.deepEqual(await h.outbound.sendTo('gone-respondent', 'discord', reminder), {
    status: 'chat_not_found',
  });
  assert.equal(
    (await h.stores.addresses.get('gone-respondent', 'discord'))?.unreachable?.reason,
    'chat_not_found',
  );
});

test('Discord rate limits: a short one is waited out by discord.js and the message goes once; a long one comes back with its wait', async (t) => {
  const h = await startHarness(t);
  const r = await atSecondQuestion(h);
  const messages = `/channels/${r.dm.id}/messages`;
  h.api.rateLimit('POST', new RegExp(`^${messages}$`), 1);
  assert.deepEqual(await h.outbound.sendTo(respondentOf(h, r), 'discord', reminder), {
    status: 'delivered',
  });
  const text = en({ key: 'discord:progress.none' });
  assert.equal(r.botMessages().filter((m) => m.content === text).length, 1, 'sent once');
  const posts = h.api.requests.filter((q) => q.method === 'POST' && q.path === messages);
  assert.deepEqual(
    posts.slice(-2).map((q) => q.status),
    [429, 200],
  );

  h.api.rateLimit('POST', new RegExp(`^${messages}$`), 60);
  const outcome = await h.outbound.sendTo(respondentOf(h, r), 'discord', reminder);
  assert.equal(outcome.status, 'rate_limited');
  assert.ok(outcome.status === 'rate_limited' && outcome.retryAfterMs >= 55_000, JSON.stringify(outcome));
  assert.equal(r.botMessages().filter((m) => m.content === text).length, 1);
  assert.equal((await h.stores.addresses.get(respondentOf(h, r), 'discord'))?.unreachable, undefined);
});

test("unasked messages stop once the sender's share of Discord's invalid-request limit is spent", async (t) => {
  const h = await startHarness(t, { invalidRequestBudget: 1 });
  const closed = await atSecondQuestion(h);
  const open = await atSecondQuestion(h);
  h.api.users.get(closed.user.id)!.dmsClosed = true;
  assert.equal((await h.outbound.sendTo(respondentOf(h, closed), 'discord', reminder)).status, 'dms_closed');
  const before = h.api.requests.length;
  const outcome = await h.outbound.sendTo(respondentOf(h, open), 'discord', reminder);
  assert.equal(outcome.status, 'rate_limited');
  assert.ok(outcome.status === 'rate_limited' && outcome.retryAfterMs > 0 && outcome.retryAfterMs <= 600_000);
  assert.equal(h.api.requests.length, before, 'nothing more asked of Discord');
  // Answering respondents is not held back: the budget is the unasked messages' alone.
  await open.press(/:c:yes$/);
  assert.equal(questionOf(open.latestQuestion()), 'q2a');
});
