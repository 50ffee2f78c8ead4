import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { createApp } from '../../src/app.ts';
import { campaignCli } from '../../src/campaigns/cli.ts';
import { parseConfig } from '../../src/config.ts';
import { silentLogger } from '../../src/log.ts';
import { startSmtp } from './smtp.ts';

test('npm run campaign: create, open, import (bad rows by line), an open link and its QR code, send by e-mail with progress, the funnel as CSV, erase an invitee', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'campaign-cli-'));
  const smtp = await startSmtp(t);
  const app = await createApp(
    parseConfig({
      DATA_DIR: dir,
      SMTP_URL: smtp.url,
      MAIL_FROM: 'Survey <survey@example.org>',
      TELEGRAM_BOT_USERNAME: 'AdvocacySurveyBot',
      SWEEP_INTERVAL_MINUTES: '0',
    }),
    silentLogger,
  );
  t.after(async () => {
    await app.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const run = async (...args: string[]) => {
    const lines: string[] = [];
    const code = await campaignCli(app, args, (line) => lines.push(line));
    return { code, lines };
  };
  assert.deepEqual(
    await run(
      'create',
      'lat-2026',
      '--name',
      'Latin America',
      '--organisation',
      'IFLA LAC',
      '--language',
      'es',
      '--language',
      'en',
    ),
    { code: 0, lines: ['created lat-2026 (draft)'] },
  );
  assert.equal(
    (await run('create', 'Bad Id', '--name', 'x', '--organisation', 'y', '--language', 'es')).code,
    1,
  );
  assert.deepEqual((await run('status', 'lat-2026', 'open')).lines, ['lat-2026 is open']);
  const csv = join(dir, 'invitees.csv');
  writeFileSync(
    csv,
    'nombre;correo;idioma;ciudad\nAna;ana@example.org;es;Lima\nBo;bad-address;en;\nCy;cy@example.org;en;Quito\n',
  );
  assert.deepEqual((await run('import', 'lat-2026', csv)).lines, [
    '2 added, 0 merged, 1 bad row(s)',
    '  line 3: email_invalid',
  ]);
  const link = await run('link', 'lat-2026', '--cap', '100');
  const token = /^token (\S+)$/.exec(link.lines[0]!)?.[1];
  assert.ok(token);
  assert.deepEqual(link.lines.slice(1), [
    `Telegram: https://t.me/AdvocacySurveyBot?start=${token}`,
    `Discord: /survey start code:${token}`,
  ]);
  const svg = join(dir, 'qr.svg');
  assert.equal((await run('qr', token, svg)).code, 0);
  assert.match(readFileSync(svg, 'utf8'), /^<svg /);
  const sent = await run('send', 'lat-2026');
  assert.equal(sent.code, 0);
  assert.equal(sent.lines.at(-1), '2 sent, 0 refused, 0 failed of 2');
  assert.deepEqual(smtp.received.map((m) => m.to[0]).sort(), ['ana@example.org', 'cy@example.org']);
  const funnel = await run('funnel', 'lat-2026', '--csv');
  assert.deepEqual(funnel.lines[0]!.split('\n'), [
    'campaign,split,group,invited,delivered,started,consented,completed,followUp,median_seconds',
    'lat-2026,all,all,2,2,0,0,0,0,',
    'lat-2026,coordinator,cli,2,2,0,0,0,0,',
    'lat-2026,region,,2,2,0,0,0,0,',
    'lat-2026,country,,2,2,0,0,0,0,',
    'lat-2026,language,en,1,1,0,0,0,0,',
    'lat-2026,language,es,1,1,0,0,0,0,',
    'lat-2026,channel,,2,2,0,0,0,0,',
  ]);
  assert.deepEqual((await run('erase-invitee', 'ANA@example.org')).lines, ['1 invitee(s) erased']);
  assert.deepEqual((await run('progress', 'nowhere')).lines, ['refused: not_found']);
});
