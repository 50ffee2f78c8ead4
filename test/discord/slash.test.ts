import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Session } from '../../src/engine/session.ts';
import type { SessionStore } from '../../src/store/session-store.ts';
import { sessionKey } from '../../src/store/session-store.ts';
import { embeddedStores, startHarness, type Harness } from '../support/discord-harness.ts';
import { choose, playOnDiscord, type } from '../support/discord-script.ts';
import { captureLog } from '../support/logs.ts';
import { components, PERMISSIONS, type DiscordRespondent } from '../support/discord-user.ts';

const key = (r: DiscordRespondent) => sessionKey('discord', r.user.id);
const stored = async (h: Harness, r: DiscordRespondent) => {
  const s = await h.stores.sessions.get(key(r));
  return s && !('corrupt' in s) ? s : null;
};

async function invite(
  h: Harness,
  token: string,
  extra: Partial<{ maxUses: number | null; uses: number; revoked: boolean; expiresAt: Date }> = {},
) {
  await h.stores.invitations.create({
    token,
    campaign: 'spring',
    coordinator: 'amal',
    maxUses: 5,
    uses: 0,
    revoked: false,
    createdAt: new Date(),
    ...extra,
  });
}

test('/survey start in a server: an ephemeral pointer there, the survey in the DM', async (t) => {
  const h = await startHarness(t);
  const server = h.api.addGuildChannel();
  const r = h.respondent({ locale: 'es-ES' });
  const outcome = await r.survey('start', {}, server);
  assert.equal(outcome.notices.length, 1);
  assert.match(
    outcome.notices[0]!,
    /La encuesta continúa en nuestros mensajes directos: https:\/\/discord\.com\/channels\/@me\/\d+/,
  );
  assert.equal(server.messages.length, 0, 'nothing of the survey is posted in the server');
  assert.match(r.lastText(), /Por favor, elija su idioma|idioma/i);
  assert.equal((await stored(h, r))?.locale, 'es', 'the language is preselected from the interaction locale');
});

test('/survey start code:<token>: the invitation is recorded and counted once, even on resume', async (t) => {
  const h = await startHarness(t);
  await invite(h, 'SPRING-25');
  const r = h.respondent();
  await r.survey('start', { code: 'SPRING-25' });
  await playOnDiscord(r, [
    ['language', choose('en')],
    ['consent', choose('yes')],
    ['q1', choose('public')],
  ]);
  await r.survey('start', { code: 'SPRING-25' });
  assert.match(r.lastText(), /Welcome back/);
  assert.equal((await stored(h, r))?.meta.invitation, 'SPRING-25');
  assert.equal((await h.stores.invitations.get('SPRING-25'))?.uses, 1);
});

test('a bad code gets its reason and the choice to continue without one', async (t) => {
  const h = await startHarness(t);
  await invite(h, 'OLD-CODE', { expiresAt: new Date(Date.now() - 1000) });
  await invite(h, 'USED-UP', { maxUses: 1, uses: 1 });
  const r = h.respondent();
  for (const [code, reason] of [
    ['NOPE', 'This invitation code is not valid.'],
    ['bad code!', 'This invitation code is not valid.'],
    ['OLD-CODE', 'This invitation code has expired.'],
    ['USED-UP', 'This invitation code has already been used.'],
  ]) {
    const outcome = await r.survey('start', { code: code! });
    assert.match(
      outcome.interaction.original!.content,
      new RegExp(`^${reason!.replace('.', '\\.')}\\nYou can still take the survey without a code\\.`),
    );
    assert.equal(await stored(h, r), null, 'nothing starts with a bad code');
  }
  const reply = h.api.interactions.get([...h.api.interactions.keys()].at(-1)!)!.original!;
  const go = await r.press('Continue without a code', reply);
  assert.match(go.interaction.original!.content, /The survey continues below\./);
  assert.match(r.lastText(), /Please choose your language/);
  assert.equal((await stored(h, r))?.meta.invitation, undefined);
});

test('a coordinator posts "Take the survey"; a member’s press starts the survey in their DM with the invitation', async (t) => {
  const h = await startHarness(t);
  await invite(h, 'LIB-ASSOC');
  const server = h.api.addGuildChannel();
  const coordinator = h.respondent();
  const refused = await coordinator.postButton(server, { code: 'NO-SUCH-CODE' });
  assert.deepEqual(refused.notices, ['This invitation code is not valid.']);
  assert.equal(server.messages.length, 0);
  const posted = await coordinator.postButton(server, { code: 'LIB-ASSOC' });
  assert.deepEqual(posted.notices, ['The button has been posted in this channel.']);
  const post = server.messages[0]!;
  assert.match(post.content, /library advocacy survey/);
  const member = h.respondent({ locale: 'fr' });
  const pressed = await member.press('Take the survey', post);
  assert.match(pressed.interaction.original!.content, /L’enquête se poursuit dans nos messages privés/);
  assert.equal(pressed.interaction.original!.flags & 64, 64, 'ephemeral');
  assert.equal((await stored(h, member))?.meta.invitation, 'LIB-ASSOC');
  assert.equal(server.messages.length, 1);
});

