import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { test, type TestContext } from 'node:test';
import { runTerminal } from '../../src/channels/terminal/run.ts';
import { TerminalSender } from '../../src/channels/terminal/sender.ts';
import { ConversationService } from '../../src/conversation/service.ts';
import { silentLogger } from '../../src/log.ts';
import { Outbound } from '../../src/outbound/outbound.ts';
import { FileAddressBook } from '../../src/store/file-address-book.ts';
import { FileContactStore, FileResponseStore } from '../../src/store/file-response-store.ts';
import { MemorySessionStore } from '../../src/store/memory-session-store.ts';
import { flow, translator } from '../support/flow.ts';

const en = translator.translatorFor('en');

function setUp(t: TestContext) {
  const dir = mkdtempSync(join(tmpdir(), 'terminal-outbound-'));
  const responses = new FileResponseStore(dir);
  const addresses = new FileAddressBook(dir);
  const service = new ConversationService({
    flow,
    sessions: new MemorySessionStore(),
    responses,
    contacts: new FileContactStore(dir),
    addresses,
    salt: 'terminal-outbound-salt-0123',
  });
  const output = new PassThrough();
  let printed = '';
  output.on('data', (chunk: Buffer) => (printed += chunk.toString('utf8')));
  const outbound = new Outbound(addresses, silentLogger);
  outbound.register('terminal', new TerminalSender({ service, translator, output, user: 'ada' }));
  t.after(async () => {
    await service.close();
    await responses.close();
    await addresses.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const ada = service.respondentOf('terminal', 'ada');
  return { service, responses, output, outbound, printed: () => printed, ada };
}

async function until(check: () => boolean | Promise<boolean>): Promise<void> {
  for (let i = 0; i < 500 && !(await check()); i++) await sleep(10);
  assert.ok(await check(), 'the terminal did not get where it was expected to');
}

test('a live prompt on the terminal prints the current question, and the next line typed answers it', async (t) => {
  const { service, responses, output, outbound, printed, ada } = setUp(t);
  const input = new PassThrough();
  const run = runTerminal({ service, translator, responses, input, output, user: 'ada', echo: true });
  const language = en({ key: 'common:language.text' });
  await until(() => printed().includes(language));

  const outcome = await outbound.sendTo(ada, 'terminal', {
    kind: 'prompt',
    intro: [{ key: 'common:unavailable' }],
  });
  assert.deepEqual(outcome, { status: 'delivered' });
  const [, after] = printed().split(en({ key: 'common:unavailable' }));
  assert.ok(after?.includes(language), 'the question follows the intro');

  input.write('1\n');
  await until(async () => (await service.current('terminal', 'ada'))?.current === 'consent');
  input.end();
  assert.equal(await run, null);
  assert.deepEqual((await service.current('terminal', 'ada'))?.answers.language, {
    status: 'answered',
    value: flow.languages[0],
  });
});

test('the terminal sender: texts, no prompt without a survey, another user is no chat here', async (t) => {
  const { service, outbound, printed, ada } = setUp(t);
  await service.turn({ channel: 'terminal', user: 'ada', input: { type: 'start' } });
  assert.deepEqual(
    await outbound.sendTo(ada, 'terminal', { kind: 'text', texts: [{ key: 'terminal:help' }], locale: 'en' }),
    { status: 'delivered' },
  );
  assert.ok(printed().includes(en({ key: 'terminal:help' })));
  assert.deepEqual(await outbound.send({ channel: 'terminal', chat: 'bob' }, { kind: 'prompt' }), {
    status: 'chat_not_found',
  });
  await service.discard('terminal', 'ada');
  assert.deepEqual(await outbound.sendTo(ada, 'terminal', { kind: 'prompt' }), { status: 'no_prompt' });
});
