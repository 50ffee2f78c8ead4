import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import type { Flow } from '../../engine/flow.ts';
import { ROOT } from '../../flows/load.ts';
import { neutralizeBidi } from '../../safe-text.ts';
import { CODER_PATTERN, FINAL_CODER, type Codebook, type CodingStore } from '../../store/coding-store.ts';
import { collect, type ResponseRecord, type ResponseStore } from '../../store/response-store.ts';
import { agreement } from '../coding/agreement.ts';
import { CodebookCsvError, readCodebookCsv, writeCodebookCsv } from '../coding/codebook-csv.ts';
import { CodingQueue, type CodingItem } from '../coding/queue.ts';
import { readText } from '../answers.ts';
import { onePerRespondent } from '../respondents.ts';
import { fileSink, openForAnalysis, UsageError } from './shared.ts';

export const CODE_USAGE = `npm run code -- <command> [--flow <id>]
  codebook import <question> <file.csv>   set a question's codebook (code, label_<lang>..., description)
  codebook export <question> [--out f]    write it as CSV
  codebook seed                           import the starting codebooks shipped in codebooks/<flow>/
  answers <question> --coder <name>       code the answers at the keyboard: keys of the codes then
                                          Enter; 0 no code applies; empty line next; < back; u next
                                          uncoded; q quit
  set <question> <response> <codes> --coder <name>   one answer's codes (comma-separated, or none)
  resolve <question> <response> <codes>   settle a disagreement (saved as coder "${FINAL_CODER}")
  agreement <question> --coders <a,b>     Cohen's kappa per code and pooled, and the disagreements`;

/** The starting codebooks shipped with the bot: `codebooks/<flow>/<question>.csv`. */
export const SHIPPED_CODEBOOKS = join(ROOT, 'codebooks');

/** The text answers of one question, one per respondent, with this coder's codes. */
export async function answersToCode(
  responses: ResponseStore,
  codings: CodingStore,
  flow: Flow,
  question: string,
  coder: string,
  /** Only these respondents' answers (a staff member's scope); all when absent. */
  keep: (record: ResponseRecord) => boolean = () => true,
): Promise<CodingItem[]> {
  const mine = new Map<string, string[]>();
  for await (const c of codings.scanCodings({ flowId: flow.id, question, coder }))
    mine.set(c.responseId, c.codes);
  const items: CodingItem[] = [];
  for await (const r of onePerRespondent(responses, { flowId: flow.id })) {
    if (!keep(r)) continue;
    const a = r.answers[question];
    const text = a?.status === 'answered' ? readText(a.value) : null;
    if (!text || !('text' in text)) continue;
    const codes = mine.get(r.id);
    items.push({
      responseId: r.id,
      respondent: r.respondent,
      locale: r.locale,
      text: text.text,
      ...(codes ? { codes } : {}),
    });
  }
  return items;
}

function textQuestion(flow: Flow, id: string | undefined): string {
  const q = flow.questions.find((x) => x.id === id);
  if (!q || q.type !== 'text') {
    const texts = flow.questions.filter((x) => x.type === 'text').map((x) => x.id);
    throw new UsageError(`${id ?? '(none)'} is not a free-text question of ${flow.id}: ${texts.join(', ')}`);
  }
  return q.id;
}

function coderName(name: string | undefined): string {
  if (!name || !CODER_PATTERN.test(name))
    throw new UsageError('--coder <name>: letters, digits, _ . - (up to 64)');
  return name;
}

async function codebookOf(codings: CodingStore, flow: Flow, question: string): Promise<Codebook> {
  const book = await codings.getCodebook(flow.id, question);
  if (!book)
    throw new UsageError(
      `${question} has no codebook yet: npm run code -- codebook import ${question} <file.csv>`,
    );
  return book;
}

function parseCodes(book: Codebook, text: string | undefined): string[] {
  if (text === undefined) throw new UsageError('name the codes, comma-separated, or none');
  if (text === 'none') return [];
  const codes = [...new Set(text.split(',').map((c) => c.trim()))];
  const unknown = codes.filter((c) => !book.codes.some((k) => k.code === c));
  if (unknown.length) throw new UsageError(`not in the codebook of ${book.question}: ${unknown.join(', ')}`);
  return codes;
}

