import assert from 'node:assert/strict';
import { test } from 'node:test';
import { collect, type ResponseRecord } from '../../src/store/response-store.ts';
import { components } from '../support/discord-user.ts';
import { harnessOn, startHarness, STORE_KINDS } from '../support/discord-harness.ts';
import { memberWithPartners, nonMemberWithoutPartners, type Lng } from '../support/discord-personas.ts';
import { choose, multi, playElsewhere, playOnDiscord, rank, type } from '../support/discord-script.ts';
import { translator } from '../support/flow.ts';

/** Discord's client locale: there is no Arabic one, so an Arabic speaker picks Arabic in the survey. */
const CLIENT_LOCALE: Record<Lng, string> = { en: 'en-US', ru: 'ru', ar: 'en-US' };

/** Everything in a response that does not depend on the channel or the clock. */
function portable(r: ResponseRecord) {
  const {
    id: _id,
    respondent: _r,
    channel: _c,
    startedAt: _s,
    updatedAt: _u,
    finishedAt: _f,
    durations,
    contactId,
    ...rest
  } = r;
  return { ...rest, contact: contactId === r.id, durations: Object.keys(durations).sort() };
}

/** The same for a raw MongoDB document: what analysts read. */
function portableDoc(doc: Record<string, unknown>) {
  const {
    _id,
    respondent: _r,
    channel: _c,
    startedAt,
    updatedAt,
    finishedAt,
    durations,
    contactId,
    ...rest
  } = doc;
  assert.ok(startedAt instanceof Date && updatedAt instanceof Date && finishedAt instanceof Date);
  return { ...rest, contact: contactId === _id, durations: Object.keys(durations as object).sort() };
}

for (const storeKind of STORE_KINDS)
  for (const lng of ['en', 'ru', 'ar'] as const) {
    for (const [persona, script] of [
      ['a member with partners', memberWithPartners(lng)],
      ['a non-member without partners', nonMemberWithoutPartners(lng)],
    ] as const) {
      test(`Discord, ${lng}, ${storeKind}: ${persona} completes the survey in DMs; the response has the same shape as on another channel`, async (t) => {
        const h = await harnessOn(t, storeKind);
        if (!h) return;
        const r = h.respondent({ locale: CLIENT_LOCALE[lng] });
        await r.survey('start');
        await playOnDiscord(r, script);

        const tr = translator.translatorFor(lng);
        assert.match(r.lastText(), new RegExp(tr({ key: 'common:end.completed' }).replace(/[.!?]/g, '.')));
        // Every question message ended answered: no live component is left behind in the DM.
        for (const message of r.botMessages()) {
          assert.ok(
            components(message).every((c) => c.disabled),
            `live components left on: ${message.content.slice(0, 60)}`,
          );
        }
        assert.deepEqual(
          h.api.requests.filter((q) => q.status >= 400),
          [],
        );

        const [discord, ...more] = await collect(h.stores.responses.scan({ channel: 'discord' }));
        assert.ok(discord);
        assert.equal(more.length, 0);
        assert.equal(discord.locale, lng);
        assert.equal(discord.respondent, h.service.respondentOf('discord', r.user.id));

        // The same answers given through another channel are stored alike: only the channel differs.
        await playElsewhere(h.service, 'telegram', '4242', script, CLIENT_LOCALE[lng]);
        const [other] = await collect(h.stores.responses.scan({ channel: 'telegram' }));
        assert.ok(other);
        assert.deepEqual(Object.keys(discord).sort(), Object.keys(other).sort());
        assert.deepEqual(portable(discord), portable(other));
        const contacts = await h.stores.contacts.list();
        assert.equal(contacts.length, persona.startsWith('a member') ? 2 : 0);
        if (contacts.length) {
          const [a, b] = contacts.map(
            ({ id: _i, respondent: _r, channel: _c, chat: _h, createdAt: _t, ...rest }) => rest,
          );
          assert.deepEqual(a, b);
          assert.equal(contacts.find((c) => c.channel === 'discord')?.viaChat, false);
        }
        if (h.mongo) {
          // The stored MongoDB documents themselves: same fields, same values, but the channel.
          const responses = h.mongo.collection('responses');
          const doc = await responses.findOne({ channel: 'discord' });
          const telegramDoc = await responses.findOne({ channel: 'telegram' });
          assert.ok(doc && telegramDoc);
          assert.equal(doc._id as unknown, discord.id);
          assert.deepEqual(Object.keys(doc).sort(), Object.keys(telegramDoc).sort());
          assert.deepEqual(portableDoc(doc), portableDoc(telegramDoc));
        }
      });
    }
  }

test('Discord: the answered message shows the answer and disables its components; ranking picks update one message', async (t) => {
  const h = await startHarness(t);
  const r = h.respondent({ locale: 'en-US' });
  await r.survey('start');
  const languageMessage = r.latestQuestion();
  await r.press('English');
  const answered = h.api.channels
    .get(languageMessage.channel_id)!
    .messages.find((m) => m.id === languageMessage.id)!;
  assert.match(answered.content, /Your answer: \*\*English\*\*/);
  const english = components(answered).find((c) => c.label === 'English')!;
  assert.equal(english.disabled, true);
  assert.equal(english.style, 3, 'the chosen button is highlighted');

  await playOnDiscord(r, [
    ['consent', choose('yes')],
    ['q1', choose('public')],
    ['q2', choose('no')],
    ['q3', type('Egypt')],
    ['q4', choose('not_applicable')],
    ['q5', choose('no')],
    ['q6', multi('libraries', 'government', 'business')],
  ]);
  const ranking = r.latestQuestion();
  const count = r.botMessages().length;
  await rank('business').run(r);
  assert.equal(r.botMessages().length, count, 'a ranking pick edits the same message');
  assert.equal(r.latestQuestion().id, ranking.id);
  assert.match(r.latestQuestion().content, /Ranked so far: 1\. Commercial organizations or businesses/);
  const undoButton = components(r.latestQuestion()).find((c) => c.label === 'Undo');
  assert.ok(undoButton && !undoButton.disabled);
});
