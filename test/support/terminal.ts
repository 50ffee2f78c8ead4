import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { runTerminal } from '../../src/channels/terminal/run.ts';
import { ConversationService } from '../../src/conversation/service.ts';
import { FileContactStore, FileResponseStore } from '../../src/store/file-response-store.ts';
import { MemorySessionStore } from '../../src/store/memory-session-store.ts';
import { flow, translator } from './flow.ts';

/** Runs the terminal chat over the given lines with a fixed clock and ids; returns what it printed. */
export async function runTranscript(
  lines: string[],
  locale?: string,
): Promise<{ output: string; responseId: string | null }> {
  const dir = mkdtempSync(join(tmpdir(), 'survey-transcript-'));
  let tick = Date.UTC(2026, 0, 15, 9, 0, 0);
  let ids = 0;
  const responses = new FileResponseStore(dir);
  const service = new ConversationService({
    flow,
    sessions: new MemorySessionStore(),
    responses,
    contacts: new FileContactStore(dir),
    clock: () => (tick += 7_000),
    newId: () => `session-${++ids}`,
    salt: 'golden-salt-0123456789',
  });
  const output = new PassThrough();
  const chunks: Buffer[] = [];
  output.on('data', (c: Buffer) => chunks.push(c));
  try {
    const responseId = await runTerminal({
      service,
      translator,
      responses,
      input: Readable.from(lines.map((l) => l + '\n')),
      output,
      user: 'golden',
      ...(locale ? { locale } : {}),
      echo: true,
    });
    return { output: Buffer.concat(chunks).toString('utf8'), responseId };
  } finally {
    service.close();
    await responses.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
