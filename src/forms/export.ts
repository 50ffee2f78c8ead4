import countries from 'i18n-iso-countries';
import ExcelJS from 'exceljs';
import '../engine/country.ts';
import { META_TYPES, type Condition, type Flow, type Question } from '../engine/flow.ts';
import type { Translator } from '../i18n/translator.ts';
import { BOT_COLUMNS, BOT_NOT_APPLICABLE, BOT_TYPE } from './import.ts';
import { languageColumn } from './languages.ts';
import { writeXPath } from './xpath-write.ts';

type Row = Record<string, string>;

/** The sheets of an XLSForm, as rows of named cells. */
export interface FormSheets {
  survey: Row[];
  choices: Row[];
  settings: Row[];
}

/**
 * A flow as an XLSForm that pyxform and ODK/KoboToolbox accept. Our own question types become the
 * nearest XLSForm type plus a `bot_type` column, which `import-form` reads back to the same flow:
 * language, consent, yes/no and contact a select_one; amount a text; country a select_one over the
 * ISO 3166 codes; a ranking of an earlier question's picks a rank over that question's list with
 * `choice_filter: selected(${q}, name)`; an exclusive option ("none") the usual constraint
 * `not(selected(., 'none') and count-selected(.) > 1)`; text length limits `string-length(.)`.
 * What XLSForm has no column for at all goes in `bot_*` columns (BOT_COLUMNS): a text question's
 * fixed answers (a choice list) and links, a ranking's "please specify" items, an amount's "no
 * budget line", another wording of a question while a condition holds, and the consent settings.
 */
