import { createHash } from 'node:crypto';
import { referencedColumns, referencedQuestions } from '../engine/condition.ts';
import type { Condition, QuestionType } from '../engine/flow.ts';
import { MAX_BUTTON_IDS } from '../engine/validate.ts';
import { languageCode, splitHeader } from './languages.ts';
import { readType, type RowType } from './types.ts';
import type { Sheet, SheetRow, Workbook } from './workbook.ts';
import { parseXPath, XPathError, type XPathContext } from './xpath.ts';

/** A part of the form, by sheet, row and column, and what became of it. */
export interface Located {
  sheet: string;
  row?: number;
  column?: string;
  message: string;
}

export interface ImportOptions {
  /** Leave out unsupported questions (and whole repeats) instead of refusing the form. */
  skipUnsupported?: boolean;
  /** The language of columns without one (`label`), when the settings do not name it. */
  defaultLanguage?: string;
  /** The flow id when the settings have no form_id (the file's name). */
  fallbackId: string;
}

export interface ImportResult {
  /** The flow definition as plain data, ready for YAML; null when the form is refused. */
  flow: Record<string, unknown> | null;
  /** The flow's texts by language: `<question>.text`, `.hint`, `.options.<id>`... */
  texts: Record<string, Record<string, Record<string, unknown>>>;
  /** Every problem that refuses the form; nothing is written when there is one. */
  problems: Located[];
  /** Parts left out or not used, and names changed into ids. */
  notes: Located[];
  /** The survey row of each question and group id, to place the validator's findings. */
  rows: Map<string, number>;
}

/** Question ids leave room for option ids within a chat button's data (see MAX_BUTTON_IDS). */
export const MAX_QUESTION_ID_IMPORTED = 32;
export const MAX_OPTION_ID_IMPORTED = MAX_BUTTON_IDS - MAX_QUESTION_ID_IMPORTED;

/** Our own columns: what the bot's flows hold that XLSForm has no column for (see export). */
export const BOT_TYPE = 'bot_type';
export const BOT_NOT_APPLICABLE = 'bot_not_applicable';
/** The other parts of our flows that XLSForm has no column for (see export). */
export const BOT_COLUMNS = {
  answers: 'bot_answers',
  links: 'bot_links',
  specify: 'bot_specify',
  noBudgetLine: 'bot_no_budget_line',
  wordingName: 'bot_wording_name',
  wordingRelevant: 'bot_wording_relevant',
  wordingLabel: 'bot_wording_label',
  consentOperator: 'bot_consent_operator',
  consentContact: 'bot_consent_contact',
  consentRetention: 'bot_consent_retention_months',
} as const;
const BOT_TYPES = new Set(['language', 'consent', 'yesno', 'amount', 'country', 'contact']);

const TRANSLATED = new Set(['label', 'hint', 'required_message', 'constraint_message']);
const MEDIA = new Set(['image', 'big-image', 'audio', 'video', 'media']);
const HEADER_ALIASES: Record<string, string> = {
  'list name': 'list_name',
  caption: 'label',
  relevance: 'relevant',
  constraining_message: 'constraint_message',
  'jr:constraintmsg': 'constraint_message',
  'jr:requiredmsg': 'required_message',
  requiredmsg: 'required_message',
  calculate: 'calculation',
  'jr:count': 'repeat_count',
  count: 'repeat_count',
  readonly: 'read_only',
};
/** Columns a chat has no use for: how a web form looks, or what a form app fills in. */
const NOT_USED: Record<string, string> = {
  appearance: 'how a question looks in a form app',
  guidance_hint: 'guidance for interviewers',
  parameters: 'widget parameters',
  default: 'default answers are not filled in',
  read_only: 'read-only questions are asked all the same',
  calculation: 'calculations are not supported',
  trigger: 'triggers are not supported',
  autoplay: 'media is not played in a chat',
  repeat_count: 'repeats are not supported',
  'body::accuracythreshold': 'locations are not supported',
};
const REQUIRED_YES = /^(yes|true|true\(\)|1)$/i;
const REQUIRED_NO = /^(no|false|false\(\)|0)$/i;

/** A form name as a flow id: lower case, a-z 0-9 _, at most `max` characters. */
export function toId(name: string, max: number): string {
  let id = name
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^a-z0-9_]/g, '_')
    .replace(/^_+/, '');
  if (id.length > max || id === '') {
    const hash = createHash('sha256').update(name).digest('hex').slice(0, 4);
    id = `${id.slice(0, max - 5).replace(/_+$/, '') || 'x'}_${hash}`;
  }
  return id;
}

interface Column {
  header: string;
  base: string;
  /** The language code, 'default' for a column without language, null when it has none to tell. */
  language: string | null | 'default';
}

function readColumns(sheet: Sheet, problems: Located[]): Column[] {
  return sheet.headers.map((header) => {
    const whole = HEADER_ALIASES[header.toLowerCase()];
    if (whole) return { header, base: whole, language: 'default' };
    const { base: raw, language } = splitHeader(header);
    const base = HEADER_ALIASES[raw] ?? raw;
    if (language === null) return { header, base, language: 'default' };
    if (!TRANSLATED.has(base) && !MEDIA.has(base) && base !== BOT_COLUMNS.wordingLabel)
      return { header, base: header.toLowerCase(), language: 'default' };
    const code = languageCode(language);
    if (!code && TRANSLATED.has(base)) {
      problems.push({
        sheet: sheet.name,
        column: header,
        message: `the language "${language}" has no code the bot can tell: write it as ${base}::${language} (xx) with its two-letter code`,
      });
    }
    return { header, base, language: code };
  });
}

