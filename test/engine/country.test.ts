import assert from 'node:assert/strict';
import { test } from 'node:test';
import { countryCode, matchCountry, MAX_SUGGESTIONS } from '../../src/engine/country.ts';
import { next } from '../../src/engine/engine.ts';
import { answerOf, choose, flow, play, setup, text, translator } from '../support/flow.ts';

/** Names as typed → ISO code: the five languages, official and short forms, endonyms, abbreviations. */
const NAMES: Record<string, string> = {
  // English
  Russia: 'RU',
  'Russian Federation': 'RU',
  Egypt: 'EG',
  'United States': 'US',
  'United States of America': 'US',
  USA: 'US',
  'U.S.': 'US',
  'United Kingdom': 'GB',
  UK: 'GB',
  'Great Britain': 'GB',
  England: 'GB',
  'United Arab Emirates': 'AE',
  UAE: 'AE',
  'Saudi Arabia': 'SA',
  KSA: 'SA',
  'Federated States of Micronesia': 'FM',
  Micronesia: 'FM',
  'Micronesia, Federated States of': 'FM',
  'State of Palestine': 'PS',
  'Palestinian Territories': 'PS',
  Cameroon: 'CM',
  Nigeria: 'NG',
  Mexico: 'MX',
  'South Korea': 'KR',
  'North Korea': 'KP',
  'Ivory Coast': 'CI',
  "Côte d'Ivoire": 'CI',
  'Czech Republic': 'CZ',
  Czechia: 'CZ',
  Burma: 'MM',
  Holland: 'NL',
  Netherlands: 'NL',
  Türkiye: 'TR',
  Turkey: 'TR',
  'DR Congo': 'CD',
  // Russian
  Россия: 'RU',
  РФ: 'RU',
  'Российская Федерация': 'RU',
  США: 'US',
  'Соединенные Штаты': 'US',
  Египет: 'EG',
  Кыргызстан: 'KG',
  Киргизия: 'KG',
  Белоруссия: 'BY',
  Беларусь: 'BY',
  Молдавия: 'MD',
  Молдова: 'MD',
  ОАЭ: 'AE',
  Великобритания: 'GB',
  Англия: 'GB',
  ФРГ: 'DE',
  Германия: 'DE',
  КНР: 'CN',
  КНДР: 'KP',
  ЮАР: 'ZA',
  Казахстан: 'KZ',
  Украина: 'UA',
  Камерун: 'CM',
  Мексика: 'MX',
  Нигерия: 'NG',
  Палестина: 'PS',
  'Саудовская Аравия': 'SA',
  'Федеративные Штаты Микронезии': 'FM',
  Швейцария: 'CH',
  Узбекистан: 'UZ',
  // Arabic
  مصر: 'EG',
  'جمهورية مصر العربية': 'EG',
  'سلطنة عمان': 'OM',
  عمان: 'OM',
  عُمان: 'OM',
  الإمارات: 'AE',
  'الإمارات العربية المتحدة': 'AE',
  السعودية: 'SA',
  'المملكة العربية السعودية': 'SA',
  فلسطين: 'PS',
  السودان: 'SD',
  لبنان: 'LB',
  الأردن: 'JO',
  الجزائر: 'DZ',
  الكويت: 'KW',
  المغرب: 'MA',
  ليبيا: 'LY',
  قطر: 'QA',
  العراق: 'IQ',
  تونس: 'TN',
  اليمن: 'YE',
  البحرين: 'BH',
  سوريا: 'SY',
  'الولايات المتحدة': 'US',
  روسيا: 'RU',
  'المملكة المتحدة': 'GB',
  // Spanish
  'EE. UU.': 'US',
  EEUU: 'US',
  'EE.UU.': 'US',
  'Estados Unidos': 'US',
  Rusia: 'RU',
  Egipto: 'EG',
  México: 'MX',
  Camerún: 'CM',
  'Reino Unido': 'GB',
  'Emiratos Árabes Unidos': 'AE',
  EAU: 'AE',
  'Arabia Saudí': 'SA',
  'Arabia Saudita': 'SA',
  Suiza: 'CH',
  Marruecos: 'MA',
  Argelia: 'DZ',
  Jordania: 'JO',
  Líbano: 'LB',
  Sudán: 'SD',
  Omán: 'OM',
  Catar: 'QA',
  Irak: 'IQ',
  Túnez: 'TN',
  Bahréin: 'BH',
  Siria: 'SY',
  Canadá: 'CA',
  Alemania: 'DE',
  Camerun: 'CM',
  // French
  Russie: 'RU',
  Égypte: 'EG',
  'États-Unis': 'US',
  'É.-U.': 'US',
  Cameroun: 'CM',
  Mexique: 'MX',
  'Royaume-Uni': 'GB',
  'Émirats arabes unis': 'AE',
  'Arabie saoudite': 'SA',
  Suisse: 'CH',
  Maroc: 'MA',
  Algérie: 'DZ',
  Jordanie: 'JO',
  Liban: 'LB',
  Soudan: 'SD',
  Koweït: 'KW',
  Libye: 'LY',
  Tunisie: 'TN',
  Yémen: 'YE',
  Syrie: 'SY',
  Australie: 'AU',
  Micronésie: 'FM',
  'États fédérés de Micronésie': 'FM',
  Allemagne: 'DE',
  Algerie: 'DZ',
  // Endonyms: the country's name in its own language(s)
  Deutschland: 'DE',
  Schweiz: 'CH',
  Svizzera: 'CH',
  Österreich: 'AT',
  España: 'ES',
  Italia: 'IT',
  Polska: 'PL',
  Україна: 'UA',
  Қазақстан: 'KZ',
  Oʻzbekiston: 'UZ',
  Nederland: 'NL',
  België: 'BE',
  Sverige: 'SE',
  Suomi: 'FI',
  Norge: 'NO',
  Danmark: 'DK',
  Ελλάδα: 'GR',
  日本: 'JP',
  中国: 'CN',
  대한민국: 'KR',
  Brasil: 'BR',
  Việt_Nam: 'VN',
  भारत: 'IN',
  Ísland: 'IS',
  Magyarország: 'HU',
  Česko: 'CZ',
  Србија: 'RS',
  Hrvatska: 'HR',
  საქართველო: 'GE',
  Հայաստան: 'AM',
  Azərbaycan: 'AZ',
  ایران: 'IR',
  ישראל: 'IL',
};

