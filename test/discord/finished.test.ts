import { collect } from '../../src/store/response-store.ts';
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { sessionKey } from '../../src/store/session-store.ts';
import { startHarness, type Harness } from '../support/discord-harness.ts';
import { nonMemberWithoutPartners } from '../support/discord-personas.ts';
import { choose, playOnDiscord } from '../support/discord-script.ts';
import { components, PERMISSIONS, type DiscordRespondent } from '../support/discord-user.ts';
import { flow, translator } from '../support/flow.ts';

const ru = translator.translatorFor('ru');

const stored = async (h: Harness, r: DiscordRespondent) => {
  const s = await h.stores.sessions.get(sessionKey('discord', r.user.id));
  return s && !('corrupt' in s) ? s : null;
};

/** The whole survey in Russian, from a Discord client set to English. */
async function finish(h: Harness): Promise<DiscordRespondent> {
  const r = h.respondent({ locale: 'en-US' });
  await r.survey('start');
  await playOnDiscord(r, nonMemberWithoutPartners('ru'));
  assert.equal(r.lastText(), ru({ key: 'common:end.completed' }));
  assert.equal(await stored(h, r), null);
  return r;
}

const labels = (m: { components: unknown[] }) =>
  components(m as never)
    .filter((c) => c.type === 2)
    .map((c) => c.label);

test('after completion, a DM or /survey start is answered that the survey is complete, with what one may do', async (t) => {
  const h = await startHarness(t);
  const r = await finish(h);
  const offer = [ru({ key: 'common:completed.see' }), ru({ key: 'common:completed.delete' })];

  await r.type('привет');
  const said = r.botMessages().at(-1)!;
  assert.equal(said.content, ru({ key: 'common:end.already' }));
  assert.deepEqual(labels(said), offer);
  assert.equal(await stored(h, r), null, 'nothing started');

  const started = await r.survey('start');
  assert.equal(started.interaction.original!.content, ru({ key: 'common:end.already' }));
  assert.deepEqual((await r.survey('progress')).notices, [ru({ key: 'discord:progress.done' })]);
  const language = await r.survey('language', { language: 'fr' });
  assert.equal(language.interaction.original!.content, ru({ key: 'common:end.already' }));
  assert.deepEqual(labels(started.interaction.original!), offer);
  assert.equal(await stored(h, r), null);

  // "See my answers": shown to the respondent alone, in Russian.
  const seen = await r.press(ru({ key: 'common:completed.see' }), said);
  const shown = seen.interaction.original!.content;
  assert.equal(seen.interaction.original!.flags & 64, 64, 'ephemeral');
  assert.ok(shown.startsWith(ru({ key: 'common:completed.answers' })), shown);
  assert.ok(shown.includes(ru({ key: 'advocacy:q16.options.public_statements' })), shown);

  // "Delete my answers" asks first, as /survey delete-my-data does; confirmed, the response goes.
  const ask = await r.press(ru({ key: 'common:completed.delete' }), said);
  assert.equal(ask.notices[0], translator.translatorFor('ru')({ key: 'discord:erase.confirm' }));
  await r.press(ru({ key: 'discord:erase.button' }), ask.interaction.original!);
  assert.deepEqual(await collect(h.stores.responses.scan()), []);
  // With nothing kept, they may take the survey again.
  await r.type('привет');
  assert.ok(await stored(h, r));
});

test('a press on an old question after completion gets its notice in the language of the survey', async (t) => {
  const h = await startHarness(t);
  const r = await finish(h);
  const q16 = r.botMessages().find((m) => m.content.includes(ru({ key: 'advocacy:q16.text' })))!;
  const late = await r.select(['mou'], { message: q16, force: true });
  assert.deepEqual(late.notices, [ru({ key: 'common:refusal.stale' })]);
  assert.equal(await stored(h, r), null);
  assert.equal((await collect(h.stores.responses.scan())).length, 1);
});

test('a flow that allows changes and second responses: both offered, the change replaces the same record', async (t) => {
  const h = await startHarness(t, {
    flow: { ...flow, responses: { perRespondent: 'many', changeAfterCompletion: true } },
  });
  const r = await finish(h);
  const [first] = await collect(h.stores.responses.scan());
  await r.type('привет');
  const offer = r.botMessages().at(-1)!;
  assert.deepEqual(labels(offer), [
    ru({ key: 'common:completed.see' }),
    ru({ key: 'common:completed.change' }),
    ru({ key: 'common:completed.delete' }),
    ru({ key: 'common:completed.again' }),
  ]);
  await r.press(ru({ key: 'common:completed.change' }), offer);
  assert.equal((await stored(h, r))?.id, first!.id, 'the response is reopened');
  assert.ok(r.lastText().startsWith(ru({ key: 'common:completed.changing' })), r.lastText());
  await playOnDiscord(r, [['q17', choose('no')]]);
  const after = await collect(h.stores.responses.scan());
  assert.equal(after.length, 1, 'changed in place');
  assert.equal(after[0]!.id, first!.id);

  // A second response: asked first, then it starts.
  const ask = await r.press(ru({ key: 'common:completed.again' }), offer);
  assert.equal(ask.notices[0], ru({ key: 'common:completed.again_confirm' }));
  await r.press(ru({ key: 'common:completed.again_yes' }), ask.interaction.original!);
  const second = await stored(h, r);
  assert.ok(second && second.id !== first!.id, 'a new response is under way');
});

test('/survey start with the single-use code one started with resumes the survey; it is no second use', async (t) => {
  const h = await startHarness(t);
  await h.stores.invitations.create({
    token: 'ONCE-ONLY',
    campaign: 'spring',
    maxUses: 1,
    uses: 0,
    revoked: false,
    createdAt: new Date(),
  });
  const r = h.respondent();
  await r.survey('start', { code: 'ONCE-ONLY' });
  await playOnDiscord(r, [
    ['language', choose('en')],
    ['consent', choose('yes')],
    ['q1', choose('public')],
  ]);
  const again = await r.survey('start', { code: 'ONCE-ONLY' });
  assert.doesNotMatch(again.interaction.original!.content, /already been used/);
  assert.match(r.lastText(), /^Welcome back! We were at question 2/);
  assert.equal((await stored(h, r))?.meta.invitation, 'ONCE-ONLY');
  assert.equal((await h.stores.invitations.get('ONCE-ONLY'))?.uses, 1);
});

test('/survey-button: a member without Manage Server is refused politely, even where Discord let them run it', async (t) => {
  const h = await startHarness(t);
  const server = h.api.addGuildChannel();
  const member = h.respondent({ locale: 'fr' });
  const refused = await member.postButton(server, {}, PERMISSIONS.postable, PERMISSIONS.member);
  assert.deepEqual(refused.notices, [translator.translatorFor('fr')({ key: 'discord:take.not_allowed' })]);
  assert.equal(server.messages.length, 0, 'nothing posted');
  const coordinator = h.respondent();
  const posted = await coordinator.postButton(server);
  assert.deepEqual(posted.notices, ['The button has been posted in this channel.']);
  assert.equal(server.messages.length, 1);
});
