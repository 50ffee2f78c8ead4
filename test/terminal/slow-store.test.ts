import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { test } from 'node:test';
import { runTerminal } from '../../src/channels/terminal/run.ts';
import { ConversationService } from '../../src/conversation/service.ts';
import { FileContactStore, FileResponseStore } from '../../src/store/file-response-store.ts';
import { MemorySessionStore } from '../../src/store/memory-session-store.ts';
import { flow, translator } from '../support/flow.ts';
import { SCRIPTED_INTERVIEW } from '../support/scripted-interview.ts';

/** Sessions that answer after a pause, as Redis over a network does. */
class SlowSessions extends MemorySessionStore {
  override async get(...args: Parameters<MemorySessionStore['get']>) {
    await sleep(30);
    return super.get(...args);
  }
}

test(
  'piped input is read whole even when the first turn waits for a slow store',
  { timeout: 30_000 },
  async (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'survey-slow-'));
    const responses = new FileResponseStore(dir);
    const service = new ConversationService({
      flow,
      sessions: new SlowSessions(),
      responses,
      contacts: new FileContactStore(dir),
      salt: 'slow-store-salt-0123456789',
    });
    t.after(async () => {
      service.close();
      await responses.close();
      rmSync(dir, { recursive: true, force: true });
    });
    const lines = SCRIPTED_INTERVIEW;
    const id = await runTerminal({
      service,
      translator,
      responses,
      input: Readable.from(lines.map((l) => `${l}\n`)),
      output: new PassThrough().resume(),
      user: 'slow',
    });
    assert.ok(id, 'the interview completed');
    assert.equal((await responses.get(id))?.status, 'complete');
  },
);
