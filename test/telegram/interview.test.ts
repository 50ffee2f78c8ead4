import assert from 'node:assert/strict';
import { test } from 'node:test';
import mongoose from 'mongoose';
import { pseudonym } from '../../src/log.ts';
import { translator } from '../support/flow.ts';
import { SALT, startHarness } from './harness.ts';
import { Respondent, buttonsOf, type Step } from './respondent.ts';
import { collect } from '../../src/store/response-store.ts';

/** A whole interview through Telegram: what the respondent does and what must be stored. */
interface Case {
  name: string;
  languageCode: string;
  locale: string;
  invitation?: string;
  plan: Record<string, Step[]>;
  answers: Record<string, unknown>;
  contact?: Record<string, unknown>;
}

const cases: Case[] = [
  {
    name: 'English, member with partners, from an invitation link',
    languageCode: 'en-GB',
    locale: 'en',
    invitation: 'coord-egypt-01',
    plan: {
      language: [{ choose: 'en' }],
      consent: [{ choose: 'yes' }],
      q1: [{ choose: 'other' }, { type: 'Museum library' }],
      q2: [{ choose: 'yes' }],
      q2a: [{ choose: 'active_member' }],
      q3: [{ type: 'Egypt' }],
      q4: [{ choose: '25000_49999' }],
      q5: [{ choose: 'yes' }],
      q5a: [{ type: '1500' }, { choose: 'EGP' }, { choose: 'yes' }],
      q6: [{ choose: 'libraries' }, { choose: 'government' }, { choose: 'nonprofit' }, 'done'],
      q7: [{ choose: 'government' }, { choose: 'nonprofit' }],
      q8: [{ type: 'Reading week with the city council.' }],
      q9: [{ choose: 'no_challenges' }],
      q10: [{ type: 'A budget line for the library.' }],
      q11: ['skip'],
      q11b: [{ type: 'Our leaflet: https://example.org/leaflet.pdf' }],
      q12: [{ choose: 'yes' }],
      q13: [{ type: 'It gives us time for partners.' }],
      q14: [
        { choose: 'government' },
        { na: 'business' },
        { choose: 'libraries' },
        'undo',
        { choose: 'associations' },
        { choose: 'libraries' },
        { na: 'others' },
        { choose: 'nonprofit' },
      ],
      q15: [{ type: 'Joint advocacy for school libraries.' }],
      q16: [{ choose: 'face_to_face' }, { choose: 'mou' }, 'done'],
      q17: [{ choose: 'yes' }, { type: 'Amira' }, { choose: 'chat' }, { choose: 'ar' }],
    },
    answers: {
      language: 'en',
      consent: 'yes',
      q1: { option: 'other', other: 'Museum library' },
      q2: 'yes',
      q2a: { option: 'active_member' },
      q3: { code: 'EG', region: '002', subregion: '015' },
      q4: { option: '25000_49999' },
      q5: 'yes',
      q5a: { amount: 1500, currency: 'EGP' },
      q6: { options: ['libraries', 'government', 'nonprofit'] },
      q7: { order: ['government', 'nonprofit', 'libraries'], na: [] },
      q8: 'Reading week with the city council.',
      q9: { option: 'no_challenges' },
      q10: 'A budget line for the library.',
      q11: 'declined',
      q11b: {
        text: 'Our leaflet: https://example.org/leaflet.pdf',
        links: ['https://example.org/leaflet.pdf'],
      },
      q12: 'yes',
      q13: 'It gives us time for partners.',
      q14: { order: ['government', 'associations', 'libraries', 'nonprofit'], na: ['business', 'others'] },
      q15: 'Joint advocacy for school libraries.',
      q16: { options: ['face_to_face', 'mou'] },
      q17: { agreed: 'yes' },
    },
    contact: { name: 'Amira', viaChat: true, language: 'ar' },
  },
  {
    name: 'Russian, not a member, no partners, answering by typed numbers',
    languageCode: 'ru',
    locale: 'ru',
    plan: {
      language: [{ choose: 'ru' }],
      consent: [{ choose: 'yes' }],
      q1: [{ type: '2' }],
      q2: [{ choose: 'no' }],
      q3: [{ type: 'Россия' }],
      q4: [{ choose: 'up_to_4999' }],
      q5: [{ choose: 'no' }],
      q6: [{ choose: 'none' }, 'done'],
      q11: [{ type: 'Работаем одни, без партнёров.' }],
      q11b: [{ choose: 'none_created' }],
      q12: [{ choose: 'no' }],
      q13: ['skip'],
      q14: [{ type: '2,1' }, { choose: 'not_applicable' }],
      q15: [{ type: 'Найти партнёров в городе.' }],
      q16: [{ type: '1,3' }],
      q17: [{ choose: 'no' }],
    },
    answers: {
      language: 'ru',
      consent: 'yes',
      q1: { option: 'public' },
      q2: 'no',
      q3: { code: 'RU', region: '150', subregion: '151' },
      q4: { option: 'up_to_4999' },
      q5: 'no',
      q6: { options: ['none'] },
      q11: 'Работаем одни, без партнёров.',
      q11b: { option: 'none_created' },
      q12: 'no',
      q13: 'declined',
      q14: { order: ['government', 'libraries'], na: ['business', 'nonprofit', 'associations', 'others'] },
      q15: 'Найти партнёров в городе.',
      q16: { options: ['face_to_face', 'mou'] },
      q17: { agreed: 'no' },
    },
  },
  {
    name: 'Arabic, member with two partners, typing Arabic-Indic digits',
    languageCode: 'ar',
    locale: 'ar',
    plan: {
      language: [{ choose: 'ar' }],
      consent: [{ type: '١' }],
      q1: [{ choose: 'academic' }],
      q2: [{ choose: 'yes' }],
      q2a: [{ type: '٣' }],
      q3: [{ type: 'مصر' }],
      q4: [{ choose: '100000_plus' }],
      q5: [{ choose: 'no' }],
      q6: [{ type: '٢،٥' }],
      q7: [{ choose: 'associations' }],
      q8: ['skip'],
      q9: [{ type: 'التمويل والبيروقراطية' }],
      q9a: [{ choose: 'yes' }],
      q9b: [{ type: 'بدعم من الجمعية الوطنية' }],
      q10: ['skip'],
      q11: ['skip'],
      q11b: ['skip'],
      q12: [{ choose: 'yes' }],
      q13: ['skip'],
      q14: ['skip'],
      q15: ['skip'],
      q16: ['skip'],
      q17: [{ choose: 'no' }],
    },
    answers: {
      language: 'ar',
      consent: 'yes',
      q1: { option: 'academic' },
      q2: 'yes',
      q2a: { option: 'officer' },
      q3: { code: 'EG', region: '002', subregion: '015' },
      q4: { option: '100000_plus' },
      q5: 'no',
      q6: { options: ['government', 'associations'] },
      q7: { order: ['associations', 'government'], na: [] },
      q8: 'declined',
      q9: 'التمويل والبيروقراطية',
      q9a: { option: 'yes' },
      q9b: 'بدعم من الجمعية الوطنية',
      q10: 'declined',
      q11: 'declined',
      q11b: 'declined',
      q12: 'yes',
      q13: 'declined',
      q14: 'declined',
      q15: 'declined',
      q16: 'declined',
      q17: { agreed: 'no' },
    },
  },
];

