import { collect } from '../../src/store/response-store.ts';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import type { Flow } from '../../src/engine/flow.ts';
import { loadFlow, loadResources, withFlowTexts } from '../../src/flows/load.ts';
import { importFormFile } from '../../src/forms/import-file.ts';
import { Translator } from '../../src/i18n/translator.ts';
import { startHarness as startDiscord } from '../support/discord-harness.ts';
import { choose, playOnDiscord, type } from '../support/discord-script.ts';
import { startHarness as startTelegram } from '../telegram/harness.ts';
import { Respondent } from '../telegram/respondent.ts';

/** A form with the XLSForm parts a chat now asks: a group, a note, numbers, a date, a filter. */
const FORM = `
| survey |
| | type | name | label::English (en) | label::Français (fr) | hint::English (en) | hint::Français (fr) | required | relevant | constraint | constraint_message::English (en) | constraint_message::Français (fr) | choice_filter |
| | note | welcome | Welcome to the market survey. | Bienvenue dans l'enquête sur les marchés. | | | | | | | | |
| | begin_group | stall | Your stall | Votre étal | | | | | | | | |
| | integer | stalls | How many stalls do you run? | Combien d'étals tenez-vous ? | Count every stall | Comptez chaque étal | yes | | . >= 1 and . <= 20 | Between 1 and 20 | Entre 1 et 20 | |
| | date | opened | When did you open? | Quand avez-vous ouvert ? | | | | \${stalls} > 1 | . >= '2000-01-01' | Since 2000 | Depuis 2000 | |
| | end_group | | | | | | | | | | | |
| | select_one region | region | Which region? | Quelle région ? | | | | | | | | |
| | select_one town | town | Which town? | Quelle ville ? | | | | | | | | region = \${region} |
| | acknowledge | done | That is all. Send? | C'est tout. Envoyer ? | | | yes | | | | | |
| choices |
| | list_name | name | label::English (en) | label::Français (fr) | region |
| | region | north | North | Nord | |
| | region | south | South | Sud | |
| | town | lille | Lille | Lille | north |
| | town | arras | Arras | Arras | north |
| | town | nice | Nice | Nice | south |
| settings |
| | form_id | version | default_language |
| | market | 2 | English (en) |`;

async function importedMarket(t: TestContext): Promise<{ flow: Flow; translator: Translator }> {
  const dir = mkdtempSync(join(tmpdir(), 'xlsform-channels-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, 'market.md'), FORM);
  const flows = join(dir, 'flows');
  const report = await importFormFile(join(dir, 'market.md'), { flowsDir: flows });
  assert.deepEqual(report.problems, []);
  const resources = withFlowTexts(loadResources(), 'market', join(flows, 'locales'));
  const flow = loadFlow('market', resources, flows);
  return { flow, translator: new Translator(resources, flow.languages) };
}

const EXPECTED = {
  language: 'fr',
  welcome: 'seen',
  stalls: 3,
  opened: '2012-05-04',
  region: { option: 'south' },
  town: { option: 'nice' },
  done: 'OK',
};

test('an imported XLSForm runs on Telegram: group heading, hint, note, number and date checks, choice filter, required', async (t) => {
  const market = await importedMarket(t);
  const h = await startTelegram(t, { stores: 'embedded', ...market });
  if (!h) return;
  const r = new Respondent(h.api, 9101, 'fr');
  await r.send('/start');
  const asked = await r.takeSurvey({
    language: [{ choose: 'fr' }],
    welcome: [{ choose: 'continue' }],
    stalls: [{ type: '/skip' }, { type: 'trois' }, { type: '30' }, { type: '3' }],
    opened: [{ type: '1999-12-31' }, { type: '04.05.2012' }],
    region: [{ choose: 'south' }],
    town: [{ choose: 'nice' }],
    done: [{ choose: 'OK' }],
  });
  assert.deepEqual(asked, Object.keys(EXPECTED));
  const texts = r.messages.map((m) => m.text).join('\n');
  const fr = market.translator.translatorFor('fr');
  // The form's own texts in French, the bot's own refusals too.
  // The question as first sent, before its message was edited to show the answer.
  const sent = h.api.calls.map((c) => String((c.body as { text?: unknown }).text ?? '')).join('\n');
  assert.match(sent, /— Votre étal —\nCombien d'étals tenez-vous \?\nComptez chaque étal/);
  assert.ok(texts.includes(fr({ key: 'common:refusal.required' })));
  assert.ok(texts.includes(fr({ key: 'common:refusal.integer_invalid' })));
  assert.ok(texts.includes('Entre 1 et 20'));
  assert.ok(texts.includes('Depuis 2000'));
  // Only the towns of the chosen region were offered.
  const townMessage = r.messages.find((m) => m.text.includes('Quelle ville'))!;
  assert.ok(townMessage.text.includes('Nice') && !townMessage.text.includes('Lille'));
  const [stored] = await collect(h.stores.responses.scan({ flowId: 'market' }));
  assert.equal(stored?.status, 'complete');
  assert.equal(stored?.flowVersion, 2);
  assert.deepEqual(
    Object.fromEntries(
      Object.entries(stored!.answers).map(([k, a]) => [k, a.status === 'answered' ? a.value : a]),
    ),
    EXPECTED,
  );
});

test('an imported XLSForm runs on Discord the same way, with the same answers stored', async (t) => {
  const market = await importedMarket(t);
  const h = await startDiscord(t, market);
  const r = h.respondent({ locale: 'fr' });
  await r.survey('start');
  await playOnDiscord(r, [
    ['language', choose('fr')],
    ['welcome', choose('continue')],
    ['stalls', type('0'), type('3')],
    ['opened', type('2012-05-04')],
    ['region', choose('south')],
    ['town', choose('nice')],
    ['done', choose('OK')],
  ]);
  assert.ok(r.lastText().length > 0);
  const [stored] = await collect(h.stores.responses.scan({ flowId: 'market' }));
  assert.equal(stored?.status, 'complete');
  assert.deepEqual(
    Object.fromEntries(
      Object.entries(stored!.answers).map(([k, a]) => [k, a.status === 'answered' ? a.value : a]),
    ),
    EXPECTED,
  );
});
