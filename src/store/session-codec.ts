import { regionOf } from '../engine/regions.ts';
import { SESSION_SCHEMA_VERSION, parseSession, type Answer, type Session } from '../engine/session.ts';

/**
 * A compact text for a session at rest (Redis keeps one per unfinished respondent, so its size is
 * the store's size): a JSON array by position instead of an object by name, no defaults written,
 * nothing stored twice (the answer order is the path, the channel and chat are in the key, a
 * country's regions follow from its code), short names inside answers and meta, ids in base64.
 * `decodeSession` also reads the plain JSON of every earlier schema, so stored sessions go on.
 */
const FORMAT = 3;
const STATUS = ['active', 'completed', 'withdrawn'] as const;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const HEX32 = /^[0-9a-f]{32}$/;
/** Update ids as Telegram sends them: kept as numbers (deltas) when they read back the same. */
const COUNTER = /^(0|[1-9]\d{0,14})$/;

/** Names inside answer values and meta, and their short forms (unknown names get a `_` in front). */
const VALUE_NAMES = {
  option: 'o',
  options: 'O',
  order: 'r',
  na: 'n',
  other: 't',
  otherDeclined: 'd',
  amount: 'a',
  currency: 'c',
  dontKnow: 'k',
  noBudgetLine: 'b',
  code: 'C',
  region: 'R',
  subregion: 'S',
  intermediate: 'I',
  text: 'x',
  links: 'l',
  agreed: 'g',
  name: 'm',
  email: 'e',
  viaChat: 'v',
  language: 'L',
} as const;
const META_NAMES = {
  channel: 'c',
  respondent: 'r',
  chat: 'h',
  invitation: 'i',
  unreachable: 'u',
  unreachableAt: 'a',
} as const;
/** A country whose regions are those of its code: only the code is kept. */
const COUNTRY = 'K';
/** A respondent pseudonym (32 hex digits) kept as 22 base64url characters. */
const RESPONDENT_B64 = 'R';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

function shorten(names: Record<string, string>, value: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, v] of Object.entries(value)) out[names[name] ?? `_${name}`] = v;
  return out;
}

function lengthen(names: Record<string, string>, value: Record<string, unknown>): Record<string, unknown> {
  const long = Object.fromEntries(Object.entries(names).map(([name, short]) => [short, name]));
  const out: Record<string, unknown> = {};
  for (const [short, v] of Object.entries(value)) {
    const name = short.startsWith('_') ? short.slice(1) : long[short];
    if (name === undefined) throw new Error(`unknown short name ${short}`);
    out[name] = v;
  }
  return out;
}

const isPlain = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** A declined answer is 0; a string or object value is itself (objects with short names); others are wrapped. */
function encodeAnswer(answer: Answer): unknown {
  if (answer.status === 'declined') return 0;
  const { value } = answer;
  if (answer.auto) return [value, 1];
  if (typeof value === 'string') return value;
  if (!isPlain(value)) return [value];
  if (typeof value.code === 'string') {
    const derived = { code: value.code, ...regionOf(value.code) };
    if (JSON.stringify(derived) === JSON.stringify(value)) return { [COUNTRY]: value.code };
  }
  return shorten(VALUE_NAMES, value);
}

function decodeAnswer(encoded: unknown): Answer {
  if (encoded === 0) return { status: 'declined' };
  if (Array.isArray(encoded))
    return encoded[1] === 1
      ? { status: 'answered', value: encoded[0], auto: true }
      : { status: 'answered', value: encoded[0] };
  if (isPlain(encoded)) {
    const code = encoded[COUNTRY];
    if (typeof code === 'string') return { status: 'answered', value: { code, ...regionOf(code) } };
    return { status: 'answered', value: lengthen(VALUE_NAMES, encoded) };
  }
  return { status: 'answered', value: encoded };
}

/** The channel and user a session key names (`<channel>:<user>`). */
function keyParts(key: string | undefined): { channel?: string; user?: string } {
  const at = key?.indexOf(':') ?? -1;
  return at > 0 ? { channel: key!.slice(0, at), user: key!.slice(at + 1) } : {};
}

