import assert from 'node:assert/strict';
import { test } from 'node:test';
import { sessionKey } from '../../src/store/session-store.ts';
import { harnessOn, startHarness, STORE_KINDS, type Harness } from '../support/discord-harness.ts';
import { choose, multi, playOnDiscord, type, type Script } from '../support/discord-script.ts';
import type { DiscordRespondent } from '../support/discord-user.ts';

const TO_Q6: Script = [
  ['language', choose('en')],
  ['consent', choose('yes')],
  ['q1', choose('public')],
  ['q2', choose('no')],
  ['q3', type('Egypt')],
  ['q4', choose('not_applicable')],
  ['q5', choose('no')],
];

async function session(h: Harness, r: DiscordRespondent) {
  const stored = await h.stores.sessions.get(sessionKey('discord', r.user.id));
  assert.ok(stored && !('corrupt' in stored));
  return stored;
}

async function begin(h: Harness, script: Script = TO_Q6): Promise<DiscordRespondent> {
  const r = h.respondent({ locale: 'en-US' });
  await r.survey('start');
  await playOnDiscord(r, script);
  return r;
}

for (const kind of STORE_KINDS) {
  test(`${kind}: a press on an older message gets an ephemeral notice and changes nothing`, async (t) => {
    const h = await harnessOn(t, kind);
    if (!h) return;
    const r = await begin(h, TO_Q6.slice(0, 3));
    const q1Message = r.botMessages().find((m) => m.content.includes('What type of library'))!;
    const before = await session(h, r);
    const requests = h.api.requests.length;
    // An outdated client still shows the q1 select enabled and submits it.
    const outcome = await r.select(['academic'], { message: q1Message, force: true });
    assert.deepEqual(outcome.notices, [
      'That button belongs to an earlier question. Please answer the current one.',
    ]);
    assert.deepEqual(
      outcome.interaction.callbacks.map((c) => c.type),
      [4],
      'an ephemeral reply, no message update',
    );
    assert.deepEqual(await session(h, r), before);
    assert.equal(h.api.requests.length, requests + 1, 'nothing sent but the notice');
  });

  test(`${kind}: a forged custom_id or forged select values change nothing`, async (t) => {
    const h = await harnessOn(t, kind);
    if (!h) return;
    const r = await begin(h);
    const before = await session(h, r);
    const message = r.latestQuestion();
    const v = before.version;
    const forged = [
      { custom_id: 'hello', component_type: 2 },
      { custom_id: `a:q6:${v}:z`, component_type: 2 },
      { custom_id: `a:q6:${v}:c:../../etc`, component_type: 2 },
      { custom_id: `x:erase:`, component_type: 2 },
      { custom_id: `a:q6:${v}:m`, component_type: 3, values: ['libraries', '<script>'] },
      { custom_id: `a:q6:${v}:m`, component_type: 3, values: [] },
    ];
    for (const data of forged) {
      const outcome = await r.use(message, data);
      assert.deepEqual(
        outcome.notices,
        [
          'This button is not one of ours, so nothing was changed. Please use the buttons of the latest question.',
        ],
        JSON.stringify(data),
      );
    }
    // Well-formed but not a valid answer: refused by the engine with its reason.
    const cases: [Record<string, unknown>, string][] = [
      [
        { custom_id: `a:q6:${v}:m`, component_type: 3, values: ['libraries', 'bribery'] },
        'That is not one of the options.',
      ],
      [
        { custom_id: `a:q6:${v}:m`, component_type: 3, values: ['none', 'libraries'] },
        '"None" cannot be combined',
      ],
      [{ custom_id: `a:q1:${v}:s`, component_type: 3, values: ['public'] }, 'earlier question'],
      [{ custom_id: `a:q6:${v + 7}:c:none`, component_type: 2 }, 'earlier question'],
    ];
    for (const [data, notice] of cases) {
      const outcome = await r.use(message, data);
      assert.equal(outcome.notices.length, 1);
      assert.ok(outcome.notices[0]!.includes(notice), `${JSON.stringify(data)}: ${outcome.notices[0]}`);
    }
    assert.deepEqual(await session(h, r), before);
    assert.deepEqual(
      h.api.requests.filter((q) => q.status >= 400),
      [],
    );
  });

  test(`${kind}: "please specify" in DMs: Back keeps the pick, the text can be declined; an amount is read back before it is stored`, async (t) => {
    const h = await harnessOn(t, kind);
    if (!h) return;
    const r = await begin(h, TO_Q6.slice(0, 2));
    await choose('other').run(r);
    const specify = r.latestQuestion();
    assert.match(
      specify.content,
      /You chose “Other” for “What type of library or organization do you represent\?”/,
    );
    await r.press(/:b$/);
    let stored = await session(h, r);
    assert.equal(stored.current, 'q1');
    assert.deepEqual(stored.draft, { selected: ['other'] });
    await choose('other').run(r);
    await r.press(/:c:other_declined$/);
    stored = await session(h, r);
    assert.deepEqual(stored.answers.q1, {
      status: 'answered',
      value: { option: 'other', otherDeclined: true },
    });
    await playOnDiscord(r, [
      ['q2', choose('no')],
      ['q3', type('Egypt')],
      ['q4', choose('not_applicable')],
      ['q5', choose('yes')],
      ['q5a', type('15 000 EGP')],
    ]);
    assert.match(r.latestQuestion().content, /15,000 EGP \(Egyptian Pound\): is that right\?/);
    assert.equal((await session(h, r)).answers.q5a, undefined, 'not stored before it is confirmed');
    await r.press(/:c:yes$/);
    stored = await session(h, r);
    assert.deepEqual(stored.answers.q5a, { status: 'answered', value: { amount: 15000, currency: 'EGP' } });
  });

  test(`${kind}: two concurrent submits of the same select: one answer is recorded, the other is refused as stale`, async (t) => {
    const h = await harnessOn(t, kind);
    if (!h) return;
    const r = await begin(h);
    const message = r.latestQuestion();
    const data = (values: string[]) => ({
      custom_id: message.components[0]!.components![0]!.custom_id,
      component_type: 3,
      values,
    });
    const a = r.dispatchComponent(message, data(['libraries', 'government']));
    const b = r.dispatchComponent(message, data(['business']));
    await Promise.all([a.done, b.done]);
    const outcomes = [a.record, b.record];
    const updated = outcomes.filter((o) => o.callbacks[0]?.type === 7);
    const refused = outcomes.filter((o) => o.callbacks[0]?.type === 4);
    assert.equal(updated.length, 1, 'exactly one submit answered the question');
    assert.equal(refused.length, 1);
    assert.match(refused[0]!.ephemeral[0]!.content, /earlier question/);
    const stored = await session(h, r);
    const winner = updated[0] === a.record ? ['libraries', 'government'] : ['business'];
    assert.deepEqual(stored.answers.q6, { status: 'answered', value: { options: winner } });
    assert.equal(stored.path.filter((q) => q === 'q6').length, 1);
    // One next question was sent, not two.
    assert.equal(
      r
        .botMessages()
        .filter((m) => m.content.includes('Rank the partners') || m.content.includes('best practices'))
        .length,
      1,
    );
  });

  test(`${kind}: a 3,000-character DM: refused where the limit is 2,000, stored whole where it is 3,000`, async (t) => {
    const h = await harnessOn(t, kind);
    if (!h) return;
    const r = await begin(h, [...TO_Q6, ['q6', multi('libraries')], ['q8', type('A campaign.')]]);
    const long = 'Libraries '.repeat(300);
    assert.equal(long.length, 3000);
    const before = await session(h, r);
    assert.equal(before.current, 'q9');
    await r.type(long);
    assert.match(r.lastText(), /That answer is too long/);
    assert.deepEqual(await session(h, r), before);

    await playOnDiscord(r, [
      ['q9', type('Bureaucracy.')],
      ['q9a', choose('partly')],
      ['q9b', type('Patience.')],
      ['q10', type('Budget.')],
    ]);
    assert.equal((await session(h, r)).current, 'q11');
    await r.type(long);
    const after = await session(h, r);
    assert.deepEqual(after.answers.q11, { status: 'answered', value: long.trim() });
    // The answered message quotes it shortened, within Discord's 2,000 characters.
    const answered = r.botMessages().find((m) => m.content.includes('Your answer: **Libraries'))!;
    assert.ok(answered.content.length <= 2000);
  });

  test(`${kind}: the gateway drops the socket mid-interview: the client resumes and the interview continues`, async (t) => {
    const h = await harnessOn(t, kind);
    if (!h) return;
    const r = await begin(h, TO_Q6.slice(0, 4));
    assert.equal(h.api.gateway.stats.identifies, 1);
    h.api.gateway.dropSocket();
    // Events sent while the bot is away are replayed after RESUME, in order.
    const typed = r.type('Egypt');
    await h.api.gateway.whenReady();
    await typed;
    await playOnDiscord(r, [
      ['q4', choose('not_applicable')],
      ['q5', choose('no')],
    ]);
    assert.equal(h.api.gateway.stats.resumes, 1);
    assert.equal(h.api.gateway.stats.identifies, 1, 'resumed, not identified again');
    assert.ok(h.api.gateway.stats.replayed >= 1);
    const stored = await session(h, r);
    assert.equal(stored.current, 'q6');
    assert.deepEqual(stored.answers.q3, {
      status: 'answered',
      value: { code: 'EG', region: '002', subregion: '015' },
    });
    assert.deepEqual(stored.path, ['language', 'consent', 'q1', 'q2', 'q3', 'q4', 'q5']);
  });
}

test('heartbeats are sent and acknowledged', async (t) => {
  const h = await startHarness(t, { heartbeatInterval: 200 });
  await new Promise((resolve) => setTimeout(resolve, 700));
  assert.ok(h.api.gateway.stats.heartbeats >= 2, `heartbeats: ${h.api.gateway.stats.heartbeats}`);
  assert.ok(h.bot.client.ws.ping >= 0);
});
