import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { parseInvitees } from '../../src/campaigns/invitee-csv.ts';
import { createOpenLink, importInvitees } from '../../src/campaigns/invitees.ts';
import { linksFor, qrPng, qrSvg } from '../../src/campaigns/links.ts';
import { FileInvitationStore } from '../../src/store/file-invitation-store.ts';
import { FileInviteeStore } from '../../src/store/file-invitee-store.ts';
import { TOKEN_PATTERN } from '../../src/store/invitation-store.ts';
import { campaign } from '../store/campaign-stores.contract.ts';

const NOW = new Date('2026-11-10T00:00:00Z');

function stores(t: TestContext) {
  const dir = mkdtempSync(join(tmpdir(), 'invitee-import-'));
  const s = { invitees: new FileInviteeStore(dir), invitations: new FileInvitationStore(dir) };
  t.after(async () => {
    await s.invitees.close();
    await s.invitations.close();
    rmSync(dir, { recursive: true, force: true });
  });
  return s;
}

const FILE = [
  '\uFEFFName;E-mail;Language;Country;Organisation;City',
  'Amal;amal@example.org;ar;EG;ELA;Cairo',
  'Bad Address;not-an-address;en;FR;;',
  'Olga;olga@example.org;ru;Russia;RLA;Moscow',
  'No Language;nl@example.org;de;;;',
  'Amal again;AMAL@example.org;;;;Giza',
  'Nowhere;nw@example.org;es;Atlantis;;',
  '"=HYPERLINK(""http://evil"",""x"")";formula@example.org;fr;fr;;',
  ';;;;;',
].join('\r\n');

test('an invitee file with a byte-order mark and semicolons: bad rows by line and reason, duplicates merged, extra columns kept', () => {
  const parsed = parseInvitees(Buffer.from(FILE, 'utf8'));
  assert.ok(!('problem' in parsed));
  assert.equal(parsed.delimiter, ';');
  assert.deepEqual(parsed.bad, [
    { line: 3, reason: 'email_invalid' },
    { line: 5, reason: 'language_unknown' },
    { line: 7, reason: 'country_unknown' },
  ]);
  assert.equal(parsed.merged, 1);
  assert.deepEqual(
    parsed.rows.map((r) => [r.line, r.email, r.name, r.language, r.country, r.attributes]),
    [
      [2, 'amal@example.org', 'Amal again', 'ar', 'EG', { City: 'Giza' }],
      [4, 'olga@example.org', 'Olga', 'ru', 'RU', { City: 'Moscow' }],
      // A formula is text: kept as written, never evaluated.
      [8, 'formula@example.org', '=HYPERLINK("http://evil","x")', 'fr', 'FR', {}],
    ],
  );
});

test('a file in another encoding, in UTF-16, without an address column, empty or broken is refused as a whole', () => {
  const latin1 = Buffer.concat([
    Buffer.from('email,name\na@x.org,Ana\nb@x.org,'),
    Buffer.from([0xc9, 0x6c, 0x6f, 0x64, 0x69, 0x65]),
  ]);
  assert.deepEqual(parseInvitees(latin1), { problem: 'not_utf8', line: 3 });
  assert.deepEqual(parseInvitees(Buffer.from('\ufeffemail', 'utf16le')), { problem: 'utf16' });
  assert.deepEqual(parseInvitees(Buffer.from('name,city\nA,B\n')), { problem: 'no_email_column' });
  assert.deepEqual(parseInvitees(Buffer.alloc(0)), { problem: 'empty' });
  assert.deepEqual(parseInvitees(Buffer.from('email\n"a@x.org\nb@x.org\n')), {
    problem: 'malformed',
    line: 3,
  });
  const tabs = parseInvitees(Buffer.from('email\tname\na@x.org\tAna, Lima\n'));
  assert.ok(!('problem' in tabs));
  assert.deepEqual([tabs.delimiter, tabs.rows[0]!.name], ['\t', 'Ana, Lima']);
});

test('importing gives each new address a personal one-use token of the campaign and coordinator; importing again merges and keeps it', async (t) => {
  const s = stores(t);
  const c = campaign({ status: 'open' });
  const report = await importInvitees(s, c, 'm-coord-1', Buffer.from(FILE), NOW);
  assert.deepEqual(report, {
    added: 3,
    merged: 1,
    bad: [
      { line: 3, reason: 'email_invalid' },
      { line: 5, reason: 'language_unknown' },
      { line: 7, reason: 'country_unknown' },
    ],
    delimiter: ';',
  });
  const amal = (await s.invitees.get(c.id, 'amal@example.org'))!;
  assert.match(amal.token, TOKEN_PATTERN);
  assert.equal(amal.token.length, 24, '24 base64url characters: 144 random bits');
  assert.deepEqual(await s.invitations.get(amal.token), {
    token: amal.token,
    campaign: c.id,
    flowId: 'advocacy',
    coordinator: 'm-coord-1',
    region: 'EG',
    maxUses: 1,
    uses: 0,
    revoked: false,
    createdAt: NOW,
  });
  const again = await importInvitees(
    s,
    c,
    'm-coord-2',
    Buffer.from('email,phone\namal@example.org,123\nnew@example.org,9\n'),
    NOW,
  );
  assert.deepEqual(again, { added: 1, merged: 1, bad: [], delimiter: ',' });
  const merged = (await s.invitees.get(c.id, 'amal@example.org'))!;
  assert.equal(merged.token, amal.token);
  assert.equal(merged.coordinator, 'm-coord-1');
  assert.deepEqual(merged.attributes, { City: 'Giza', phone: '123' });
  assert.equal(
    (await s.invitees.get(c.id, 'new@example.org'))!.language,
    'ar',
    'no language: the campaign’s first',
  );
  const tokens = new Set<string>();
  for await (const i of s.invitees.scan(c.id)) tokens.add(i.token);
  assert.equal(tokens.size, 4);
});

test('an open link with a cap; its links for Telegram and Discord, and its QR codes as SVG and PNG', async (t) => {
  const s = stores(t);
  const c = campaign({ status: 'open' });
  const token = await createOpenLink(s.invitations, c, 'm-coord-1', 50, NOW);
  assert.equal((await s.invitations.get(token))?.maxUses, 50);
  const links = linksFor(token, '@SurveyBot');
  assert.equal(links.telegram, `https://t.me/SurveyBot?start=${token}`);
  assert.equal(links.discord, `/survey start code:${token}`);
  assert.ok(links.telegram!.length < 64 + 30);
  const svg = await qrSvg(links.telegram!);
  assert.match(svg, /^<svg [^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"/);
  const png = await qrPng(links.telegram!);
  assert.deepEqual([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  assert.notDeepEqual(await qrPng(linksFor(token, 'OtherBot').telegram!), png);
});

test('a file of 100,000 rows is read whole: every row kept, the bad ones reported by line', () => {
  const lines = ['email,name,country'];
  for (let i = 0; i < 100_000; i++)
    lines.push(i % 10_000 === 7 ? `broken-${i},N${i},FR` : `p${i}@example.org,N${i},FR`);
  const parsed = parseInvitees(Buffer.from(lines.join('\n')));
  assert.ok(!('problem' in parsed));
  assert.equal(parsed.rows.length, 99_990);
  assert.deepEqual(
    parsed.bad.map((b) => b.line),
    Array.from({ length: 10 }, (_, k) => k * 10_000 + 7 + 2),
  );
});
