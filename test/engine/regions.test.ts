import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ARAB_STATES, regionName, regionOf } from '../../src/engine/regions.ts';
import { neutralizeBidi, spreadsheetSafe } from '../../src/safe-text.ts';

test('every country of the 2013 coordinators has its M49 region and sub-region', () => {
  assert.deepEqual(regionOf('EG'), { region: '002', subregion: '015' });
  assert.deepEqual(regionOf('RU'), { region: '150', subregion: '151' });
  assert.deepEqual(regionOf('FM'), { region: '009', subregion: '057' });
  assert.deepEqual(regionOf('MX'), { region: '019', subregion: '419', intermediate: '013' });
  assert.deepEqual(regionOf('NG'), { region: '002', subregion: '202', intermediate: '011' });
  assert.deepEqual(regionOf('CM'), { region: '002', subregion: '202', intermediate: '017' });
  assert.deepEqual(regionOf('US'), { region: '019', subregion: '021' });
  assert.equal(regionOf('AQ'), null);
  assert.equal(regionOf('XX'), null);
});

test('the Arab states are the 22 members of the League, and region names come in any language', () => {
  assert.equal(ARAB_STATES.size, 22);
  for (const code of ARAB_STATES) assert.ok(regionOf(code), code);
  assert.equal(regionName('151', 'ru'), 'Восточная Европа');
  assert.equal(regionName('015', 'en'), 'Northern Africa');
  assert.equal(regionName('002', 'fr'), 'Afrique');
});

test('texts shown to staff lose direction controls, and formula-like cells are defused', () => {
  assert.equal(neutralizeBidi('a\u202Eb\u2066c\u2069'), 'abc');
  assert.equal(neutralizeBidi('مرحبا abc'), 'مرحبا abc');
  assert.equal(spreadsheetSafe('=HYPERLINK("x")'), `'=HYPERLINK("x")`);
  for (const lead of ['+', '-', '@', '\t', '\r']) assert.equal(spreadsheetSafe(`${lead}1`), `'${lead}1`);
  assert.equal(spreadsheetSafe('plain = text'), 'plain = text');
});
