import assert from 'node:assert/strict';
import { once } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import { test } from 'node:test';
import countries from 'i18n-iso-countries';
import { localHour, timeZoneOf } from '../../src/campaigns/time-zone.ts';
import { reminderKey } from '../../src/campaigns/reminders.ts';
import { parseConfig } from '../../src/config.ts';
import { ConversationService } from '../../src/conversation/service.ts';
import type { Input } from '../../src/engine/input.ts';
import { languagesOf, loadResources, withAllFlowTexts } from '../../src/flows/load.ts';
import { FlowRegistry } from '../../src/flows/registry.ts';
import { Translator } from '../../src/i18n/translator.ts';
import { pseudonym, silentLogger } from '../../src/log.ts';
import { openStores } from '../../src/store/open.ts';
import type { SendRecord } from '../../src/store/send-log.ts';
import { answerFor } from '../conversation/autopilot.ts';
import { startBot, startStandIn, storeEnv } from '../production/bot-process.ts';
import { pacingOf } from '../support/pacing.ts';
import { freePort } from '../support/server-processes.ts';
import { needServer } from '../support/servers.ts';

const DAY = 86_400_000;
const SALT = 'reminder-crash-salt-0123456789';
const CAMPAIGN = 'crash-2026';
const LINK = 'crash-link';
const DUE = Number(process.env.REMINDER_CRASH_COUNT ?? 5000);
/** Sent before the kill, as the stand-in's log shows them. */
const KILL_AFTER = Math.min(400, Math.floor(DUE / 3));
const POLICY = { firstAfterDays: 2, minGapDays: 3, maxCount: 2 };
/** Telegram user ids of each group. */
const FIRST = {
  due: 30_000_000,
  finished: 31_000_000,
  stopped: 32_000_000,
  atMax: 33_000_000,
  night: 34_000_000,
};
const OTHERS = 15;

/** Countries whose names are typed unambiguously, across the world's time zones. */
const CANDIDATES = ['NZ', 'FJ', 'JP', 'TH', 'BD', 'PK', 'AE', 'KE', 'FR', 'GB', 'BR', 'PE', 'MX', 'CR'];

/** A country where it is `from`-`to` o'clock now, so the test holds whenever it runs. */
function countryAtHour(from: number, to: number): string {
  const now = new Date();
  const found = CANDIDATES.find((c) => {
    const hour = localHour(now, timeZoneOf(c));
    return hour >= from && hour <= to;
  });
  if (!found) throw new Error(`no candidate country at ${from}-${to} h now`);
  return found;
}