/** Translated texts of a row for one column base, by language code. */
function translations(
  row: SheetRow,
  columns: Column[],
  base: string,
  defaultLanguage: string,
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const c of columns) {
    if (c.base !== base || c.language === null) continue;
    const value = row.cells[c.header];
    if (!value) continue;
    const lng = c.language === 'default' ? defaultLanguage : c.language;
    // A column with a language wins over the plain one for the same language.
    if (c.language !== 'default' || out[lng] === undefined) out[lng] = value;
  }
  return out;
}

interface Choice {
  row: number;
  name: string;
  id: string;
  labels: Record<string, string>;
  columns: Record<string, string>;
}

interface Item {
  row: SheetRow;
  type: RowType;
  name: string;
  id: string;
  /** The innermost labelled group, for the heading. */
  group?: string;
  /** XPath `relevant` of the enclosing groups, outermost first, with their rows. */
  groupRelevant: { text: string; row: number }[];
  leftOut?: string;
}

/** Reads a workbook into a flow definition and its texts; every problem is collected, not just the first. */
export function importForm(wb: Workbook, opts: ImportOptions): ImportResult {
  const problems: Located[] = [];
  const notes: Located[] = [];
  const rows = new Map<string, number>();
  const refuse = (result: Partial<ImportResult> = {}): ImportResult => ({
    flow: null,
    texts: {},
    problems,
    notes,
    rows,
    ...result,
  });
  const survey = wb.sheets.get('survey');
  if (!survey) {
    const names = [...wb.sheets.values()].map((s) => s.name);
    problems.push({
      sheet: '(workbook)',
      message: `no sheet named "survey"${names.length ? ` (the sheets are: ${names.join(', ')})` : ''}: an XLSForm lists its questions on a sheet called survey`,
    });
    return refuse();
  }
  const choicesSheet = wb.sheets.get('choices');
  const settings = wb.sheets.get('settings')?.rows[0];
  const settingsName = wb.sheets.get('settings')?.name ?? 'settings';
  for (const [key, sheet] of wb.sheets) {
    if (!['survey', 'choices', 'settings'].includes(key)) {
      notes.push({
        sheet: sheet.name,
        message: 'sheet not used (only survey, choices and settings are read)',
      });
    }
  }

  // Settings: the flow id, version and default language.
  const setting = (key: string) =>
    settings?.cells[Object.keys(settings.cells).find((k) => k.toLowerCase() === key) ?? ''];
  const rawId = setting('form_id') ?? setting('id_string');
  const flowId = toId(rawId ?? opts.fallbackId, 40);
  if (!rawId)
    notes.push({ sheet: settingsName, message: `no form_id: the flow is named "${flowId}" after the file` });
  else if (flowId !== rawId)
    notes.push({
      sheet: settingsName,
      column: 'form_id',
      message: `form_id "${rawId}" is stored as "${flowId}"`,
    });
  const rawVersion = setting('version');
  let version = 1;
  if (rawVersion && /^\d{1,9}$/.test(rawVersion) && Number(rawVersion) >= 1) version = Number(rawVersion);
  else if (rawVersion)
    notes.push({
      sheet: settingsName,
      column: 'version',
      message: `version "${rawVersion}" is not a whole number: the flow is version 1`,
    });
  let defaultLanguage = opts.defaultLanguage ?? 'en';
  const rawDefault = setting('default_language');
  if (rawDefault) {
    const code = languageCode(rawDefault);
    if (code) defaultLanguage = code;
    else
      problems.push({
        sheet: settingsName,
        column: 'default_language',
        message: `the language "${rawDefault}" has no code the bot can tell: write it as "${rawDefault} (xx)"`,
      });
  }
  for (const key of Object.keys(settings?.cells ?? {})) {
    if (key.toLowerCase().startsWith('bot_consent_')) continue;
    if (
      !['form_id', 'id_string', 'version', 'default_language', 'allow_choice_duplicates'].includes(
        key.toLowerCase(),
      )
    )
      notes.push({ sheet: settingsName, column: key, message: 'setting not used in a chat' });
  }
  const consent = readConsent(settings?.cells ?? {}, setting);

  const allowDuplicates = REQUIRED_YES.test(setting('allow_choice_duplicates') ?? '');
  const surveyColumns = readColumns(survey, problems);
  const choiceColumns = choicesSheet ? readColumns(choicesSheet, problems) : [];
  const plainLabels = [...surveyColumns, ...choiceColumns].some(
    (c) => TRANSLATED.has(c.base) && c.language === 'default',
  );
  if (plainLabels && !rawDefault && !opts.defaultLanguage) {
    notes.push({
      sheet: survey.name,
      column: 'label',
      message: `columns without a language are taken as English (en): set default_language in the settings, or pass --language`,
    });
  }
  const cell = (row: SheetRow, base: string) => {
    const c = surveyColumns.find((col) => col.base === base && col.language === 'default');
    return c ? row.cells[c.header] : undefined;
  };

  // Columns not used, noted once each with the rows that fill them.
  const known = new Set([
    'type',
    'name',
    'relevant',
    'required',
    'constraint',
    'choice_filter',
    BOT_TYPE,
    BOT_NOT_APPLICABLE,
    BOT_COLUMNS.answers,
    BOT_COLUMNS.links,
    BOT_COLUMNS.specify,
    BOT_COLUMNS.noBudgetLine,
    BOT_COLUMNS.wordingName,
    BOT_COLUMNS.wordingRelevant,
    BOT_COLUMNS.wordingLabel,
    ...TRANSLATED,
  ]);
  for (const c of surveyColumns) {
    if (known.has(c.base) || MEDIA.has(c.base) || c.header.startsWith('$')) continue;
    const filled = survey.rows.filter((r) => r.cells[c.header]).map((r) => r.row);
    if (filled.length === 0) continue;
    const why = NOT_USED[c.base] ?? 'not a column the chat uses';
    notes.push({
      sheet: survey.name,
      column: c.header,
      message: `${why} (${wb.unit}s ${filled.join(', ')})`,
    });
  }

  // Choice lists.
  const lists = new Map<string, Choice[]>();
  if (choicesSheet) {
    for (const row of choicesSheet.rows) {
      const listColumn = choiceColumns.find((c) => c.base === 'list_name');
      const nameColumn = choiceColumns.find((c) => c.base === 'name' || c.base === 'value');
      const list = listColumn ? row.cells[listColumn.header] : undefined;
      const name = nameColumn ? row.cells[nameColumn.header] : undefined;
      if (!list || !name) {
        problems.push({
          sheet: choicesSheet.name,
          row: row.row,
          column: !list ? 'list_name' : 'name',
          message: `a choice needs a list_name and a name`,
        });
        continue;
      }
      const labels = translations(row, choiceColumns, 'label', defaultLanguage);
      const columns: Record<string, string> = {};
      for (const c of choiceColumns) {
        if (['list_name', 'name', 'value', 'label'].includes(c.base) || MEDIA.has(c.base)) continue;
        columns[c.header] = row.cells[c.header] ?? '';
      }
      const choices = lists.get(list) ?? [];
      if (choices.some((c) => c.name === name) && allowDuplicates) {
        notes.push({
          sheet: choicesSheet.name,
          row: row.row,
          column: nameColumn!.header,
          message: `a second choice "${name}" in the list "${list}" is stored as "${toId(`${name}_${row.row}`, MAX_OPTION_ID_IMPORTED)}"`,
        });
      } else if (choices.some((c) => c.name === name)) {
        problems.push({
          sheet: choicesSheet.name,
          row: row.row,
          column: nameColumn!.header,
          message: `duplicate name "${name}" in the choice list "${list}"`,
        });
        continue;
      }
      choices.push({ row: row.row, name, id: '', labels, columns });
      lists.set(list, choices);
    }
  }

  // First pass: every row's kind, id and group; names must be unique across the form.
  const items: Item[] = [];
  const groups: { name: string; id: string; row: number; labelled: boolean; relevant?: string }[] = [];
  const byName = new Map<string, Item>();
  const usedIds = new Map<string, number>();
  const claim = (row: SheetRow, name: string, max: number): string => {
    let id = toId(name, max);
    if (usedIds.has(id)) {
      problems.push({
        sheet: survey.name,
        row: row.row,
        column: 'name',
        message:
          toId(name, max) === name
            ? `duplicate name "${name}" (also ${wb.unit} ${usedIds.get(id)}): a chat keeps one answer per name`
            : `the name "${name}" is stored as "${id}", which ${wb.unit} ${usedIds.get(id)} already uses`,
      });
      id = `${id}_${row.row}`;
    } else if (id !== name) {
      notes.push({
        sheet: survey.name,
        row: row.row,
        column: 'name',
        message: `the name "${name}" is stored as "${id}"`,
      });
    }
    usedIds.set(id, row.row);
    return id;
  };
  let repeatDepth = 0;
  let repeatRow = 0;
  /** Names of the questions inside repeats, with the repeat's row, for references to them. */
  const inRepeats = new Map<string, number>();
  for (const row of survey.rows) {
    const rawType = cell(row, 'type');
    if (!rawType) {
      if (Object.keys(row.cells).some((k) => !k.startsWith('$')))
        problems.push({ sheet: survey.name, row: row.row, column: 'type', message: 'a row without a type' });
      continue;
    }
    const type = readType(rawType);
    if (type.kind === 'begin_repeat') {
      if (repeatDepth++ === 0) repeatRow = row.row;
      if (repeatDepth === 1) {
        const message = 'repeats are not supported: a chat asks each question once';
        if (opts.skipUnsupported)
          notes.push({
            sheet: survey.name,
            row: row.row,
            column: 'type',
            message: `${message}; the repeat and every question in it are left out`,
          });
        else problems.push({ sheet: survey.name, row: row.row, column: 'type', message });
      }
      continue;
    }
    if (type.kind === 'end_repeat') {
      if (repeatDepth === 0)
        problems.push({
          sheet: survey.name,
          row: row.row,
          column: 'type',
          message: 'end repeat without begin repeat',
        });
      else repeatDepth--;
      continue;
    }
    if (repeatDepth > 0) {
      const name = cell(row, 'name');
      if (name) inRepeats.set(name, repeatRow);
      continue;
    }
    if (type.kind === 'end_group') {
      if (!groups.pop())
        problems.push({
          sheet: survey.name,
          row: row.row,
          column: 'type',
          message: 'end group without begin group',
        });
      continue;
    }
    const name = cell(row, 'name');
    if (!name) {
      problems.push({ sheet: survey.name, row: row.row, column: 'name', message: 'a row without a name' });
      continue;
    }
    if (byName.has(name)) {
      problems.push({
        sheet: survey.name,
        row: row.row,
        column: 'name',
        message: `duplicate name "${name}" (also ${wb.unit} ${byName.get(name)!.row.row}): a chat keeps one answer per name`,
      });
      continue;
    }
    if (type.kind === 'begin_group') {
      const labelled = Object.keys(translations(row, surveyColumns, 'label', defaultLanguage)).length > 0;
      const id = claim(row, name, MAX_QUESTION_ID_IMPORTED);
      groups.push({
        name,
        id,
        row: row.row,
        labelled,
        ...(cell(row, 'relevant') ? { relevant: cell(row, 'relevant')! } : {}),
      });
      byName.set(name, { row, type, name, id, groupRelevant: [] });
      rows.set(id, row.row);
      continue;
    }
    const group = [...groups].reverse().find((g) => g.labelled)?.id;
    const item: Item = {
      row,
      type,
      name,
      id: '',
      ...(group ? { group } : {}),
      groupRelevant: groups.filter((g) => g.relevant).map((g) => ({ text: g.relevant!, row: g.row })),
    };
    byName.set(name, item);
    if (type.kind === 'metadata') {
      item.leftOut = 'metadata';
      notes.push({
        sheet: survey.name,
        row: row.row,
        column: 'type',
        message: `"${type.name}" is filled in by form apps, not asked: left out (a response keeps its own start and finish times)`,
      });
      continue;
    }
    const media = surveyColumns.find((c) => MEDIA.has(c.base) && row.cells[c.header]);
    const unsupported =
      type.kind === 'unsupported'
        ? type.what === 'not a question type the chat knows'
          ? `type "${type.name}" is not a question type the chat knows`
          : `type "${type.name}" is not supported in a chat (${type.what})`
        : media
          ? `media in a question (column ${media.header}) cannot be shown in a chat`
          : null;
    if (unsupported) {
      item.leftOut = unsupported;
      if (opts.skipUnsupported)
        notes.push({
          sheet: survey.name,
          row: row.row,
          column: media ? media.header : 'type',
          message: `${unsupported}: left out`,
        });
      else
        problems.push({
          sheet: survey.name,
          row: row.row,
          column: media ? media.header : 'type',
          message: unsupported,
        });
      continue;
    }
    item.id = claim(row, name, MAX_QUESTION_ID_IMPORTED);
    rows.set(item.id, row.row);
    items.push(item);
  }
  for (const g of groups)
    problems.push({
      sheet: survey.name,
      row: g.row,
      column: 'type',
      message: `the group "${g.name}" is never closed (no end group)`,
    });
  if (repeatDepth > 0)
    problems.push({
      sheet: survey.name,
      row: repeatRow,
      column: 'type',
      message: 'the repeat is never closed (no end repeat)',
    });

  // Second pass: each question with its conditions and options.
  const texts: Record<string, Record<string, Record<string, unknown>>> = {};
  const setText = (lng: string, id: string, key: string, value: unknown) => {
    const ns = (texts[lng] ??= {});
    const entry = (ns[id] ??= {});
    entry[key] = value;
  };
  const languagesSeen = new Set<string>([defaultLanguage]);
  for (const c of [...surveyColumns, ...choiceColumns]) {
    if (TRANSLATED.has(c.base) && c.language && c.language !== 'default') languagesSeen.add(c.language);
  }
  const questions: Record<string, unknown>[] = [];
  const left = new Set<string>();
  const resolve: XPathContext['resolve'] = (name) => {
    const item = byName.get(name);
    if (!item || item.leftOut || item.type.kind === 'begin_group' || left.has(name)) return null;
    return { id: item.id, type: questionType(item) };
  };
  let hasLanguageQuestion = false;
  const selects: Selects = { lists, listOf: new Map(), ids: new Map() };
  for (const item of items) {
    const { row } = item;
    const at = (column: string, message: string): Located => ({
      sheet: survey.name,
      row: row.row,
      column,
      message,
    });
    const local: Located[] = [];
    const parse = (column: string, text: string, kind: XPathContext['kind'], at2 = at): Condition | null => {
      try {
        const cond = parseXPath(text, { kind, self: item.id, resolve });
        return kind === 'choice_filter'
          ? cond
          : renameLiterals(cond, (question, name) => optionIdOf(selects, question, name));
      } catch (error) {
        if (!(error instanceof XPathError)) throw error;
        const ref = /^\$\{(.+)\} is not a question of this form$/.exec(error.reason)?.[1];
        const target = ref ? byName.get(ref) : undefined;
        const reason = !target
          ? ref && inRepeats.has(ref)
            ? `reads \${${ref}}, which is left out (in the repeat of ${wb.unit} ${inRepeats.get(ref)})`
            : error.message
          : target.type.kind === 'begin_group'
            ? `\${${ref}} is a group, not a question, at character ${error.position}`
            : `reads \${${ref}}, which is left out (${target.leftOut ?? 'not imported'})`;
        local.push(at2(column, reason));
        return null;
      }
    };
    const botType = cell(row, BOT_TYPE)?.toLowerCase();
    if (botType && !BOT_TYPES.has(botType)) local.push(at(BOT_TYPE, `unknown bot_type "${botType}"`));
    const q: Record<string, unknown> = { id: item.id, type: questionType(item, botType) };
    const labels = translations(row, surveyColumns, 'label', defaultLanguage);
    const isMeta = botType === 'language' || botType === 'consent';
    if (botType === 'language') hasLanguageQuestion = true;

    const conditions = [
      ...item.groupRelevant.map((g) =>
        parse('relevant', g.text, 'relevant', (column, message) => ({
          sheet: survey.name,
          row: g.row,
          column,
          message,
        })),
      ),
      ...(cell(row, 'relevant') ? [parse('relevant', cell(row, 'relevant')!, 'relevant')] : []),
    ];
    const when = conditions.filter((c): c is Condition => c !== null);
    if (when.length === 1) q.when = when[0];
    else if (when.length > 1) q.when = { all: when };

    const required = cell(row, 'required');
    if (required && REQUIRED_YES.test(required)) {
      if (!isMeta) q.required = true;
    } else if (required && !REQUIRED_NO.test(required)) {
      const message = `required "${required}": only yes or no is supported`;
      if (opts.skipUnsupported) notes.push(at('required', `${message}; imported as not required`));
      else local.push(at('required', message));
    }

    const options =
      item.type.kind === 'select' && !botType ? readOptions(item, selects, q, local, at, parse) : null;
    const constraintText = isMeta ? undefined : cell(row, 'constraint');
    let constraint = constraintText ? parse('constraint', constraintText, 'constraint') : null;
    if (options) {
      for (const [lng, values] of Object.entries(options.labels)) setText(lng, item.id, 'options', values);
      if (constraint && q.type === 'multi') {
        const exclusive = exclusiveOptions(constraint, item.id);
        if (exclusive.options.length > 0) {
          q.options = (q.options as string[]).filter((o) => !exclusive.options.includes(o));
          q.exclusive = exclusive.options;
          constraint = exclusive.rest;
        }
      }
    }
    if (constraint && q.type === 'text') {
      const lengths = lengthBounds(constraint, item.id);
      if (lengths.max !== undefined) q.maxLength = lengths.max;
      if (lengths.min !== undefined) q.minLength = lengths.min;
      constraint = lengths.rest;
    }
    if (constraint) q.constraint = constraint;

    if (!isMeta) {
      if (Object.keys(labels).length === 0) local.push(at('label', 'a question without a label'));
      if (Object.values(labels).some((l) => l.includes('${')))
        notes.push(at('label', 'the label names an answer (${...}): a chat shows it as written'));
      for (const [lng, text] of Object.entries(labels)) setText(lng, item.id, 'text', text);
      const hints = q.type === 'amount' ? {} : translations(row, surveyColumns, 'hint', defaultLanguage);
      if (Object.keys(hints).length > 0) q.hint = true;
      for (const [lng, text] of Object.entries(hints)) setText(lng, item.id, 'hint', text);
      const requiredMessages = translations(row, surveyColumns, 'required_message', defaultLanguage);
      if (q.required && Object.keys(requiredMessages).length > 0) {
        q.requiredMessage = true;
        for (const [lng, text] of Object.entries(requiredMessages))
          setText(lng, item.id, 'required_message', text);
      }
      const constraintMessages = translations(row, surveyColumns, 'constraint_message', defaultLanguage);
      if (q.constraint && Object.keys(constraintMessages).length > 0) {
        q.constraintMessage = true;
        for (const [lng, text] of Object.entries(constraintMessages))
          setText(lng, item.id, 'constraint_message', text);
      }
      if (item.group) q.group = item.group;
    }
    if (
      q.type === 'ranking' &&
      cell(row, BOT_NOT_APPLICABLE) &&
      REQUIRED_YES.test(cell(row, BOT_NOT_APPLICABLE)!)
    ) {
      q.notApplicable = true;
    }
    const yes = (column: string) => REQUIRED_YES.test(cell(row, column) ?? '');
    if (q.type === 'ranking' && cell(row, BOT_COLUMNS.specify))
      q.specify = cell(row, BOT_COLUMNS.specify)!.split(/\s+/).filter(Boolean);
    if (q.type === 'amount' && yes(BOT_COLUMNS.noBudgetLine)) q.noBudgetLine = true;
    if (q.type === 'text' && yes(BOT_COLUMNS.links)) q.links = true;
    const answersList = q.type === 'text' ? cell(row, BOT_COLUMNS.answers) : undefined;
    if (answersList) {
      const answers = lists.get(answersList);
      if (!answers) local.push(at(BOT_COLUMNS.answers, `the choice list "${answersList}" is missing`));
      else {
        q.answers = answers.map((c) => c.name);
        const byLanguage: Record<string, Record<string, string>> = {};
        for (const choice of answers)
          for (const [lng, text] of Object.entries(choice.labels))
            (byLanguage[lng] ??= {})[choice.name] = text;
        for (const [lng, values] of Object.entries(byLanguage)) setText(lng, item.id, 'options', values);
      }
    }
    const wordingName = cell(row, BOT_COLUMNS.wordingName);
    const wordingRelevant = cell(row, BOT_COLUMNS.wordingRelevant);
    if (wordingName && wordingRelevant) {
      const when = parse(BOT_COLUMNS.wordingRelevant, wordingRelevant, 'relevant');
      if (when) {
        q.wording = [{ when, text: toId(wordingName, 32) }];
        for (const [lng, text] of Object.entries(
          translations(row, surveyColumns, BOT_COLUMNS.wordingLabel, defaultLanguage),
        ))
          setText(lng, item.id, toId(wordingName, 32), text);
      }
    }

    if (local.length > 0) {
      if (opts.skipUnsupported && local.every((l) => l.message.includes('which is left out'))) {
        for (const l of local) notes.push({ ...l, message: `${l.message}: the question is left out` });
        left.add(item.name);
        item.leftOut = 'reads a question that is left out';
        continue;
      }
      problems.push(...local);
      continue;
    }
    questions.push(q);
  }

  // Group headings: the label of every group a question shows.
  for (const item of byName.values()) {
    if (item.type.kind !== 'begin_group') continue;
    if (!questions.some((q) => q.group === item.id)) continue;
    for (const [lng, text] of Object.entries(
      translations(item.row, surveyColumns, 'label', defaultLanguage),
    )) {
      setText(lng, item.id, 'heading', text);
    }
  }
  for (const lng of Object.keys(texts)) languagesSeen.add(lng);

  if (
    questions.filter((q) => !['language', 'consent'].includes(q.type as string)).length === 0 &&
    problems.length === 0
  ) {
    problems.push({ sheet: survey.name, message: 'no question that a chat can ask' });
  }
  const cycles = findCycles(questions);
  for (const cycle of cycles) {
    problems.push({
      sheet: survey.name,
      row: rows.get(cycle[0]!),
      message: `a cycle of references: ${cycle.map((id) => `\${${id}}`).join(' → ')}`,
    });
  }
  if (problems.length > 0) return refuse({ texts });

  // Languages: those with every text, the default first.
  const ordered = [defaultLanguage, ...[...languagesSeen].filter((l) => l !== defaultLanguage)];
  const complete = ordered.filter((lng) => missingTexts(questions, texts, lng).length === 0);
  if (complete.length === 0) {
    for (const lng of ordered.filter((l) => texts[l])) {
      const missing = missingTexts(questions, texts, lng);
      problems.push({
        sheet: survey.name,
        message: `no language has every text: ${missing.length} missing in ${lng} (${missing.slice(0, 5).join(', ')}${missing.length > 5 ? ', …' : ''})`,
      });
    }
    return refuse({ texts });
  }
  if (complete.length > 1 && !hasLanguageQuestion) {
    const id = usedIds.has('language') ? 'chat_language' : 'language';
    questions.unshift({ id, type: 'language' });
  }
  equalsOnFixedAnswers(questions);
  return {
    flow: { id: flowId, version, languages: complete, ...(consent ? { consent } : {}), questions },
    texts,
    problems,
    notes,
    rows,
  };
}