test('missing permissions are reported in the server, and nothing is posted', async (t) => {
  const h = await startHarness(t);
  const server = h.api.addGuildChannel();
  const coordinator = h.respondent();
  const told = await coordinator.postButton(server, {}, PERMISSIONS.readOnly);
  assert.match(told.notices[0]!, /I do not have permission to do that here/);
  assert.equal(h.api.requests.filter((q) => q.path === `/channels/${server.id}/messages`).length, 0);
  // Discord's own refusal (permissions changed since the interaction was made) is reported too.
  server.denied = true;
  const refused = await coordinator.postButton(server);
  assert.match(refused.notices[0]!, /I do not have permission to do that here/);
  assert.equal(server.messages.length, 0);
});

test('closed DMs: "please open your DMs" in the server, and the survey waits for them', async (t) => {
  const { log, lines } = captureLog();
  const h = await startHarness(t, { log });
  const server = h.api.addGuildChannel();
  const r = h.respondent();
  r.user.dmsClosed = true;
  const outcome = await r.survey('start', {}, server);
  assert.match(outcome.notices[0]!, /I cannot send you a direct message\. Please allow direct messages/);
  r.user.dmsClosed = false;
  const again = await r.survey('resume', {}, server);
  assert.match(again.notices[0]!, /The survey continues in our direct messages/);
  assert.match(r.lastText(), /Please choose your language/);
  // The failure is logged with the id of the interaction it happened in, as every line of it is.
  const failed = lines.find((l) => l.msg === 'discord request failed');
  assert.equal(failed?.problem, 'dm_closed');
  assert.equal(failed.channel, 'discord');
  assert.equal(typeof failed.update, 'string');
  const ofIt = lines.filter((l) => l.update === failed.update).map((l) => l.msg);
  assert.deepEqual([ofIt[0], ofIt.at(-1)], ['update received', 'update handled']);
});

test('rate limits: short ones are waited out, long ones reported; no answer is lost', async (t) => {
  // Waits beyond 300 ms are reported here (5 s in production), so the test stays short.
  const h = await startHarness(t, { maxRateLimitWaitMs: 300 });
  const r = h.respondent();
  await r.survey('start');
  h.api.rateLimit('POST', /^\/channels\/\d+\/messages$/, 0.2);
  await r.press('English');
  assert.match(r.lastText(), /Do you agree to take part/, 'sent after waiting 200 ms');

  h.api.rateLimit('POST', /^\/channels\/\d+\/messages$/, 1);
  const limited = await r.press('I agree');
  assert.match(limited.notices.at(-1)!, /Discord is limiting how fast I can send messages/);
  assert.equal((await stored(h, r))?.current, 'q1', 'the answer was kept');
  await new Promise((resolve) => setTimeout(resolve, 1100));
  await r.survey('resume');
  assert.match(r.lastText(), /What type of library/);
});

test('/survey language changes the language and shows the current question in it', async (t) => {
  const h = await startHarness(t);
  const r = h.respondent();
  await r.survey('start');
  await playOnDiscord(r, [
    ['language', choose('en')],
    ['consent', choose('yes')],
  ]);
  const old = r.latestQuestion();
  const outcome = await r.survey('language', { language: 'ru' });
  assert.equal(outcome.interaction.original!.content, 'Язык изменён на русский.');
  assert.match(r.lastText(), /Какой тип библиотеки или организации вы представляете/);
  const oldNow = r.botMessages().find((m) => m.id === old.id)!;
  assert.ok(
    components(oldNow).every((c) => c.disabled),
    'the English copy of the question is disabled',
  );
  assert.equal((await stored(h, r))?.locale, 'ru');
  await playOnDiscord(r, [['q1', choose('public')]]);
});

test('/survey progress says where the respondent is, and changes nothing', async (t) => {
  const h = await startHarness(t);
  const r = h.respondent();
  assert.match((await r.survey('progress')).notices[0]!, /You have not started the survey yet/);
  await r.survey('start');
  assert.match((await r.survey('progress')).notices[0]!, /at the start of the survey/);
  await playOnDiscord(r, [
    ['language', choose('en')],
    ['consent', choose('yes')],
    ['q1', choose('public')],
  ]);
  const before = await stored(h, r);
  assert.match((await r.survey('progress')).notices[0]!, /You are at question 2 of about \d+\./);
  assert.deepEqual(await stored(h, r), before);
});

