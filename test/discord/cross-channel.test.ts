import assert from 'node:assert/strict';
import { test } from 'node:test';
import { TelegramChannel } from '../../src/channels/telegram/channel.ts';
import type { Input } from '../../src/engine/input.ts';
import { silentLogger } from '../../src/log.ts';
import { collect, type ResponseRecord } from '../../src/store/response-store.ts';
import { harnessOn, STORE_KINDS } from '../support/discord-harness.ts';
import { memberWithPartners, nonMemberWithoutPartners } from '../support/discord-personas.ts';
import { playOnDiscord, type Script } from '../support/discord-script.ts';
import { translator } from '../support/flow.ts';
import { TelegramApiStandIn } from '../support/telegram-api.ts';
import { Respondent, type Step } from '../telegram/respondent.ts';

/** The same answers as Telegram buttons and messages (multiple choice: toggles, then Done). */
function telegramPlan(script: Script): Record<string, Step[]> {
  const step = (input: Input): Step[] => {
    switch (input.type) {
      case 'choose':
        return [{ choose: input.option }];
      case 'choices':
        return [...input.options.map((option) => ({ choose: option })), 'done'];
      case 'na':
        return [{ na: input.item }];
      case 'text':
        return [{ type: input.text }];
      case 'undo':
        return ['undo'];
      case 'decline':
        return ['skip'];
      default:
        throw new Error(`no Telegram step for ${input.type}`);
    }
  };
  return Object.fromEntries(
    script.map(([question, ...actions]) => [question, actions.flatMap((a) => step(a.input))]),
  );
}

/** What does not depend on the channel, the user or the clock. */
function portable(r: ResponseRecord) {
  const {
    id,
    respondent: _r,
    channel: _c,
    startedAt: _s,
    updatedAt: _u,
    finishedAt: _f,
    durations,
    contactId,
    ...rest
  } = r;
  return { ...rest, contact: contactId === id, durations: Object.keys(durations).sort() };
}

for (const kind of STORE_KINDS) {
  for (const [persona, script] of [
    ['a member with partners', memberWithPartners('en')],
    ['a non-member without partners', nonMemberWithoutPartners('ru')],
  ] as const) {
    test(`${kind}: ${persona} answering alike on Discord and on Telegram leaves the same document, but the channel`, async (t) => {
      const h = await harnessOn(t, kind);
      if (!h) return;
      const telegramApi = new TelegramApiStandIn();
      await telegramApi.start();
      const telegram = new TelegramChannel({
        token: telegramApi.token,
        apiRoot: telegramApi.apiRoot,
        service: h.service,
        translator,
        invitations: h.stores.invitations,
        log: silentLogger,
      });
      await telegram.start({ mode: 'polling' });
      t.after(async () => {
        await telegram.stop();
        await telegramApi.close();
      });

      const onDiscord = h.respondent({ locale: 'en-US' });
      await onDiscord.survey('start');
      await playOnDiscord(onDiscord, script);
      const onTelegram = new Respondent(telegramApi, 7001, 'en');
      await onTelegram.send('/start');
      await onTelegram.takeSurvey(telegramPlan(script));

      const [discord] = await collect(h.stores.responses.scan({ channel: 'discord' }));
      const [other] = await collect(h.stores.responses.scan({ channel: 'telegram' }));
      assert.ok(discord && other, 'both responses stored');
      assert.deepEqual(Object.keys(discord).sort(), Object.keys(other).sort());
      assert.deepEqual(portable(discord), portable(other));
      if (h.mongo) {
        const responses = h.mongo.collection('responses');
        const [a, b] = await Promise.all([
          responses.findOne({ channel: 'discord' }),
          responses.findOne({ channel: 'telegram' }),
        ]);
        assert.ok(a && b);
        assert.deepEqual(Object.keys(a).sort(), Object.keys(b).sort());
        assert.deepEqual(a.answers, b.answers);
        assert.deepEqual(
          Object.fromEntries(Object.entries(a).map(([k, v]) => [k, typeof v])),
          Object.fromEntries(Object.entries(b).map(([k, v]) => [k, typeof v])),
        );
      }
    });
  }
}