/**
 * `${q} = 'x'` where x is one of a text question's fixed answers (q9 "no challenges") reads as
 * `{q, equals: x}`, as a flow file writes it: the same test, in the form the bot's flows use.
 */
function equalsOnFixedAnswers(questions: Record<string, unknown>[]): void {
  const fixed = new Map<string, string[]>();
  for (const q of questions)
    if (q.type === 'text' && Array.isArray(q.answers)) fixed.set(q.id as string, q.answers);
  if (fixed.size === 0) return;
  const visit = (cond: Condition): Condition => {
    if (cond.all) return { all: cond.all.map(visit) };
    if (cond.any) return { any: cond.any.map(visit) };
    if (cond.not) return { not: visit(cond.not) };
    const { left, right } = cond;
    if (cond.compare === '=' && left && right && 'q' in left && 'value' in right) {
      if (fixed.get(left.q)?.includes(String(right.value))) return { q: left.q, equals: String(right.value) };
    }
    return cond;
  };
  for (const q of questions) {
    for (const key of ['when', 'constraint', 'choiceFilter'] as const) {
      if (q[key]) q[key] = visit(q[key] as Condition);
    }
    if (Array.isArray(q.wording)) {
      q.wording = (q.wording as { when: Condition; text: string }[]).map((w) => ({
        ...w,
        when: visit(w.when),
      }));
    }
  }
}