test('/survey delete-my-data asks first; keeping changes nothing, confirming erases everything', async (t) => {
  const h = await startHarness(t);
  const r = h.respondent();
  await r.survey('start');
  await playOnDiscord(r, [
    ['language', choose('en')],
    ['consent', choose('yes')],
  ]);
  const live = r.latestQuestion();
  const ask = await r.survey('delete-my-data');
  assert.match(ask.notices[0]!, /This cannot be undone/);
  const keep = await r.press('Keep my data', ask.interaction.original!);
  assert.equal(keep.interaction.callbacks[0]!.type, 7);
  assert.ok(await stored(h, r));

  const again = await r.survey('delete-my-data');
  await r.press('Delete my data', again.interaction.original!);
  assert.equal(again.interaction.original!.content, 'Your survey data has been deleted.');
  assert.equal(await stored(h, r), null);
  // The question message still on screen is dead: a press neither restarts nor changes anything.
  const late = await r.select(['public'], { message: live });
  assert.match(late.notices[0]!, /earlier question/);
  assert.equal(await stored(h, r), null);
});

test('a confirmation older than ten minutes erases nothing', async (t) => {
  let now = Date.now();
  const h = await startHarness(t, { clock: () => now });
  const r = h.respondent();
  await r.survey('start');
  const ask = await r.survey('delete-my-data');
  now += 11 * 60_000;
  await r.press('Delete my data', ask.interaction.original!);
  assert.match(ask.interaction.original!.content, /This confirmation has expired/);
  assert.ok(await stored(h, r));
});

test('resume days later: welcome back and the same question', async (t) => {
  let now = Date.now();
  const h = await startHarness(t, { clock: () => now });
  const r = h.respondent();
  await r.survey('start');
  await playOnDiscord(r, [
    ['language', choose('en')],
    ['consent', choose('yes')],
    ['q1', choose('public')],
  ]);
  now += 5 * 86_400_000;
  await r.survey('resume');
  assert.match(
    r.lastText(),
    /^Welcome back! We were at question 2 of about \d+\.\n\n.*Are you a member of a library association\?/s,
  );
  await playOnDiscord(r, [
    ['q2', choose('no')],
    ['q3', type('Egypt')],
  ]);
});

test('a DM to the bot before any command starts the survey', async (t) => {
  const h = await startHarness(t);
  const r = h.respondent();
  await r.type('hello');
  assert.match(r.lastText(), /Please choose your language/);
});

/** A session store that answers slowly, as a remote store under load might. */
function slow(store: SessionStore, ms: number): SessionStore {
  const wait = () => new Promise((resolve) => setTimeout(resolve, ms));
  return {
    get: async (k) => (await wait(), store.get(k)),
    put: async (k, s: Session, e) => (await wait(), store.put(k, s, e)),
    delete: (k, e) => store.delete(k, e),
    idle: (b, l) => store.idle(b, l),
    markArchived: (k, v) => store.markArchived(k, v),
    countActive: () => store.countActive(),
    close: () => store.close(),
  };
}

test('slow store work: the press is acknowledged first, the message edited after', async (t) => {
  const stores = embeddedStores(t);
  const h = await startHarness(t, {
    stores: { ...stores, sessions: slow(stores.sessions, 150) },
    ackAfterMs: 100,
  });
  const r = h.respondent();
  await r.survey('start');
  const answered = await r.press('English');
  assert.deepEqual(
    answered.interaction.callbacks.map((c) => c.type),
    [6],
    'deferred update',
  );
  const edit = h.api.requests.find(
    (q) => q.method === 'PATCH' && q.path.endsWith(`/${answered.interaction.token}/messages/@original`),
  );
  assert.ok(edit, 'the answered message is edited through @original');
  assert.match(
    r.botMessages().find((m) => m.id === answered.interaction.messageId)!.content,
    /Your answer: \*\*English\*\*/,
  );
  const refused = await r.press(
    'English',
    r.botMessages().find((m) => m.id === answered.interaction.messageId),
    { force: true },
  );
  assert.deepEqual(
    refused.interaction.callbacks.map((c) => c.type),
    [6],
  );
  assert.match(
    refused.notices[0]!,
    /earlier question/,
    'a refusal after deferring is an ephemeral follow-up',
  );
});

test('Back returns to the previous question, showing the earlier answer; the left message is disabled', async (t) => {
  const h = await startHarness(t);
  const r = h.respondent();
  await r.survey('start');
  await playOnDiscord(r, [
    ['language', choose('en')],
    ['consent', choose('yes')],
    ['q1', choose('academic')],
  ]);
  const q2 = r.latestQuestion();
  await r.press('Back');
  const left = r.botMessages().find((m) => m.id === q2.id)!;
  assert.match(left.content, /You went back to the previous question\./);
  assert.ok(components(left).every((c) => c.disabled));
  assert.match(r.lastText(), /What type of library.*\nYour earlier answer: Academic library/s);
  await playOnDiscord(r, [['q1', choose('public')]]);
  const session = await stored(h, r);
  assert.deepEqual(session?.answers.q1, { status: 'answered', value: { option: 'public' } });
  assert.equal(session?.current, 'q2');
});
