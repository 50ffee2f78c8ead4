import { questionAt, type Flow, type Question } from '../../engine/flow.ts';
import { regionName } from '../../engine/regions.ts';
import type { Translator } from '../../i18n/translator.ts';
import { neutralizeBidi } from '../../safe-text.ts';
import { MISSING } from '../report.ts';
import type { DimensionInfo } from '../model.ts';
import { REST } from '../dimensions.ts';

/** A codebook's labels: code → label in each language it has ('' for the language-less one). */
export type CodeLabels = ReadonlyMap<string, ReadonlyMap<string, Readonly<Record<string, string>>>>;

/**
 * Every label a report or export shows, in one language: question texts and options from the
 * flow's own texts, report words from `locales/<lng>/analysis.json`, names of countries, regions
 * and languages from the runtime's CLDR data, codes from the codebooks. A key without a text
 * shows as itself, so nothing is hidden.
 */
export class Labels {
  private readonly translate;
  private readonly numbers: Intl.NumberFormat;
  private readonly decimals: Intl.NumberFormat;
  private readonly oneDecimal: Intl.NumberFormat;
  private readonly languages: Intl.DisplayNames;
  /** Asked once per listed text: kept. */
  private readonly languageNames = new Map<string, string>();
  /** Country and region names by code, in this language. */
  private readonly placeNames = new Map<string, string>();

  constructor(
    private readonly translator: Translator,
    private readonly flow: Flow,
    readonly lng: string,
    private readonly codeLabels: CodeLabels = new Map(),
  ) {
    this.translate = translator.translatorFor(lng);
    this.numbers = new Intl.NumberFormat(lng, { maximumFractionDigits: 2 });
    this.decimals = new Intl.NumberFormat(lng, { minimumFractionDigits: 2, maximumFractionDigits: 2 });
    this.oneDecimal = new Intl.NumberFormat(lng, { minimumFractionDigits: 1, maximumFractionDigits: 1 });
    this.languages = new Intl.DisplayNames([lng, 'en'], { type: 'language', fallback: 'code' });
  }

  get rtl(): boolean {
    return new Intl.Locale(this.lng).maximize().script === 'Arab';
  }

  /** A report word: `analysis:<key>`. */
  t(key: string, params: Record<string, string | number> = {}): string {
    return this.translate({ key: `analysis:${key}`, params });
  }

  private textOr(key: string, fallback: string): string {
    return this.translator.has(this.lng, key) || this.translator.has('en', key)
      ? this.translate({ key })
      : fallback;
  }

  question(id: string): string {
    return this.textOr(`${this.flow.id}:${id}.text`, id);
  }

  /** An option of a question; for a ranking of another question's choices, that question's. */
  option(questionId: string, key: string): string {
    if (key === 'other' || key === 'others') {
      const own = `${this.flow.id}:${questionId}.options.${key}`;
      return this.textOr(own, this.t('other'));
    }
    if (key === 'yes' || key === 'no') {
      const own = `${this.flow.id}:${questionId}.options.${key}`;
      return this.textOr(own, this.translate({ key: `common:answer.${key}` }));
    }
    const q = this.flow.questions.find((x) => x.id === questionId);
    const source = q?.type === 'ranking' && q.itemsFrom ? questionAt(this.flow, q.itemsFrom) : q;
    const code = this.codeLabels.get(questionId)?.get(key);
    if (code) return code[this.lng] ?? code[''] ?? code.en ?? key;
    if (q?.type === 'amount') return this.textOr(`analysis:amount.${key}`, key);
    return this.textOr(`${this.flow.id}:${(source ?? q)?.id ?? questionId}.options.${key}`, key);
  }

  code(questionId: string, code: string): string {
    const labels = this.codeLabels.get(questionId)?.get(code);
    return labels ? (labels[this.lng] ?? labels[''] ?? labels.en ?? code) : code;
  }

  country(code: string): string {
    let name = this.placeNames.get(code);
    // Looked up once: a report split by region names a group for every listed text (1.4 s at 100,000).
    if (name === undefined) this.placeNames.set(code, (name = regionName(code, this.lng)));
    return name;
  }

  region(code: string): string {
    return code === 'none' ? this.t('none_region') : this.country(code);
  }

  /** A language's name, capitalised as at the start of a table row ("Английский"). */
  language(code: string): string {
    let name = this.languageNames.get(code);
    if (name === undefined) {
      const plain = this.languages.of(code) ?? code;
      this.languageNames.set(code, (name = plain.charAt(0).toLocaleUpperCase(this.lng) + plain.slice(1)));
    }
    return name;
  }

  dimension(d: DimensionInfo): string {
    const base =
      d.kind === 'question' ? `${d.question}. ${this.question(d.question!)}` : this.t(`dimension.${d.kind}`);
    return d.value === undefined ? base : `${base} = ${this.group(d, d.value)}`;
  }

  /** The label of one group of a dimension. */
  group(d: DimensionInfo, key: string): string {
    if (key === MISSING) return this.t('split.missing');
    if (d.value !== undefined && key === REST) return this.t('split.rest');
    switch (d.kind) {
      case 'language':
        return this.language(key);
      case 'region':
      case 'subregion':
        return this.region(key);
      case 'arab':
        return this.t(key === 'arab' ? 'split.arab' : 'split.other_countries');
      case 'question': {
        const q: Question | undefined = this.flow.questions.find((x) => x.id === d.question);
        return q?.type === 'country' ? this.country(key) : this.option(d.question!, key);
      }
      default:
        return key;
    }
  }

  number(n: number): string {
    return this.numbers.format(n);
  }

  fixed(n: number): string {
    return this.decimals.format(n);
  }

  /** Three decimals, or "< 0.001". */
  pValue(p: number): string {
    const three = new Intl.NumberFormat(this.lng, { minimumFractionDigits: 3, maximumFractionDigits: 3 });
    return p < 0.001 ? `< ${three.format(0.001)}` : three.format(p);
  }

  /** "69.7": one decimal, or a dash without a base. */
  percent(count: number, base: number): string {
    if (base === 0) return '–';
    return this.oneDecimal.format((100 * count) / base);
  }

  duration(ms: number | null): string {
    if (ms === null) return '–';
    const seconds = ms / 1000;
    return seconds < 120
      ? this.t('time.seconds', { value: this.numbers.format(Math.round(seconds)) })
      : this.t('time.minutes', { value: this.numbers.format(Math.round(seconds / 6) / 10) });
  }

  /** A respondent's text as staff see it: without direction controls. */
  text(text: string): string {
    return neutralizeBidi(text);
  }
}