/**
 * The consent settings a flow exported by the bot carries (`bot_consent_*` in the settings): who
 * runs the survey (one name, or one per language column), a contact, and the months data are kept.
 */
function readConsent(
  cells: Record<string, string>,
  setting: (key: string) => string | undefined,
): { operator: string | Record<string, string>; contact: string; retentionMonths: number } | null {
  const contact = setting(BOT_COLUMNS.consentContact);
  const months = Number(setting(BOT_COLUMNS.consentRetention));
  if (!contact || !Number.isInteger(months)) return null;
  const perLanguage: Record<string, string> = {};
  for (const [key, value] of Object.entries(cells)) {
    const [base, language] = key.split('::');
    if (base?.toLowerCase() !== BOT_COLUMNS.consentOperator || !language || !value) continue;
    const code = languageCode(language);
    if (code) perLanguage[code] = value;
  }
  const single = setting(BOT_COLUMNS.consentOperator);
  const operator = Object.keys(perLanguage).length > 0 ? perLanguage : single;
  return operator ? { operator, contact, retentionMonths: months } : null;
}

function questionType(item: Item, botType?: string): QuestionType {
  if (botType && BOT_TYPES.has(botType)) return botType as QuestionType;
  if (item.type.kind === 'select' || item.type.kind === 'question') return item.type.type;
  return 'text';
}