/** The raw MongoDB document of a response, as staff tools and analysis read it. */
async function mongoDocument(uri: string, id: string): Promise<Record<string, unknown> | null> {
  const connection = await mongoose.createConnection(uri).asPromise();
  try {
    return await connection.db!.collection<{ _id: string }>('responses').findOne({ _id: id });
  } finally {
    await connection.close();
  }
}

const STORES = {
  servers: 'Redis and MongoDB',
  cluster: 'Redis Cluster and MongoDB',
  embedded: 'embedded stores',
};

for (const stores of ['servers', 'cluster', 'embedded'] as const) {
  for (const mode of ['polling', 'webhook'] as const) {
    for (const [i, c] of cases.entries()) {
      // On a Redis Cluster, one whole interview (webhook mode) shows the stores work there too.
      if (stores === 'cluster' && (mode !== 'webhook' || i > 0)) continue;
      test(`${STORES[stores]}, ${mode}: ${c.name}`, async (t) => {
        const h = await startHarness(t, { mode, stores });
        if (!h) return;
        assert.equal(h.storeKind, stores);
        const r = new Respondent(h.api, 7001 + i, c.languageCode);
        const tr = translator.translatorFor(c.locale);
        if (c.invitation) {
          await h.stores.invitations.create({
            token: c.invitation,
            campaign: 'egypt-2025',
            coordinator: 'cairo',
            maxUses: 5,
            uses: 0,
            revoked: false,
            createdAt: new Date(),
          });
        }
        await r.send(c.invitation ? `/start ${c.invitation}` : '/start');
        // The language picker comes first, with Telegram's language preselected.
        const picker = r.question;
        const marked = buttonsOf(picker).filter((b) => b.text.startsWith('✓'));
        assert.deepEqual(
          marked.map((b) => b.data.split(':').at(-1)),
          [c.locale],
        );

        const asked = await r.takeSurvey(c.plan);
        assert.deepEqual(asked, Object.keys(c.plan), 'questions asked in order, each once');
        assert.equal(r.last.text, tr({ key: 'common:end.completed' }));

        // The chat reads as a clean record: only the last message may have buttons, and none do now.
        assert.deepEqual(
          r.messages.filter((m) => m.reply_markup).map((m) => m.text.slice(0, 40)),
          [],
        );
        const q1 = r.messages.find((m) => m.text.includes(tr({ key: 'advocacy:q1.text' })));
        assert.ok(q1, `q1 was asked in ${c.locale}`);
        assert.match(q1.text, /✅ /);

        const stored = await collect(h.stores.responses.scan({ channel: 'telegram' }));
        assert.equal(stored.length, 1);
        const response = stored[0]!;
        assert.equal(response.status, 'complete');
        assert.equal(response.locale, c.locale);
        assert.equal(response.respondent, pseudonym(SALT, 'telegram', String(r.id)));
        assert.equal(response.invitation, c.invitation);
        const answers = Object.fromEntries(
          Object.entries(response.answers).map(([id, a]) => [
            id,
            a.status === 'declined' ? 'declined' : a.value,
          ]),
        );
        assert.deepEqual(answers, c.answers);
        if (c.invitation) assert.equal((await h.stores.invitations.get(c.invitation))?.uses, 1);

        const contacts = await h.stores.contacts.list();
        if (c.contact) {
          assert.equal(contacts.length, 1);
          assert.equal(response.contactId, contacts[0]!.id);
          assert.deepEqual(
            { name: contacts[0]!.name, viaChat: contacts[0]!.viaChat, language: contacts[0]!.language },
            c.contact,
          );
          assert.equal(contacts[0]!.chat, String(r.id));
        } else assert.equal(contacts.length, 0);
        // Nothing is left of the session once the response is stored.
        assert.equal(await h.service.current('telegram', String(r.id)), null);

        if (h.mongoUri) {
          // The document itself, as stored in MongoDB: the answers as given, keyed by question.
          const doc = await mongoDocument(h.mongoUri, response.id);
          assert.ok(doc, 'the response is a MongoDB document');
          assert.equal(doc.channel, 'telegram');
          assert.equal(doc.status, 'complete');
          assert.equal(doc.invitation, c.invitation);
          const stored = doc.answers as Record<string, { status: string; value?: unknown }>;
          assert.deepEqual(
            Object.fromEntries(
              Object.entries(stored).map(([id, a]) => [id, a.status === 'declined' ? 'declined' : a.value]),
            ),
            c.answers,
          );
        }
      });
    }
  }
}