/** Typing slips: offered in the short list to pick from (first, unless another name is as close). */
const TYPOS: Record<string, string> = {
  Egipt: 'EG',
  Egyt: 'EG',
  Russai: 'RU',
  Rusiia: 'RU',
  Cameron: 'CM',
  'Saudi Arbia': 'SA',
  Nigera: 'NG',
  Mexcio: 'MX',
  Lebanonn: 'LB',
  Jordon: 'JO',
  Australa: 'AU',
  Kuwayt: 'KW',
  Marocco: 'MA',
  Tunesia: 'TN',
  Switzerlnd: 'CH',
  Микронезя: 'FM',
  Египед: 'EG',
  Росия: 'RU',
  Швецария: 'CH',
  'الامارات العربيه': 'AE',
  Alemaña: 'DE',
  Algerria: 'DZ',
  Mauritanai: 'MR',
  Germnay: 'DE',
  'Untied Kingdom': 'GB',
};

/** Slips as close to another country's name: Nigera is one letter from Niger and from Nigeria. */
const AS_CLOSE = new Set(['Nigera']);

/**
 * The 27 rows of the 2013 report's country table (question 3), by the names its respondents
 * would type: 26 countries, the 27th row being "N/A" (one respondent gave none).
 */
const REPORT_2013: Record<string, string[]> = {
  US: ['USA', 'United States', 'США', 'الولايات المتحدة', 'EE. UU.', 'États-Unis'],
  EG: ['Egypt', 'مصر', 'Египет', 'Egipto', 'Égypte', 'جمهورية مصر العربية'],
  RU: ['Russia', 'Россия', 'РФ', 'Российская Федерация', 'روسيا', 'Rusia', 'Russie'],
  AU: ['Australia', 'Австралия', 'أستراليا', 'Australie'],
  CM: ['Cameroon', 'Cameroun', 'Камерун', 'الكاميرون', 'Camerún'],
  OM: ['Oman', 'سلطنة عمان', 'عمان', 'عُمان', 'Оман', 'Omán'],
  PS: ['Palestine', 'فلسطين', 'Палестина', 'Palestina', 'دولة فلسطين'],
  SA: ['Saudi Arabia', 'السعودية', 'المملكة العربية السعودية', 'KSA', 'Саудовская Аравия'],
  SD: ['Sudan', 'السودان', 'Судан', 'Soudan', 'Sudán'],
  FM: ['Federated States of Micronesia', 'Micronesia', 'FSM', 'Микронезия', 'ميكرونيزيا'],
  LB: ['Lebanon', 'لبنان', 'Ливан', 'Liban', 'Líbano'],
  JO: ['Jordan', 'الأردن', 'Иордания', 'Jordanie', 'Jordania'],
  DZ: ['Algeria', 'الجزائر', 'Алжир', 'Algérie', 'Argelia'],
  KW: ['Kuwait', 'الكويت', 'Кувейт', 'Koweït'],
  MA: ['Morocco', 'المغرب', 'Марокко', 'Maroc', 'Marruecos'],
  AE: ['UAE', 'الإمارات', 'United Arab Emirates', 'ОАЭ', 'Émirats arabes unis'],
  LY: ['Libya', 'ليبيا', 'Ливия', 'Libye', 'Libia'],
  QA: ['Qatar', 'قطر', 'Катар', 'Catar'],
  IQ: ['Iraq', 'العراق', 'Ирак', 'Irak'],
  TN: ['Tunisia', 'تونس', 'Тунис', 'Tunisie', 'Túnez'],
  YE: ['Yemen', 'اليمن', 'Йемен', 'Yémen'],
  BH: ['Bahrain', 'البحرين', 'Бахрейн', 'Bahreïn', 'Baréin'],
  CA: ['Canada', 'كندا', 'Канада', 'Canadá'],
  SY: ['Syria', 'سوريا', 'سورية', 'Сирия', 'Syrie', 'Siria'],
  CH: ['Switzerland', 'Schweiz', 'Suisse', 'Швейцария', 'سويسرا', 'Suiza'],
  GB: ['United Kingdom', 'UK', 'Великобритания', 'المملكة المتحدة', 'Reino Unido', 'Royaume-Uni'],
};