/** What the import knows of the select questions read so far: their lists and option ids. */
interface Selects {
  lists: Map<string, Choice[]>;
  /** The list of each select question, by question id. */
  listOf: Map<string, string>;
  /** Choice name → option id, by question id. */
  ids: Map<string, Map<string, string>>;
}

/** A choice name as the option id a question stores (names of other questions stay as written). */
function optionIdOf(selects: Selects, question: string, name: string): string {
  return selects.ids.get(question)?.get(name) ?? name;
}

/** Options of a select, its "or other", a rank of another question's picks, and its choice filter. */
function readOptions(
  item: Item,
  selects: Selects,
  q: Record<string, unknown>,
  local: Located[],
  at: (column: string, message: string) => Located,
  parse: (column: string, text: string, kind: XPathContext['kind']) => Condition | null,
): { labels: Record<string, Record<string, string>>; idOf: (name: string) => string } | null {
  const type = item.type as Extract<RowType, { kind: 'select' }>;
  const choices = selects.lists.get(type.list);
  if (!choices) {
    local.push(at('type', `the choice list "${type.list}" is not on the choices sheet`));
    return null;
  }
  const ids = new Map<string, string>();
  const byRow = new Map<number, string>();
  const used = new Set<string>();
  for (const c of choices) {
    if (type.orOther && c.name === 'other') continue;
    // "other" names our own "other, please specify" step; a form's own choice "other" keeps its place.
    let id = c.name === 'other' ? 'other_choice' : toId(c.name, MAX_OPTION_ID_IMPORTED);
    if (used.has(id)) id = toId(`${c.name}_${c.row}`, MAX_OPTION_ID_IMPORTED);
    used.add(id);
    if (!ids.has(c.name)) ids.set(c.name, id);
    byRow.set(c.row, id);
  }
  if (type.orOther) ids.set('other', 'other');
  selects.ids.set(item.id, ids);
  selects.listOf.set(item.id, type.list);
  const idOf = (name: string) => ids.get(name) ?? name;
  const labels: Record<string, Record<string, string>> = {};
  for (const c of choices) {
    const id = byRow.get(c.row);
    if (!id || id === 'other') continue;
    if (Object.keys(c.labels).length === 0) {
      local.push({
        sheet: 'choices',
        row: c.row,
        column: 'label',
        message: `the choice "${c.name}" of list "${type.list}" has no label`,
      });
    }
    for (const [lng, label] of Object.entries(c.labels)) (labels[lng] ??= {})[id] = label;
  }
  const optionIds = [...byRow.values()];
  const filterColumn = Object.keys(item.row.cells).find((k) => k.toLowerCase() === 'choice_filter');
  const parsed = filterColumn ? parse('choice_filter', item.row.cells[filterColumn]!, 'choice_filter') : null;
  const filter = parsed
    ? renameLiterals(parsed, (question, name) => optionIdOf(selects, question, name))
    : null;
  if (type.type === 'ranking') {
    // Ranking the picks of an earlier question over the same list: the flow's itemsFrom.
    const source =
      filter?.selected !== undefined &&
      filter.option &&
      'column' in filter.option &&
      filter.option.column === 'name'
        ? filter.selected
        : null;
    if (source && selects.listOf.get(source) === type.list) {
      q.itemsFrom = source;
      return { labels: {}, idOf };
    }
    q.items = optionIds;
  } else {
    q.options = optionIds;
    if (type.orOther) q.other = true;
  }
  if (filter) {
    q.choiceFilter = filter;
    const columns = [...new Set(referencedColumns(filter))].filter((c) => c !== 'name');
    const compared = columnsComparedWith(filter);
    const data: Record<string, Record<string, string>> = {};
    for (const c of choices) {
      const id = byRow.get(c.row);
      if (!id || columns.length === 0) continue;
      const row: Record<string, string> = {};
      for (const column of columns) {
        if (!(column in c.columns)) {
          local.push(
            at(
              'choice_filter',
              `the choice filter reads "${column}", which is not a column of the choices sheet`,
            ),
          );
          return null;
        }
        // A column compared with a select answer holds that question's choice names: stored as its ids.
        const other = compared.get(column);
        row[column] = other ? optionIdOf(selects, other, c.columns[column]!) : c.columns[column]!;
      }
      data[id] = row;
    }
    if (columns.length > 0) q.optionData = data;
  }
  if (optionIds.length < 2) {
    local.push(
      at(
        'type',
        `the choice list "${type.list}" has ${optionIds.length} choice(s); a question needs at least 2`,
      ),
    );
  }
  return { labels, idOf };
}

