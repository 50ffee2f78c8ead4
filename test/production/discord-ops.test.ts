import assert from 'node:assert/strict';
import { test, type TestContext } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { startDiscordChannel } from '../../src/channels/discord/channel.ts';
import { ConversationService } from '../../src/conversation/service.ts';
import { silentLogger } from '../../src/log.ts';
import { Metrics } from '../../src/metrics.ts';
import type { SessionStore } from '../../src/store/session-store.ts';
import { DiscordStandIn } from '../support/discord-api.ts';
import { embeddedStores } from '../support/discord-harness.ts';
import { nonMemberWithoutPartners } from '../support/discord-personas.ts';
import { playOnDiscord } from '../support/discord-script.ts';
import { DiscordRespondent } from '../support/discord-user.ts';
import { flow, translator } from '../support/flow.ts';
import { parseMetrics } from './prometheus.ts';

/** The real discord.js channel against the stand-in, counting into `metrics`. */
async function discordBot(t: TestContext, metrics: Metrics, sessions?: (s: SessionStore) => SessionStore) {
  const stores = embeddedStores(t);
  const service = new ConversationService({
    flow,
    sessions: sessions ? sessions(stores.sessions) : stores.sessions,
    responses: stores.responses,
    contacts: stores.contacts,
    salt: 'discord-ops-salt-0123456789',
    metrics,
  });
  const api = await DiscordStandIn.start({ heartbeatInterval: 1000 });
  const bot = await startDiscordChannel({
    token: api.token,
    apiRoot: api.apiRoot,
    service,
    translator,
    invitations: stores.invitations,
    log: silentLogger,
    metrics,
  });
  t.after(async () => {
    await bot.stop();
    service.close();
    await api.close();
  });
  const respondent = () => new DiscordRespondent(api, bot.events, api.addUser({ locale: 'en-US' }));
  return { api, bot, respondent };
}

test('Discord: updates by kind and outcome, turns, sessions, rate-limit waits and refusals by Discord are counted', async (t) => {
  const metrics = new Metrics();
  const { api, respondent } = await discordBot(t, metrics);
  const r = respondent();
  await r.survey('start');
  api.rateLimit('POST', /^\/channels\/\d+\/messages$/, 0.2);
  await playOnDiscord(r, nonMemberWithoutPartners('en'));
  const closed = respondent();
  closed.user.dmsClosed = true;
  await closed.survey('start', {}, api.addGuildChannel());

  const m = parseMetrics((await metrics.render()).body);
  const discord = { channel: 'discord' };
  const received = (kind: string) => m.value('survey_updates_received_total', { ...discord, kind });
  const handled = (kind: string, outcome: string) =>
    m.value('survey_updates_handled_total', { ...discord, kind, outcome });
  const script = nonMemberWithoutPartners('en').flatMap(([, ...actions]) => actions);
  const typed = script.filter((a) => a.label.startsWith('type')).length;
  assert.equal(received('command'), 2);
  assert.equal(received('component'), script.length - typed);
  assert.equal(received('message'), typed, 'the bot’s own messages are not counted');
  assert.equal(handled('component', 'ok') + handled('message', 'ok'), script.length);
  assert.equal(handled('command', 'ok') + handled('command', 'error'), 2);
  // The second respondent's session starts too; only the message to their closed DMs fails.
  assert.equal(m.value('survey_sessions_total', { ...discord, event: 'started' }), 2);
  assert.equal(m.value('survey_sessions_total', { ...discord, event: 'completed' }), 1);
  assert.ok(m.value('survey_turn_duration_seconds_count', discord) >= script.length);
  assert.ok(m.value('survey_rate_limit_waits_total', discord) >= 1, 'the 429 was waited out');
  assert.equal(m.value('survey_platform_errors_total', { ...discord, code: 'dm_closed' }), 1);
});

test('Discord stop: events arriving meanwhile are told to try again, the turns in flight finish, then it disconnects', async (t) => {
  const metrics = new Metrics();
  let slow = false;
  // Session writes held for a moment: a turn is in flight when the stop begins.
  const held = (store: SessionStore): SessionStore =>
    Object.assign(Object.create(store) as SessionStore, {
      put: async (...args: Parameters<SessionStore['put']>) => {
        if (slow) await sleep(400);
        return store.put(...args);
      },
    });
  const { bot, respondent } = await discordBot(t, metrics, held);
  const busy = respondent();
  const late = respondent();
  await busy.survey('start');
  await late.survey('start');
  assert.ok(bot.ready());

  slow = true;
  const inFlight = busy.press('English');
  await sleep(50);
  const stopped = bot.stop();
  assert.equal(bot.ready(), false, 'unready from the moment the stop begins');
  const refused = await late.press('Русский');
  assert.match(refused.notices.join('\n'), /temporarily unavailable/);
  await inFlight;
  assert.match(busy.lastText(), /Do you agree to take part/, 'the turn in flight was finished');
  await stopped;
  assert.equal(bot.client.isReady(), false, 'disconnected');
  const m = parseMetrics((await metrics.render()).body);
  assert.equal(
    m.value('survey_updates_handled_total', { channel: 'discord', kind: 'component', outcome: 'refused' }),
    1,
  );
});
