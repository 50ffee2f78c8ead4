import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { createApp } from '../../src/app.ts';
import { parseConfig } from '../../src/config.ts';
import { transcriptsCli } from '../../src/interviews/cli.ts';
import { messageId, type Conversation } from '../../src/store/followup-store.ts';
import { captureLog } from '../support/logs.ts';

const at = (s: number) => new Date(Date.parse('2026-11-20T10:00:00Z') + s * 1000);

test('transcripts export as text, JSON and a printable page: every message with time, side and author, notes apart, words escaped and audited', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'transcripts-'));
  const app = await createApp(parseConfig({ DATA_DIR: dir }), captureLog().log);
  t.after(async () => {
    await app.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const conversation: Conversation = {
    id: '7f9c2b1e-0000-4000-8000-000000000001',
    respondent: 'abcdef0123456789abcdef0123456789',
    channel: 'telegram',
    flowId: app.flow.id,
    response: 'r1',
    interviewer: 'amina',
    status: 'closed',
    endedBy: 'respondent',
    createdAt: at(0),
    updatedAt: at(9),
  };
  await app.stores.conversations.create(conversation);
  const lines = [
    { side: 'interviewer', author: 'amina', text: 'What remains unresolved?' },
    { side: 'respondent', author: 'respondent', text: 'The <script>budget</script> & \u202Ethe law' },
    { side: 'respondent', author: 'respondent', text: 'مرحبا، الميزانية' },
  ] as const;
  for (const [i, l] of lines.entries())
    await app.stores.conversations.append({
      id: messageId(at(i + 1)),
      conversation: conversation.id,
      respondent: conversation.respondent,
      at: at(i + 1),
      ...l,
    });
  await app.stores.conversations.addNote({
    id: messageId(at(5)),
    conversation: conversation.id,
    respondent: conversation.respondent,
    at: at(5),
    author: 'amina',
    text: 'ask again in spring',
  });

  const printed: string[] = [];
  assert.equal(await transcriptsCli(app, [], (x) => printed.push(x)), 0);
  const text = printed.join('\n').split('\n');
  assert.match(text[0]!, /Conversation 7f9c2b1e-.* respondent abcdef01, interviewer amina, closed/);
  assert.deepEqual(text.slice(1, 4), [
    '2026-11-20 10:00:01  amina: What remains unresolved?',
    '2026-11-20 10:00:02  Respondent: The <script>budget</script> & the law',
    '2026-11-20 10:00:03  Respondent: مرحبا، الميزانية',
  ]);
  assert.deepEqual(text.slice(4, 6), [
    "Interviewer's notes",
    '2026-11-20 10:00:05  amina: ask again in spring',
  ]);

  const json: string[] = [];
  await transcriptsCli(app, ['--format', 'json'], (x) => json.push(x));
  const [parsed] = JSON.parse(json.join('')) as {
    messages: { side: string; author: string; text: string; at: string }[];
    notes: unknown[];
  }[];
  assert.deepEqual(
    parsed!.messages.map((m) => [m.at, m.side, m.author]),
    lines.map((l, i) => [at(i + 1).toISOString(), l.side, l.author]),
  );
  assert.equal(parsed!.notes.length, 1);

  const out = join(dir, 'transcripts.html');
  await transcriptsCli(app, ['--format', 'html', '--language', 'ar', '--out', out], () => {});
  const html = readFileSync(out, 'utf8');
  assert.match(html, /<html lang="ar" dir="rtl">/);
  assert.ok(html.includes('&lt;script&gt;budget&lt;/script&gt; &amp; the law'));
  assert.ok(!html.includes('<script>') && !html.includes('\u202E'));
  assert.ok(html.includes('<bdi>مرحبا، الميزانية</bdi>'));

  const audited = await app.stores.audit.list({ limit: 10, action: 'transcript.export' });
  assert.deepEqual(
    audited.map((e) => e.details?.format),
    ['html', 'json', 'text'],
  );
});