export function formSheets(flow: Flow, translator: Translator): FormSheets {
  const languages = flow.languages;
  // The texts as written: a form holds what the locale files hold, without the chat's bidi isolates.
  const ts = languages.map(
    (lng) => [languageColumn(lng), translator.translatorFor(lng, { isolate: false })] as const,
  );
  const texts = (key: string, column: string, params?: Record<string, string>): Row =>
    Object.fromEntries(
      ts.map(([name, t]) => [`${column}::${name}`, t({ key, ...(params ? { params } : {}) })]),
    );
  const own = (q: Question | { id: string }, suffix: string) => `${flow.ns}:${q.id}.${suffix}`;
  const typeOf = (id: string) => flow.questions.find((q) => q.id === id)?.type;
  const survey: Row[] = [];
  const choices: Row[] = [];
  const listsWritten = new Set<string>();
  const list = (
    name: string,
    items: { name: string; label: string; params?: Record<string, string>; extra?: Row }[],
  ) => {
    if (listsWritten.has(name)) return;
    listsWritten.add(name);
    for (const item of items) {
      choices.push({
        list_name: name,
        name: item.name,
        ...texts(item.label, 'label', item.params),
        ...item.extra,
      });
    }
  };
  const yesNo = (name: string, yes: string, no: string) =>
    list(name, [
      { name: 'yes', label: yes },
      { name: 'no', label: no },
    ]);

  let group: string | undefined;
  for (const q of flow.questions) {
    if (q.group !== group) {
      if (group) survey.push({ type: 'end_group' });
      if (q.group)
        survey.push({
          type: 'begin_group',
          name: q.group,
          ...texts(`${flow.ns}:${q.group}.heading`, 'label'),
        });
      group = q.group;
    }
    const row: Row = { name: q.id };
    if (q.when) row.relevant = writeXPath(q.when, { typeOf });
    const constraints: Condition[] = q.constraint ? [q.constraint] : [];
    const label = () => Object.assign(row, texts(own(q, 'text'), 'label'));
    switch (q.type) {
      case 'language':
        row.type = 'select_one bot_languages';
        row[BOT_TYPE] = 'language';
        row.required = 'yes';
        Object.assign(row, texts('common:language.text', 'label'));
        list(
          'bot_languages',
          languages.map((code) => ({ name: code, label: 'common:language.option', params: { code } })),
        );
        break;
      case 'consent':
        row.type = 'select_one bot_consent';
        row[BOT_TYPE] = 'consent';
        row.required = 'yes';
        // In a form app "no" cannot end the form, so the form cannot go on without "yes".
        row.constraint = ". = 'yes'";
        Object.assign(row, texts('common:consent.text', 'label'));
        yesNo('bot_consent', 'common:consent.yes', 'common:consent.no');
        break;
      case 'yesno':
      case 'contact':
        row.type = 'select_one bot_yes_no';
        row[BOT_TYPE] = q.type;
        label();
        yesNo('bot_yes_no', 'common:answer.yes', 'common:answer.no');
        break;
      case 'amount':
        row.type = 'text';
        row[BOT_TYPE] = 'amount';
        label();
        Object.assign(row, texts('common:amount.hint', 'hint'));
        break;
      case 'country':
        row.type = 'select_one bot_countries';
        row[BOT_TYPE] = 'country';
        row.appearance = 'autocomplete';
        label();
        list(
          'bot_countries',
          Object.keys(countries.getAlpha2Codes()).map((code) => ({
            name: code,
            label: 'common:country.option',
            params: { code },
          })),
        );
        break;
      case 'single':
      case 'multi': {
        row.type = `${q.type === 'single' ? 'select_one' : 'select_multiple'} ${q.id}${q.other ? ' or_other' : ''}`;
        label();
        const exclusive = q.type === 'multi' ? q.exclusive : [];
        list(
          q.id,
          [...q.options, ...exclusive].map((o) => ({
            name: o,
            label: own(q, `options.${o}`),
            ...(q.optionData?.[o] ? { extra: q.optionData[o] } : {}),
          })),
        );
        for (const o of exclusive) {
          constraints.push({
            not: {
              all: [
                { q: q.id, selectedAny: [o] },
                { compare: '>', left: { countSelected: q.id }, right: { value: 1 } },
              ],
            },
          });
        }
        if (q.choiceFilter) row.choice_filter = writeXPath(q.choiceFilter, { typeOf });
        break;
      }
      case 'ranking':
        label();
        if (q.itemsFrom) {
          row.type = `rank ${q.itemsFrom}`;
          row.choice_filter = `selected(\${${q.itemsFrom}}, name)`;
        } else {
          row.type = `rank ${q.id}`;
          list(
            q.id,
            (q.items ?? []).map((o) => ({
              name: o,
              label: own(q, `options.${o}`),
              ...(q.optionData?.[o] ? { extra: q.optionData[o] } : {}),
            })),
          );
          if (q.choiceFilter) row.choice_filter = writeXPath(q.choiceFilter, { typeOf });
        }
        if (q.notApplicable) row[BOT_NOT_APPLICABLE] = 'yes';
        break;
      case 'text':
        row.type = 'text';
        label();
        constraints.push({ compare: '<=', left: { length: { q: q.id } }, right: { value: q.maxLength } });
        if (q.minLength !== 1)
          constraints.push({ compare: '>=', left: { length: { q: q.id } }, right: { value: q.minLength } });
        break;
      default:
        row.type = q.type;
        label();
    }
    if (!META_TYPES.has(q.type)) {
      if (q.required) row.required = 'yes';
      if (q.requiredMessage) Object.assign(row, texts(own(q, 'required_message'), 'required_message'));
      if (q.hint) Object.assign(row, texts(own(q, 'hint'), 'hint'));
      if (constraints.length > 0) {
        const all = constraints.length === 1 ? constraints[0]! : { all: constraints };
        row.constraint = writeXPath(all, { self: q.id, typeOf });
      }
      if (q.constraintMessage) Object.assign(row, texts(own(q, 'constraint_message'), 'constraint_message'));
    }
    if (q.wording.length > 1) throw new Error(`${q.id}: an XLSForm holds one other wording per question`);
    for (const w of q.wording) {
      row[BOT_COLUMNS.wordingName] = w.text;
      row[BOT_COLUMNS.wordingRelevant] = writeXPath(w.when, { typeOf });
      Object.assign(row, texts(own(q, w.text), BOT_COLUMNS.wordingLabel));
    }
    if (q.type === 'text' && q.answers.length > 0) {
      const name = `bot_answers_${q.id}`;
      row[BOT_COLUMNS.answers] = name;
      list(
        name,
        q.answers.map((o) => ({ name: o, label: own(q, `options.${o}`) })),
      );
    }
    if (q.type === 'text' && q.links) row[BOT_COLUMNS.links] = 'yes';
    if (q.type === 'ranking' && q.specify.length > 0) row[BOT_COLUMNS.specify] = q.specify.join(' ');
    if (q.type === 'amount' && q.noBudgetLine) row[BOT_COLUMNS.noBudgetLine] = 'yes';
    survey.push(row);
  }
  if (group) survey.push({ type: 'end_group' });
  const consent: Row = {};
  if (flow.consent) {
    const { operator, contact, retentionMonths } = flow.consent;
    if (typeof operator === 'string') consent[BOT_COLUMNS.consentOperator] = operator;
    else
      for (const [lng, name] of Object.entries(operator))
        consent[`${BOT_COLUMNS.consentOperator}::${languageColumn(lng)}`] = name;
    consent[BOT_COLUMNS.consentContact] = contact;
    consent[BOT_COLUMNS.consentRetention] = String(retentionMonths);
  }
  const settings = [
    {
      form_id: flow.id,
      version: String(flow.version),
      default_language: languageColumn(languages[0]!),
      ...consent,
    },
  ];
  return { survey, choices, settings };
}

/** Writes the flow as an .xlsx XLSForm. */
export async function writeXlsForm(flow: Flow, translator: Translator, path: string): Promise<void> {
  const sheets = formSheets(flow, translator);
  const workbook = new ExcelJS.Workbook();
  for (const [name, rows] of Object.entries(sheets) as [keyof FormSheets, Row[]][]) {
    const headers = [...new Set(rows.flatMap((r) => Object.keys(r)))];
    // type and name first, as people read forms; the rest in the order they first appear.
    headers.sort((a, b) => rank(a) - rank(b));
    const sheet = workbook.addWorksheet(name);
    sheet.addRow(headers);
    for (const row of rows) sheet.addRow(headers.map((h) => row[h] ?? ''));
  }
  await workbook.xlsx.writeFile(path);
}

const FIRST = ['type', 'list_name', 'name', 'form_id'];
function rank(header: string): number {
  const i = FIRST.indexOf(header);
  if (i >= 0) return i;
  if (header.startsWith('label')) return 10;
  if (header.startsWith(BOT_TYPE.slice(0, 4))) return 90;
  return 50;
}
