import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { test } from 'node:test';
import { runTerminal } from '../../src/channels/terminal/run.ts';
import { ConversationService } from '../../src/conversation/service.ts';
import { FileAddressBook } from '../../src/store/file-address-book.ts';
import { FileContactStore, FileResponseStore } from '../../src/store/file-response-store.ts';
import { MemorySessionStore } from '../../src/store/memory-session-store.ts';
import { flow, translator } from '../support/flow.ts';

const en = translator.translatorFor('en');

test('terminal: /my_data prints what is kept and writes exactly that as JSON (owner only); after /delete_my_data only a new, empty session is kept', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'terminal-rights-'));
  const responses = new FileResponseStore(dir);
  const contacts = new FileContactStore(dir);
  const addresses = new FileAddressBook(dir);
  const sessions = new MemorySessionStore();
  const service = new ConversationService({
    flow,
    sessions,
    responses,
    contacts,
    addresses,
    salt: 'terminal-rights-salt-0123',
  });
  t.after(async () => {
    await service.close();
    await Promise.all([responses.close(), contacts.close(), addresses.close()]);
    rmSync(dir, { recursive: true, force: true });
  });
  const file = join(dir, 'my-data.json');
  const run = async (lines: string[]) => {
    const output = new PassThrough();
    let text = '';
    output.on('data', (c: Buffer) => (text += c.toString('utf8')));
    await runTerminal({
      service,
      translator,
      responses,
      input: Readable.from(lines.map((l) => `${l}\n`)),
      output,
      user: 'ana',
      echo: true,
      myDataFile: file,
    });
    return text;
  };
  // Language and consent answered: a survey in progress, and an address to reach the user.
  const text = await run(['1', '1', '/my_data']);
  assert.ok(text.includes(en({ key: 'common:privacy.my_data.intro' })));
  assert.ok(text.includes(`  - ${en({ key: 'common:privacy.my_data.session', params: { count: 2 } })}`));
  assert.ok(text.includes(en({ key: 'common:privacy.my_data.saved', params: { path: file } })));
  assert.equal(statSync(file).mode & 0o777, 0o600);
  const data = JSON.parse(readFileSync(file, 'utf8'));
  const session = await service.current('terminal', 'ana');
  assert.deepEqual(data.session.answers, session!.answers);
  assert.deepEqual(data.addresses, JSON.parse(JSON.stringify(await addresses.byRespondent(data.respondent))));

  const erased = await run(['/delete_my_data', 'yes']);
  assert.ok(erased.includes(`  - ${en({ key: 'common:privacy.erased.addresses', params: { count: 1 } })}`));
  assert.deepEqual(await addresses.byRespondent(data.respondent), []);
  // Opening the chat again starts afresh: all that is kept is that new, empty session.
  await run(['/my_data']);
  const again = JSON.parse(readFileSync(file, 'utf8'));
  assert.deepEqual([again.session.answers, again.responses, again.contacts], [{}, [], []]);
});
