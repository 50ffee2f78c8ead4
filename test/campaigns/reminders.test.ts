import assert from 'node:assert/strict';
import { test } from 'node:test';
import { reminderKey, sendReminders, type ReminderDeps } from '../../src/campaigns/reminders.ts';
import { pseudonym, silentLogger } from '../../src/log.ts';
import { translator } from '../support/flow.ts';
import { pacingOf } from '../support/pacing.ts';
import { campaign } from '../store/campaign-stores.contract.ts';
import { SALT, startHarness } from '../telegram/harness.ts';
import { Respondent, questionIdOf } from '../telegram/respondent.ts';

const DAY = 86_400_000;
const T0 = Date.parse('2026-11-10T10:00:00Z');
const respondentOf = (id: number) => pseudonym(SALT, 'telegram', String(id));

test('reminders by policy through the Telegram stand-in: paced, live question, never to the finished, the opted-out (/stop) or the blocked, never at night, never twice, never beyond the maximum', async (t) => {
  let now = T0;
  const h = await startHarness(t, { clock: () => now });
  if (!h) return;
  const c = campaign({
    id: 'remind-2026',
    status: 'open',
    opensAt: new Date(0),
    reminders: { firstAfterDays: 2, minGapDays: 3, maxCount: 2 },
  });
  await h.stores.campaigns.create(c);
  await h.stores.invitations.create({
    token: 'remind-link',
    campaign: c.id,
    flowId: 'advocacy',
    maxUses: null,
    uses: 0,
    revoked: false,
    createdAt: new Date(T0),
  });
  const people: Respondent[] = [];
  for (let i = 0; i < 12; i++) {
    const r: Respondent = new Respondent(h.api, 5100 + i, 'en');
    await r.send('/start remind-link');
    await r.step({ choose: 'en' });
    await r.step({ choose: 'yes' });
    assert.equal(questionIdOf(r.last), 'q1');
    people.push(r);
  }
  const [finisher, stopper, blocker] = people as [Respondent, Respondent, Respondent];
  // One finished (their complete response is stored), one sent /stop, one blocked the bot.
  const partial = await h.service.current('telegram', String(finisher.id));
  await h.stores.responses.save({
    id: 'finished-1',
    flowId: 'advocacy',
    flowVersion: partial!.flowVersion,
    locale: 'en',
    channel: 'telegram',
    respondent: respondentOf(finisher.id),
    invitation: 'remind-link',
    status: 'complete',
    answers: {},
    durations: {},
    startedAt: new Date(T0),
    updatedAt: new Date(T0),
    finishedAt: new Date(T0),
  });
  await stopper.send('/stop');
  assert.equal(stopper.last.text, translator.translatorFor('en')({ key: 'campaigns:reminder.stopped' }));
  h.api.block(blocker.id);

  // Two days later the sweeper archives the idle surveys as partial responses.
  now = T0 + 2 * DAY + 3600_000;
  await h.service.sweep();
  const deps: ReminderDeps = {
    ...h.stores,
    outbound: h.outbound,
    flowOf: (id) => h.service.flows.get(id),
    log: silentLogger,
    clock: () => now,
  };
  const reminded = (since: number) => {
    const calls = h.api.callsOf('sendMessage').slice(since);
    const delivered = calls.filter((call) => call.ok);
    return { calls, chats: delivered.map((call) => Number(call.body.chat_id)).sort((a, b) => a - b) };
  };
  const expected = people.slice(3).map((r) => r.id);

  let mark = h.api.callsOf('sendMessage').length;
  const first = await sendReminders(deps, c.id);
  // The blocked one is known as such only when Telegram refuses the message (403), recorded then.
  assert.deepEqual(first, { unfinished: 11, sent: 9, notDue: 0, night: 0, unreachable: 1, notDelivered: 1 });
  const round1 = reminded(mark);
  assert.deepEqual(round1.chats, expected, 'each unfinished, reachable respondent once');
  assert.deepEqual(
    round1.calls.filter((call) => !call.ok).map((call) => Number(call.body.chat_id)),
    [blocker.id],
    'the blocked chat refused the one try',
  );
  const pacing = pacingOf(round1.calls.map((call) => ({ chat: String(call.body.chat_id), at: call.at })));
  assert.ok(pacing.busiestSecond <= 30);
  assert.ok(pacing.closestInChat >= 1000);
  const intro = translator.translatorFor('en')({
    key: 'campaigns:reminder.intro',
    params: { organisation: c.consentOrganisation },
  });
  const live = people[5]!;
  assert.ok(live.last.text.startsWith(intro), live.last.text);
  assert.equal(questionIdOf(live.last), 'q1', 'their current question, live');
  assert.ok(live.last.reply_markup, 'with its buttons');

  // At once again: nothing (the gap); three days later at night in their zone (UTC): nothing.
  mark = h.api.callsOf('sendMessage').length;
  assert.equal((await sendReminders(deps, c.id)).sent, 0);
  now = T0 + 6 * DAY + 12 * 3600_000; // 22:00 UTC
  const night = await sendReminders(deps, c.id);
  assert.deepEqual([night.sent, night.night], [0, 11]);
  assert.deepEqual(reminded(mark).chats, []);

  // A crash had claimed one respondent's second reminder before sending it: it is not sent again.
  const crashed = people[4]!;
  await h.stores.sends.begin({
    key: reminderKey(c.id, respondentOf(crashed.id), 2),
    campaign: c.id,
    kind: 'reminder',
    channel: 'telegram',
    respondent: respondentOf(crashed.id),
    startedAt: new Date(now),
  });
  now = T0 + 7 * DAY; // 10:00 UTC
  const second = await sendReminders(deps, c.id);
  assert.equal(second.sent, 8);
  assert.deepEqual(
    reminded(mark).chats,
    expected.filter((id) => id !== crashed.id),
  );

  // The maximum is two: nobody gets a third.
  mark = h.api.callsOf('sendMessage').length;
  now = T0 + 20 * DAY;
  assert.equal((await sendReminders(deps, c.id)).sent, 0);
  assert.deepEqual(reminded(mark).chats, []);

  // The reminder's button continues the survey.
  await live.step({ choose: 'public' });
  assert.equal(questionIdOf(live.last), 'q2');
});