test('the country table holds at least 150 names and typing slips', () => {
  const names = Object.keys(NAMES).length + Object.keys(TYPOS).length;
  assert.ok(names >= 150, `${names} names`);
});

for (const [name, code] of Object.entries(NAMES)) {
  test(`country name ${JSON.stringify(name)} is ${code}`, () => {
    assert.deepEqual(matchCountry(name.replace('_', ' ')), { exact: code });
  });
}

for (const [name, code] of Object.entries(TYPOS)) {
  test(`typing slip ${JSON.stringify(name)} suggests ${code} first`, () => {
    const match = matchCountry(name);
    assert.ok('suggestions' in match, `${name} is a slip, not an exact name`);
    assert.ok(match.suggestions.includes(code), `${name}: ${match.suggestions.join()}`);
    if (!AS_CLOSE.has(name)) assert.equal(match.suggestions[0], code, `${name}: ${match.suggestions.join()}`);
    assert.ok(match.suggestions.length <= MAX_SUGGESTIONS);
  });
}

test('the 2013 report counted 27 rows: 26 countries and "N/A"', () => {
  assert.equal(Object.keys(REPORT_2013).length, 26);
});

for (const [code, names] of Object.entries(REPORT_2013)) {
  test(`2013 report country ${code} is recognised by the names its respondents would use`, () => {
    for (const name of names) assert.deepEqual(matchCountry(name), { exact: code }, name);
  });
}

const atCountry = (lng = 'en') => play([...setup(lng), choose('public'), choose('no')]);

test('a typing slip at q3 gets a short list to pick from, not a refusal', () => {
  const step = next(flow, atCountry().session, text('Egipt'), 1);
  assert.equal(step.refusal, undefined);
  assert.equal(step.session.step, 'pick');
  const picked = next(flow, step.session, text('1'), 2);
  assert.deepEqual(answerOf(picked.session, 'q3'), { code: 'EG', region: '002', subregion: '015' });
});

test('a country name in a script that matches nothing is refused with an example, nothing stored', () => {
  for (const typed of ['ᚠᚢᚦᚨᚱᚲ', 'Atlantis', '🏳️‍🌈🏳️', 'ꦗꦮ']) {
    for (const lng of flow.languages) {
      const before = atCountry(lng);
      const step = next(flow, before.session, text(typed), 1);
      assert.equal(step.refusal?.code, 'country_unknown', `${typed} in ${lng}`);
      assert.equal(step.session, before.session);
      const message = translator.translatorFor(lng)(step.refusal!.text);
      const example = new Intl.DisplayNames([lng], { type: 'region' }).of('EG')!;
      assert.ok(message.includes(example), `${lng}: an example (${example}) in ${message}`);
    }
  }
});

test('a stored country is read in both shapes: { code, region, subregion } and the bare code of version 1', () => {
  assert.equal(countryCode({ code: 'RU', region: '150', subregion: '151' }), 'RU');
  assert.equal(countryCode('RU'), 'RU');
  assert.equal(countryCode('ru'), null);
  assert.equal(countryCode({ option: 'RU' }), null);
  assert.equal(countryCode(null), null);
});