/** `npm run code`: codebooks, keyboard coding, agreement between coders. */
export async function codeCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      flow: { type: 'string' },
      coder: { type: 'string' },
      coders: { type: 'string' },
      out: { type: 'string' },
      force: { type: 'boolean', default: false },
    },
  });
  const [command, ...rest] = positionals;
  if (!command) throw new UsageError('name a command');
  const opened = await openForAnalysis(values.flow);
  if (!opened) return 1;
  const { flow } = opened;
  const { codings, responses } = opened.stores;
  try {
    switch (command) {
      case 'codebook': {
        const [action, id, file] = rest;
        if (action === 'seed') return await seedCodebooks(codings, flow, values.force);
        const question = textQuestion(flow, id);
        if (action === 'import') {
          if (!file || !existsSync(file)) throw new UsageError('codebook import <question> <file.csv>');
          let codes;
          try {
            codes = readCodebookCsv(readFileSync(file, 'utf8'));
          } catch (error) {
            if (!(error instanceof CodebookCsvError)) throw error;
            for (const p of error.problems) console.log(`${file}: ${p}`);
            return 1;
          }
          await codings.saveCodebook({ flowId: flow.id, question, codes, updatedAt: new Date() });
          console.log(`${question}: codebook of ${codes.length} codes saved`);
          return 0;
        }
        if (action === 'export') {
          const out = fileSink(values.out);
          await out.write(writeCodebookCsv((await codebookOf(codings, flow, question)).codes));
          await out.done();
          return 0;
        }
        throw new UsageError('codebook import|export|seed');
      }
      case 'answers':
        return await interactive(
          responses,
          codings,
          flow,
          textQuestion(flow, rest[0]),
          coderName(values.coder),
        );
      case 'set':
      case 'resolve': {
        const question = textQuestion(flow, rest[0]);
        const responseId = rest[1];
        if (!responseId) throw new UsageError(`${command} <question> <response> <codes>`);
        const book = await codebookOf(codings, flow, question);
        const codes = parseCodes(book, rest[2]);
        const response = await responses.get(responseId);
        if (!response || response.flowId !== flow.id)
          throw new UsageError(`no response ${responseId} in ${flow.id}`);
        const coder = command === 'resolve' ? FINAL_CODER : coderName(values.coder);
        await codings.saveCoding({
          flowId: flow.id,
          question,
          responseId,
          respondent: response.respondent,
          coder,
          codes,
          at: new Date(),
        });
        console.log(`${question} ${responseId}: ${codes.join(', ') || 'no code'} (${coder})`);
        return 0;
      }
      case 'agreement': {
        const question = textQuestion(flow, rest[0]);
        const [a, b, ...more] = (values.coders ?? '').split(',').map((c) => c.trim());
        if (!a || !b || more.length) throw new UsageError('--coders <a,b>: two coders');
        const book = await codebookOf(codings, flow, question);
        const all = await collect(codings.scanCodings({ flowId: flow.id, question }));
        const result = agreement(
          book.codes.map((c) => c.code),
          all,
          a,
          b,
        );
        const k = (v: number | null) => (v === null ? 'n/a' : v.toFixed(3));
        console.log(
          `${question}: ${result.answers} answers coded by both ${a} and ${b}; ${result.identical} identical`,
        );
        console.log(
          `pooled kappa ${k(result.pooled)}${result.single !== null ? `; kappa over single codes ${k(result.single)}` : ''}`,
        );
        for (const c of result.perCode) {
          console.log(
            `  ${c.code.padEnd(24)} kappa ${k(c.kappa).padStart(6)}  both ${c.both}, only ${a} ${c.onlyA}, only ${b} ${c.onlyB}, neither ${c.neither}`,
          );
        }
        if (result.disagreements.length) console.log('disagreements:');
        for (const d of result.disagreements) {
          const r = await responses.get(d.responseId);
          const answer = r?.answers[question];
          const t = answer?.status === 'answered' ? readText(answer.value) : null;
          const text = t && 'text' in t ? neutralizeBidi(t.text).replace(/\s+/g, ' ').slice(0, 100) : '';
          console.log(
            `  ${d.responseId}  ${a}: ${d.a.join(', ') || 'none'}  ${b}: ${d.b.join(', ') || 'none'}  "${text}"`,
          );
        }
        return 0;
      }
      default:
        throw new UsageError(`unknown command ${command}`);
    }
  } finally {
    await opened.close();
  }
}

async function seedCodebooks(codings: CodingStore, flow: Flow, force: boolean): Promise<number> {
  const dir = join(SHIPPED_CODEBOOKS, flow.id);
  const files = existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.csv')) : [];
  for (const file of files.sort()) {
    const question = file.slice(0, -'.csv'.length);
    if (!flow.questions.some((q) => q.id === question && q.type === 'text')) continue;
    if (!force && (await codings.getCodebook(flow.id, question))) {
      console.log(`${question}: has a codebook already (--force replaces it)`);
      continue;
    }
    const codes = readCodebookCsv(readFileSync(join(dir, file), 'utf8'));
    await codings.saveCodebook({ flowId: flow.id, question, codes, updatedAt: new Date() });
    console.log(`${question}: codebook of ${codes.length} codes from ${join('codebooks', flow.id, file)}`);
  }
  return 0;
}

/** The keyboard coding session in the terminal (also scripted: it reads lines from standard input). */
async function interactive(
  responses: ResponseStore,
  codings: CodingStore,
  flow: Flow,
  question: string,
  coder: string,
): Promise<number> {
  const book = await codebookOf(codings, flow, question);
  const queue = new CodingQueue(await answersToCode(responses, codings, flow, question, coder), book.codes);
  const legend = book.codes
    .map((c) => `${queue.keyOf(c.code)} ${c.labels.en ?? Object.values(c.labels)[0]}`)
    .join('  ');
  const show = () => {
    const item = queue.current;
    if (!item) {
      console.log(`end of ${question}: ${queue.coded} of ${queue.items.length} coded by ${coder}`);
      return;
    }
    console.log(`\n[${queue.position + 1}/${queue.items.length}] ${item.responseId} (${item.locale})`);
    console.log(neutralizeBidi(item.text));
    console.log(`codes: ${queue.chosen.map((c) => queue.keyOf(c)).join('') || '-'}   ${legend}`);
  };
  show();
  const lines = createInterface({ input: process.stdin, terminal: false });
  for await (const line of lines) {
    const effect = queue.line(line);
    if (effect && 'quit' in effect) break;
    if (effect) {
      await codings.saveCoding({
        flowId: flow.id,
        question,
        responseId: effect.save.item.responseId,
        respondent: effect.save.item.respondent,
        coder,
        codes: effect.save.codes,
        at: new Date(),
      });
    }
    show();
    if (!queue.current) break;
  }
  lines.close();
  return 0;
}
