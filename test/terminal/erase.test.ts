import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { test } from 'node:test';
import { runTerminal } from '../../src/channels/terminal/run.ts';
import { ConversationService } from '../../src/conversation/service.ts';
import { FileContactStore, FileResponseStore } from '../../src/store/file-response-store.ts';
import { MemorySessionStore } from '../../src/store/memory-session-store.ts';
import { flow, translator } from '../support/flow.ts';

/** One terminal user's stores, kept across several runs of the chat. */
function terminalUser() {
  const dir = mkdtempSync(join(tmpdir(), 'survey-erase-'));
  const responses = new FileResponseStore(dir);
  const contacts = new FileContactStore(dir);
  const service = new ConversationService({
    flow,
    sessions: new MemorySessionStore(),
    responses,
    contacts,
    salt: 'erase-test-salt-0123456789',
  });
  const run = async (lines: string[]) => {
    const output = new PassThrough();
    let text = '';
    output.on('data', (c: Buffer) => (text += c.toString('utf8')));
    const id = await runTerminal({
      service,
      translator,
      responses,
      input: Readable.from(lines.map((l) => l + '\n')),
      output,
      user: 'ana',
      echo: true,
    });
    return { id, text };
  };
  const close = async () => {
    service.close();
    await responses.close();
    await contacts.close();
    rmSync(dir, { recursive: true, force: true });
  };
  return { service, responses, contacts, run, close };
}

const interview = readFileSync(
  join(import.meta.dirname, '..', 'golden', 'en-member-with-partners.input'),
  'utf8',
)
  .trimEnd()
  .split('\n');

test('/delete_my_data in the terminal asks first, then erases the answers given so far', async () => {
  const user = terminalUser();
  try {
    const { id, text } = await user.run(['1', '1', '2', '/delete_my_data', 'yes', '1']);
    assert.equal(id, null);
    assert.match(text, /Delete everything stored about you/);
    assert.match(text, /Deleted:\n {2}- your unfinished answers/);
    assert.match(text, /The survey has ended\./);
    assert.doesNotMatch(text, /not finished/);
    assert.equal(await user.service.current('terminal', 'ana'), null);
  } finally {
    await user.close();
  }
});

test('/delete_my_data erases a completed response and the contact details, in the respondent’s language', async () => {
  const user = terminalUser();
  try {
    const done = await user.run(interview);
    assert.ok(done.id);
    assert.ok(await user.responses.get(done.id));
    assert.equal((await user.contacts.list()).length, 1);
    const { text } = await user.run(['/lang ru', '/delete_my_data', 'да']);
    assert.match(text, /Удалено:/);
    assert.match(text, /1 завершённая анкета/);
    assert.match(text, /1 набор контактных данных/);
    assert.equal(await user.responses.get(done.id), null);
    assert.deepEqual(await user.contacts.list(), []);
  } finally {
    await user.close();
  }
});

test('anything but yes after /delete_my_data keeps the data and shows the question again', async () => {
  const user = terminalUser();
  try {
    const { text } = await user.run(['1', '1', '/delete_my_data', 'no', '2']);
    assert.match(text, /Nothing was deleted\.\n\nQuestion 1 of about \d+\nWhat type of library/);
    const session = await user.service.current('terminal', 'ana');
    assert.deepEqual(session?.answers.q1, { status: 'answered', value: { option: 'public' } });
  } finally {
    await user.close();
  }
});