function encodeMeta(meta: Record<string, string>, key: string | undefined): Record<string, string> {
  const { channel, user } = keyParts(key);
  const kept: Record<string, string> = {};
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(meta)) {
    // Named by the key already: restored from it.
    if ((name === 'channel' && value === channel) || (name === 'chat' && value === user)) continue;
    if (name === 'respondent' && HEX32.test(value))
      out[RESPONDENT_B64] = Buffer.from(value, 'hex').toString('base64url');
    else kept[name] = value;
  }
  const named = shorten(META_NAMES, kept) as Record<string, string>;
  const flags =
    ('channel' in meta && !('channel' in kept) ? 1 : 0) | ('chat' in meta && !('chat' in kept) ? 2 : 0);
  return { ...named, ...out, ...(flags ? { '': String(flags) } : {}) };
}

function decodeMeta(encoded: Record<string, string>, key: string | undefined): Record<string, string> {
  const { channel, user } = keyParts(key);
  const { '': flagText, [RESPONDENT_B64]: respondent, ...named } = encoded;
  const flags = Number(flagText ?? 0);
  if (flags && channel === undefined) throw new Error('meta refers to a key it was not given');
  return {
    ...(flags & 1 ? { channel: channel! } : {}),
    ...(respondent !== undefined ? { respondent: Buffer.from(respondent, 'base64url').toString('hex') } : {}),
    ...(flags & 2 ? { chat: user! } : {}),
    ...(lengthen(META_NAMES, named) as Record<string, string>),
  };
}

function encodeId(id: string): string {
  return UUID.test(id) ? `~${Buffer.from(id.replaceAll('-', ''), 'hex').toString('base64url')}` : id;
}

function decodeId(text: string): string {
  if (!text.startsWith('~')) return text;
  const hex = Buffer.from(text.slice(1), 'base64url').toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** Numeric event ids as the first and the differences after it; others as they are. */
function encodeApplied(applied: string[]): (number | string)[] {
  if (!applied.every((id) => COUNTER.test(id))) return applied;
  return applied.map((id, i) => (i === 0 ? Number(id) : Number(id) - Number(applied[i - 1])));
}

function decodeApplied(encoded: (number | string)[]): string[] {
  let at = 0;
  return encoded.map((v) => (typeof v === 'number' ? String((at += v)) : v));
}

const sameList = (a: readonly string[], b: readonly string[]) =>
  a.length === b.length && a.every((v, i) => v === b[i]);

/** The session as compact text; `key` is its store key (`<channel>:<user>`), which the text leans on. */
export function encodeSession(session: Session, key?: string): string {
  const order = Object.keys(session.answers);
  const durationKeys = Object.keys(session.durations);
  const fields: Json[] = [
    FORMAT,
    encodeId(session.id),
    session.flowId,
    session.flowVersion,
    session.locale,
    STATUS.indexOf(session.status),
    session.current,
    session.step,
    session.draft as Json,
    Object.fromEntries(Object.entries(session.answers).map(([q, a]) => [q, encodeAnswer(a)])) as Json,
    sameList(session.path, order) ? 0 : session.path,
    session.version,
    session.startedAt,
    session.updatedAt - session.startedAt,
    session.promptedAt - session.updatedAt,
    sameList(durationKeys, order) ? Object.values(session.durations) : session.durations,
    encodeMeta(session.meta, key),
    encodeApplied(session.applied),
  ];
  return JSON.stringify(fields);
}

/**
 * A stored session: compact text (`encodeSession`) or the plain JSON of any schema (migrated).
 * Null when it cannot be read, so the caller replaces it.
 */
export function decodeSession(text: string, key?: string): Session | null {
  try {
    const data = JSON.parse(text) as unknown;
    if (!Array.isArray(data)) return parseSession(data);
    if (data[0] !== FORMAT) return null;
    const [, id, flowId, flowVersion, locale, status, current, step, draft, answers, path, version] = data;
    const [startedAt, sinceStart, sinceUpdate, durations, meta, applied] = data.slice(12);
    const decoded = Object.fromEntries(
      Object.entries(answers as Record<string, unknown>).map(([q, a]) => [q, decodeAnswer(a)]),
    );
    const order = Object.keys(decoded);
    return parseSession({
      schema: SESSION_SCHEMA_VERSION,
      id: decodeId(id),
      flowId,
      flowVersion,
      locale,
      status: STATUS[status as number],
      current,
      step,
      draft,
      answers: decoded,
      path: path === 0 ? order : path,
      version,
      startedAt,
      updatedAt: startedAt + sinceStart,
      promptedAt: startedAt + sinceStart + sinceUpdate,
      durations: Array.isArray(durations)
        ? Object.fromEntries(durations.map((ms: number, i: number) => [order[i], ms]))
        : durations,
      meta: decodeMeta(meta, key),
      applied: decodeApplied(applied),
    });
  } catch {
    return null;
  }
}