/** Option names in conditions become option ids, as the answers hold them. */
function renameLiterals(cond: Condition, idOf: (question: string, name: string) => string): Condition {
  const rename = (c: Condition) => renameLiterals(c, idOf);
  if (cond.all) return { all: cond.all.map(rename) };
  if (cond.any) return { any: cond.any.map(rename) };
  if (cond.not) return { not: rename(cond.not) };
  if (cond.q !== undefined && cond.equals !== undefined)
    return { q: cond.q, equals: idOf(cond.q, cond.equals) };
  if (cond.q !== undefined && cond.selectedAny) {
    return { q: cond.q, selectedAny: cond.selectedAny.map((o) => idOf(cond.q!, o)) };
  }
  if (cond.selected !== undefined && cond.option && 'value' in cond.option) {
    return { selected: cond.selected, option: { value: idOf(cond.selected, String(cond.option.value)) } };
  }
  if (cond.compare && cond.left && cond.right) {
    const [left, right] = [cond.left, cond.right];
    if ('q' in left && 'value' in right && typeof right.value === 'string')
      return { ...cond, right: { value: idOf(left.q, right.value) } };
    if ('q' in right && 'value' in left && typeof left.value === 'string')
      return { ...cond, left: { value: idOf(right.q, left.value) } };
  }
  return cond;
}

