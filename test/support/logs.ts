import { Writable } from 'node:stream';
import { createLogger, type Logger } from '../../src/log.ts';

/** One log line as written: pino's level and message, and the line's fields. */
export type LogLine = { level: number; msg: string } & Record<string, unknown>;

/** The product's logger (`createLogger`), writing to lines the test can read. */
export function captureLog(level = 'debug'): { log: Logger; lines: LogLine[]; text: () => string } {
  const lines: LogLine[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split('\n')) if (line.trim()) lines.push(JSON.parse(line));
      done();
    },
  });
  return {
    log: createLogger(level, sink),
    lines,
    text: () => lines.map((l) => JSON.stringify(l)).join('\n'),
  };
}
