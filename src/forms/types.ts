/** What the `type` column of a survey row says, read as pyxform reads its aliases. */
export type RowType =
  | { kind: 'question'; type: 'text' | 'integer' | 'decimal' | 'date' | 'note' | 'acknowledge' }
  | { kind: 'select'; type: 'single' | 'multi' | 'ranking'; list: string; orOther: boolean }
  | { kind: 'begin_group' | 'end_group' | 'begin_repeat' | 'end_repeat' }
  /** Filled in by the form app (start time, device...): nothing to ask in a chat. */
  | { kind: 'metadata'; name: string }
  /** `what` says what the type is, for the message: "locations", "media"... */
  | { kind: 'unsupported'; name: string; what: string };

const SIMPLE: Record<string, 'text' | 'integer' | 'decimal' | 'date' | 'note' | 'acknowledge'> = {
  text: 'text',
  string: 'text',
  integer: 'integer',
  int: 'integer',
  decimal: 'decimal',
  date: 'date',
  note: 'note',
  acknowledge: 'acknowledge',
  trigger: 'acknowledge',
  // pyxform's older aliases.
  'add text prompt': 'text',
  'q string': 'text',
  'phone number': 'text',
  'add integer prompt': 'integer',
  'q int': 'integer',
  'add decimal prompt': 'decimal',
  'q decimal': 'decimal',
  'add date prompt': 'date',
  'q date': 'date',
  'add note prompt': 'note',
  'q note': 'note',
  'add acknowledge prompt': 'acknowledge',
  'q acknowledge': 'acknowledge',
};

const METADATA = new Set([
  'start',
  'end',
  'today',
  'deviceid',
  'imei',
  'subscriberid',
  'simserial',
  'phonenumber',
  'username',
  'email',
  'audit',
  'instanceid',
  'start-geopoint',
  'start time',
  'end time',
  'get start time',
  'get end time',
  'get today',
  'device id',
  'get device id',
  'subscriber id',
  'get subscriber id',
  'sim id',
  'get sim id',
  'get phone number',
]);

const UNSUPPORTED: Record<string, string> = {
  calculate: 'calculations',
  hidden: 'hidden values',
  geopoint: 'locations',
  geotrace: 'locations',
  geoshape: 'locations',
  image: 'media',
  photo: 'media',
  audio: 'media',
  video: 'media',
  file: 'media',
  'background-audio': 'media',
  signature: 'media',
  barcode: 'barcodes',
  time: 'times of day',
  datetime: 'date and time answers',
  datetime_: 'date and time answers',
  range: 'ranges',
  'xml-external': 'external data',
  'csv-external': 'external data',
};

const SELECT =
  /^(select_one|select one|select1|select_multiple|select all that apply|select_multiple|rank)(?: from)? (\S+)(?: (or_other|or specify other))?$/;

export function readType(raw: string): RowType {
  const t = raw.trim().toLowerCase().replace(/\s+/g, ' ');
  if (/^begin[ _](group)$/.test(t)) return { kind: 'begin_group' };
  if (/^end[ _](group)$/.test(t)) return { kind: 'end_group' };
  if (/^begin[ _](repeat|loop|looped group)\b/.test(t)) return { kind: 'begin_repeat' };
  if (/^end[ _](repeat|loop|looped group)$/.test(t)) return { kind: 'end_repeat' };
  if (SIMPLE[t]) return { kind: 'question', type: SIMPLE[t] };
  if (METADATA.has(t) || t.startsWith('uri:')) return { kind: 'metadata', name: t };
  if (/^select[_ ](one|multiple)[_ ]from[_ ]file\b/.test(t) || /^select_one_external\b/.test(t)) {
    return { kind: 'unsupported', name: t, what: 'choices from a file' };
  }
  const select = SELECT.exec(t);
  if (select) {
    const [, kind, list, other] = select;
    const type = kind === 'rank' ? 'ranking' : /one|select1/.test(kind!) ? 'single' : 'multi';
    // List names keep their case: pyxform matches them exactly.
    const original = raw.trim().split(/\s+/);
    const listName = original.find((w) => w.toLowerCase() === list) ?? list!;
    return { kind: 'select', type, list: listName, orOther: Boolean(other) };
  }
  return { kind: 'unsupported', name: t, what: UNSUPPORTED[t] ?? 'not a question type the chat knows' };
}