/** Choice columns a filter compares with a select question's answer, and that question. */
function columnsComparedWith(cond: Condition): Map<string, string> {
  const out = new Map<string, string>();
  for (const c of [...(cond.all ?? []), ...(cond.any ?? []), ...(cond.not ? [cond.not] : [])]) {
    for (const [k, v] of columnsComparedWith(c)) out.set(k, v);
  }
  const [l, r] = [cond.left, cond.right];
  if (l && r && 'column' in l && 'q' in r) out.set(l.column, r.q);
  if (l && r && 'column' in r && 'q' in l) out.set(r.column, l.q);
  return out;
}

/**
 * `not(selected(., 'none') and count-selected(.) > 1)`, the usual XLSForm way to make a choice
 * exclusive, read as the flow's `exclusive`; the rest of the constraint stays a constraint.
 */
function exclusiveOptions(cond: Condition, self: string): { options: string[]; rest: Condition | null } {
  const parts = cond.all ?? [cond];
  const options: string[] = [];
  const rest: Condition[] = [];
  for (const part of parts) {
    const inner = part.not?.all;
    const selected = inner?.find((c) => c.q === self && c.selectedAny?.length === 1);
    const counted = inner?.find(
      (c) =>
        c.compare === '>' &&
        c.left &&
        'countSelected' in c.left &&
        c.left.countSelected === self &&
        c.right &&
        'value' in c.right &&
        c.right.value === 1,
    );
    if (inner?.length === 2 && selected && counted) options.push(selected.selectedAny![0]!);
    else rest.push(part);
  }
  return { options, rest: rest.length === 0 ? null : rest.length === 1 ? rest[0]! : { all: rest } };
}

