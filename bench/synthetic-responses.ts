import { evaluate } from '../src/engine/condition.ts';
import { META_TYPES, questionAt, type Flow, type Question } from '../src/engine/flow.ts';
import { regionOf } from '../src/engine/regions.ts';
import type { Answer, MultiValue } from '../src/engine/session.ts';
import type { ResponseRecord } from '../src/store/response-store.ts';

/**
 * Synthetic responses for benchmarks: every question of the flow answered as a respondent could
 * (conditions evaluated, declines, unfinished surveys, a respondent who came back), from a seeded
 * generator so two runs give the same data. Sizes are those of real answers: a sentence or two of
 * free text in the respondent's language.
 */
const LANGUAGES = ['en', 'ru', 'ar', 'es', 'fr'];
const CHANNELS = ['telegram', 'discord', 'terminal'];
const COUNTRIES = ['US', 'EG', 'RU', 'AU', 'CM', 'OM', 'PS', 'SA', 'SD', 'FM', 'LB', 'JO', 'MX', 'NG', 'GB'];
const CURRENCIES = ['USD', 'EGP', 'RUB', 'EUR', 'NGN'];
const SENTENCES: Record<string, string[]> = {
  en: [
    'We met the regional parliament together with the public library network and the association.',
    'Lack of funding and of a meeting place; we solved part of it with the university library.',
    '=SUM(A1:A9) is how one respondent began an answer, and spreadsheets must not run it.',
  ],
  ru: [
    'Совместно с областной библиотекой провели круглый стол для депутатов и глав районов.',
    'Не хватает времени и финансирования, бюрократия мешает заключать соглашения.',
  ],
  ar: [
    'نظمنا مع جمعية المكتبات ورشة عمل لصناع القرار حول دور المكتبات العامة.',
    'نقص التمويل وعدم فهم دور المكتبات من أهم التحديات التي واجهناها.',
  ],
  es: [
    'Firmamos un convenio con la secretaría de cultura para abrir salas de lectura en los barrios.',
    'La falta de tiempo y de presupuesto dificulta las reuniones con las autoridades.',
  ],
  fr: [
    'Nous avons organisé avec l’association des bibliothécaires une rencontre avec les élus.',
    'Le manque de financement et la bureaucratie freinent nos partenariats.',
  ],
};

/** A small fast seeded generator (mulberry32): the same seed gives the same data set. */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface SyntheticOptions {
  seed?: number;
  /** Share of respondents who stop before the end. */
  unfinished?: number;
  /** Share of respondents who also left an earlier, unfinished attempt. */
  returning?: number;
}

/** `count` respondents' responses (more records when some came back), in order of start. */
export function* syntheticResponses(
  flow: Flow,
  count: number,
  opts: SyntheticOptions = {},
): Generator<ResponseRecord> {
  const random = seeded(opts.seed ?? 2013);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!;
  const start = Date.UTC(2025, 2, 1);
  for (let n = 0; n < count; n++) {
    const locale = pick(LANGUAGES);
    const startedAt = new Date(start + n * 60_000);
    const base = {
      flowId: flow.id,
      flowVersion: flow.version,
      locale,
      channel: pick(CHANNELS),
      respondent: `p${n.toString(36).padStart(6, '0')}`,
      ...(random() < 0.5 ? { invitation: `INV-${(n % 7) + 1}` } : {}),
    };
    const unfinished = random() < (opts.unfinished ?? 0.1);
    const { answers, durations } = answerAll(flow, locale, random, unfinished ? 0.15 : 0);
    if (random() < (opts.returning ?? 0.02)) {
      const earlier = answerAll(flow, locale, random, 0.3);
      yield record(`s${n}a`, base, 'partial', earlier, new Date(startedAt.getTime() - 86_400_000));
    }
    yield record(`s${n}`, base, unfinished ? 'partial' : 'complete', { answers, durations }, startedAt);
  }

  function answerAll(flow: Flow, locale: string, random: () => number, stopChance: number) {
    const answers: Record<string, Answer> = {};
    const durations: Record<string, number> = {};
    for (const q of flow.questions) {
      if (META_TYPES.has(q.type)) {
        answers[q.id] = { status: 'answered', value: q.type === 'language' ? locale : 'yes' };
        continue;
      }
      if (q.when && !evaluate(q.when, answers)) continue;
      if (random() < stopChance) break;
      durations[q.id] = Math.round(2000 + random() * 60_000);
      if (random() < 0.08) {
        answers[q.id] = { status: 'declined' };
        continue;
      }
      const value = valueFor(flow, q, answers, locale);
      if (value === undefined) continue;
      answers[q.id] = { status: 'answered', value };
    }
    return { answers, durations };
  }

  function valueFor(flow: Flow, q: Question, answers: Record<string, Answer>, locale: string): unknown {
    switch (q.type) {
      case 'yesno':
        return random() < 0.6 ? 'yes' : 'no';
      case 'single': {
        const options = [...q.options, ...(q.other ? ['other'] : [])];
        const option = pick(options);
        return option === 'other' ? { option, other: pick(SENTENCES[locale]!).slice(0, 40) } : { option };
      }
      case 'multi': {
        if (q.exclusive.length && random() < 0.1) return { options: [q.exclusive[0]!] };
        const pool = [...q.options, ...(q.other ? ['other'] : [])];
        const options = pool.filter(() => random() < 0.45);
        if (options.length === 0) options.push(pick(pool));
        return options.includes('other')
          ? { options, other: pick(SENTENCES[locale]!).slice(0, 30) }
          : { options };
      }
      case 'ranking': {
        let items = q.items ?? [];
        if (q.itemsFrom) {
          const source = answers[q.itemsFrom];
          const sourceQ = questionAt(flow, q.itemsFrom);
          const exclusive = sourceQ.type === 'multi' ? sourceQ.exclusive : [];
          items =
            source?.status === 'answered'
              ? (source.value as MultiValue).options.filter((o) => !exclusive.includes(o))
              : [];
        }
        if (items.length === 0) return undefined;
        const shuffled = [...items].sort(() => random() - 0.5);
        const na = q.notApplicable ? shuffled.filter(() => random() < 0.1) : [];
        const order = shuffled.filter((i) => !na.includes(i));
        if (order.length === 0) order.push(na.pop()!);
        return { order, na };
      }
      case 'text':
        return pick(SENTENCES[locale]!);
      case 'amount':
        return random() < 0.15
          ? { dontKnow: true }
          : { amount: Math.round(random() * 50_000) * 10, currency: pick(CURRENCIES) };
      case 'country': {
        const code = pick(COUNTRIES);
        // Responses stored before countries carried their region keep the bare code.
        if (random() < 0.5) return code;
        const region = regionOf(code)!;
        return { code, region: region.region, subregion: region.subregion };
      }
      case 'contact':
        return { agreed: random() < 0.15 ? 'yes' : 'no' };
      default:
        return undefined;
    }
  }
}

function record(
  id: string,
  base: Pick<ResponseRecord, 'flowId' | 'flowVersion' | 'locale' | 'channel' | 'respondent' | 'invitation'>,
  status: ResponseRecord['status'],
  { answers, durations }: Pick<ResponseRecord, 'answers' | 'durations'>,
  startedAt: Date,
): ResponseRecord {
  const total = Object.values(durations).reduce((a, b) => a + b, 0);
  const updatedAt = new Date(startedAt.getTime() + total);
  return {
    id,
    ...base,
    status,
    answers,
    durations,
    startedAt,
    updatedAt,
    ...(status === 'complete' ? { finishedAt: updatedAt } : {}),
  };
}