test('reminders to 5,000 unfinished surveys by the bot as a child process with Redis: SIGKILLed mid-send and restarted, it reminds nobody twice, within 30 messages a second and one a second per chat, never the finished, the opted-out, those at the maximum or those at night', async (t) => {
  const redis = await needServer(t, 'redis');
  if (!redis) return;
  const api = await startStandIn(t);
  const env: Record<string, string> = {
    ...storeEnv(t, { redis }),
    TELEGRAM_BOT_TOKEN: api.token,
    TELEGRAM_API_ROOT: api.apiRoot,
    HTTP_PORT: String(await freePort()),
    RESPONDENT_SALT: SALT,
    SWEEP_INTERVAL_MINUTES: '1',
  };
  const day = countryAtHour(10, 16);
  const night = countryAtHour(0, 5);

  // Seeding, through the real service and stores the bot opens, five days ago.
  const realNow = Date.now();
  let now = realNow - 5 * DAY;
  const config = parseConfig(env);
  const stores = await openStores(config, silentLogger);
  const resources = withAllFlowTexts(loadResources());
  const flows = FlowRegistry.open({
    resources,
    translator: new Translator(resources, languagesOf(resources)),
    store: stores.flowVersions,
    defaultFlow: 'advocacy',
  });
  await flows.deploy();
  const service = new ConversationService({
    flows,
    ...stores,
    salt: SALT,
    clock: () => now,
  });
  await stores.campaigns.create({
    id: CAMPAIGN,
    name: 'Crash',
    flowId: 'advocacy',
    coordinators: [],
    regions: [],
    languages: ['en'],
    consentOrganisation: 'IFLA',
    reminders: POLICY,
    status: 'open',
    opensAt: new Date(0),
    createdAt: new Date(now),
    updatedAt: new Date(now),
  });
  await stores.invitations.create({
    token: LINK,
    campaign: CAMPAIGN,
    flowId: 'advocacy',
    maxUses: null,
    uses: 0,
    revoked: false,
    createdAt: new Date(now),
  });
  /** Answers up to the question after the country (or to the end), typing the country's name. */
  const seed = async (user: number, country: string, finish = false) => {
    const turn = (input: Input) =>
      service.turn({ channel: 'telegram', user: String(user), locale: 'en', input, invitation: LINK });
    let result = await turn({ type: 'start' });
    for (let i = 0; i < 200 && result.prompt?.kind === 'question'; i++) {
      const prompt = result.prompt;
      if (!finish && prompt.question === 'q4') return;
      let input = answerFor(prompt);
      if (prompt.type === 'country')
        input =
          prompt.step === 'pick'
            ? {
                type: 'choose',
                option: country,
                bound: { question: prompt.question, version: prompt.version },
              }
            : { type: 'text', text: countries.getName(country, 'en')! };
      result = await turn(input);
    }
    if (!finish) throw new Error(`respondent ${user} did not reach q4`);
  };
  const ids = (group: keyof typeof FIRST, n: number) => Array.from({ length: n }, (_, i) => FIRST[group] + i);
  const due = ids('due', DUE);
  for (const user of due) await seed(user, day);
  for (const user of ids('finished', OTHERS)) await seed(user, day, true);
  for (const user of ids('stopped', OTHERS)) {
    await seed(user, day);
    assert.ok(await service.optOut('telegram', String(user)));
  }
  for (const user of ids('atMax', OTHERS)) {
    await seed(user, day);
    for (let n = 1; n <= POLICY.maxCount; n++) {
      const key = reminderKey(CAMPAIGN, pseudonym(SALT, 'telegram', String(user)), n);
      const base = { key, campaign: CAMPAIGN, kind: 'reminder' as const, channel: 'telegram' };
      await stores.sends.begin({
        ...base,
        respondent: pseudonym(SALT, 'telegram', String(user)),
        startedAt: new Date(now - 10 * DAY),
      });
      await stores.sends.finish(key, 'sent', new Date(now - 10 * DAY));
    }
  }
  for (const user of ids('night', OTHERS)) await seed(user, night);
  // Two days and an hour later the sweeper archives the idle surveys as partial responses.
  now += 2 * DAY + 3600_000;
  for (let swept = await service.sweep(1000); swept.archived > 0; swept = await service.sweep(1000));
  const sample = (
    await stores.responses.byRespondent(pseudonym(SALT, 'telegram', String(due[0])), 'advocacy')
  )[0];
  assert.equal(sample?.status, 'partial');
  assert.equal((sample.answers.q3 as { value: { code: string } }).value.code, day);
  await service.close();
  await stores.close();

  // The bot runs the hour's reminder run; killed once some hundreds went out.
  const sends = () => api.callsOf('sendMessage');
  const first = startBot(t, env);
  while (sends().length < KILL_AFTER) {
    if (first.child.exitCode !== null) assert.fail(`the bot exited:\n${first.output().slice(-3000)}`);
    if (Date.now() > realNow + 30 * 60_000) assert.fail(`no reminders sent:\n${first.output().slice(-3000)}`);
    await sleep(50);
  }
  first.child.kill('SIGKILL');
  await once(first.child, 'close');
  const beforeKill = sends().length;
  assert.ok(beforeKill < DUE, 'killed mid-send');

  // Restarted, it takes the run up once the dead process's lock lapses, and finishes it.
  const second = startBot(t, env);
  const dueChats = new Set(due.map(String));
  const settled = () => new Set(sends().map((c) => String(c.body.chat_id))).size;
  // Everyone but the few the kill interrupted (claimed, perhaps not sent) is reminded.
  // A generous bound, only so that a bot that stopped sending fails the test instead of hanging it.
  const giveUp = Date.now() + 30 * 60_000;
  while (settled() < DUE - 64) {
    if (second.child.exitCode !== null) assert.fail(`the bot exited:\n${second.output().slice(-3000)}`);
    if (Date.now() > giveUp)
      assert.fail(`stalled at ${settled()} reminded:\n${second.output().slice(-3000)}`);
    await sleep(200);
  }
  await second.waitForLine((l) => l.msg === 'reminders sent' && Number(l.sent) > 0, 600_000);
  second.child.kill('SIGTERM');
  await second.exit;

  const calls = sends();
  const perChat = new Map<string, number>();
  for (const call of calls)
    perChat.set(String(call.body.chat_id), (perChat.get(String(call.body.chat_id)) ?? 0) + 1);
  assert.deepEqual(
    [...perChat].filter(([, n]) => n > 1),
    [],
    'no chat got a reminder twice',
  );
  assert.deepEqual(
    [...perChat.keys()].filter((chat) => !dueChats.has(chat)),
    [],
    'nobody finished, opted out, at the maximum or at night was reminded',
  );
  const pacing = pacingOf(calls.map((c) => ({ chat: String(c.body.chat_id), at: c.at })));
  assert.ok(pacing.busiestSecond <= 30, `${pacing.busiestSecond} messages in one second`);
  assert.ok(pacing.closestInChat >= 1000, `${pacing.closestInChat} ms between two to one chat`);

  // The send log: one reminder per due respondent; those the kill cut off stay 'sending'.
  const reopened = await openStores(config, silentLogger);
  const log: SendRecord[] = [];
  for await (const record of reopened.sends.scan(CAMPAIGN)) log.push(record);
  await reopened.close();
  const respondentChat = new Map(
    due.map((user) => [pseudonym(SALT, 'telegram', String(user)), String(user)]),
  );
  const fresh = log.filter((r) => r.startedAt.getTime() >= realNow - DAY);
  assert.equal(fresh.length, DUE, 'one claim per due respondent, none for anyone else');
  assert.ok(fresh.every((r) => respondentChat.has(r.respondent!) && r.key.endsWith(':1')));
  const unconfirmed = fresh.filter((r) => r.status === 'sending');
  assert.ok(
    unconfirmed.length > 0 && unconfirmed.length <= 32,
    `${unconfirmed.length} left claimed by the kill`,
  );
  for (const record of fresh) {
    const chat = respondentChat.get(record.respondent!)!;
    if (record.status === 'sent') assert.equal(perChat.get(chat), 1);
    else assert.equal(record.status, 'sending');
  }
  // Missing from the stand-in's log: only those the kill left claimed (at most once, never twice).
  const missing = due.map(String).filter((chat) => !perChat.has(chat));
  const lostToKill = new Set(unconfirmed.map((r) => respondentChat.get(r.respondent!)));
  assert.deepEqual(
    missing.filter((chat) => !lostToKill.has(chat)),
    [],
  );
  t.diagnostic(
    `${calls.length} reminded (${beforeKill} before the kill); ${missing.length} lost to the kill; busiest second ${pacing.busiestSecond}`,
  );
});
