import assert from 'node:assert/strict';
import { test } from 'node:test';
import { memoizeTranslate } from '../../src/channels/discord/memo-translate.ts';
import type { Text } from '../../src/engine/prompt.ts';
import type { Translate } from '../../src/i18n/translator.ts';
import { translator } from '../support/flow.ts';

function counting(t: Translate): { t: Translate; calls: () => number } {
  let calls = 0;
  const wrapped = Object.assign((text: Text) => (calls++, t(text)), { lng: t.lng });
  return { t: wrapped, calls: () => calls };
}

test('remembered translations equal fresh ones, and are looked up once', () => {
  const inner = counting(translator.translatorFor('ru'));
  const t = memoizeTranslate(inner.t);
  const texts: Text[] = [
    { key: 'common:action.back' },
    { key: 'common:progress', params: { position: 3, total: 17 } },
    { key: 'common:language.option', params: { code: 'ar' } },
    { key: 'common:text.hint', params: { count: 2000 } },
  ];
  for (let round = 0; round < 3; round++) {
    for (const text of texts) assert.equal(t(text), translator.translatorFor('ru')(text));
  }
  assert.equal(inner.calls(), texts.length);
  assert.equal(t.lng, 'ru');
});

test('texts carrying something typed are not kept; the memory is bounded', () => {
  const inner = counting(translator.translatorFor('en'));
  const t = memoizeTranslate(inner.t, 3);
  const typed = {
    key: 'common:option.named',
    params: { label: { key: 'common:option.other_short' }, text: 'x'.repeat(200) },
  };
  t(typed);
  t(typed);
  assert.equal(inner.calls(), 2);
  for (let i = 0; i < 10; i++) t({ key: 'common:progress', params: { position: i, total: 20 } });
  t({ key: 'common:progress', params: { position: 9, total: 20 } });
  assert.equal(inner.calls(), 12, 'the latest entries are still remembered after starting over');
});