/** `string-length(.) <= N` and `>= N` on a text, read as its length limits. */
function lengthBounds(cond: Condition, self: string): { min?: number; max?: number; rest: Condition | null } {
  const parts = cond.all ?? [cond];
  const out: { min?: number; max?: number } = {};
  const rest: Condition[] = [];
  for (const part of parts) {
    const left = part.left;
    const n = part.right && 'value' in part.right ? part.right.value : undefined;
    const ofSelf = left && 'length' in left && 'q' in left.length && left.length.q === self;
    if (ofSelf && typeof n === 'number' && Number.isInteger(n)) {
      if (part.compare === '<=' && n >= 1 && n <= 3500 && out.max === undefined) {
        out.max = n;
        continue;
      }
      if (part.compare === '>=' && n >= 1 && out.min === undefined) {
        out.min = n;
        continue;
      }
    }
    rest.push(part);
  }
  return { ...out, rest: rest.length === 0 ? null : rest.length === 1 ? rest[0]! : { all: rest } };
}

/** The text keys a question needs, as the validator requires them. */
function missingTexts(
  questions: Record<string, unknown>[],
  texts: ImportResult['texts'],
  lng: string,
): string[] {
  const ns = texts[lng] ?? {};
  const missing: string[] = [];
  const has = (id: string, key: string, sub?: string) => {
    const entry = ns[id]?.[key];
    const value = sub === undefined ? entry : (entry as Record<string, string> | undefined)?.[sub];
    return typeof value === 'string' && value.trim() !== '';
  };
  for (const q of questions) {
    const id = q.id as string;
    if (['language', 'consent'].includes(q.type as string)) continue;
    if (!has(id, 'text')) missing.push(`${id}.text`);
    if (q.hint && !has(id, 'hint')) missing.push(`${id}.hint`);
    if (q.requiredMessage && !has(id, 'required_message')) missing.push(`${id}.required_message`);
    if (q.constraintMessage && !has(id, 'constraint_message')) missing.push(`${id}.constraint_message`);
    for (const o of [...((q.options ?? q.items ?? []) as string[]), ...((q.exclusive ?? []) as string[])]) {
      if (!has(id, 'options', o)) missing.push(`${id}.options.${o}`);
    }
    if (q.group && !has(q.group as string, 'heading')) missing.push(`${q.group}.heading`);
  }
  return [...new Set(missing)];
}

/** Cycles among the questions' references (relevant, constraint, choice filter), each once. */
function findCycles(questions: Record<string, unknown>[]): string[][] {
  const edges = new Map<string, string[]>();
  for (const q of questions) {
    const id = q.id as string;
    const read = (c: unknown) => (c ? referencedQuestions(c as Condition) : []);
    // A constraint reads its own answer; a relevant or a filter reading itself is a cycle.
    const refs = [...read(q.when), ...read(q.choiceFilter), ...read(q.constraint).filter((r) => r !== id)];
    edges.set(id, [...new Set(refs)]);
  }
  const cycles: string[][] = [];
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const visit = (id: string) => {
    state.set(id, 'open');
    stack.push(id);
    for (const next of edges.get(id) ?? []) {
      if (!edges.has(next)) continue;
      if (state.get(next) === 'open') cycles.push([...stack.slice(stack.indexOf(next)), next]);
      else if (!state.has(next)) visit(next);
    }
    stack.pop();
    state.set(id, 'done');
  };
  for (const id of edges.keys()) if (!state.has(id)) visit(id);
  return cycles;
}
