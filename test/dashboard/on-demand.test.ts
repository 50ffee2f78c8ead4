import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { createApp } from '../../src/app.ts';
import { parseConfig } from '../../src/config.ts';
import { mountDashboardOnDemand } from '../../src/dashboard/lazy-start.ts';
import { HttpServer } from '../../src/http/server.ts';
import { captureLog } from '../support/logs.ts';

test('the dashboard mounted on demand starts at its first request and serves the pages it serves when started at once', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'dashboard-on-demand-'));
  const app = await createApp(parseConfig({ DATA_DIR: dir }), captureLog().log);
  const http = new HttpServer();
  const port = await http.listen(0, '127.0.0.1');
  const dashboard = mountDashboardOnDemand(app, http);
  t.after(async () => {
    await dashboard.close();
    await http.close();
    await app.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const base = `http://127.0.0.1:${port}/dashboard`;
  // Two requests at once while it starts: both wait for the one start and get the sign-in page.
  const [a, b] = await Promise.all([fetch(`${base}/signin`), fetch(`${base}/signin`)]);
  assert.equal(a.status, 200);
  assert.equal(b.status, 200);
  assert.match(await a.text(), /<title>Sign in/);
  await b.text();
  // A page for signed-in staff only sends an anonymous visitor to sign in, as always.
  const overview = await fetch(`${base}/`, { redirect: 'manual' });
  assert.notEqual(overview.status, 503);
  assert.notEqual(overview.status, 404);
  await dashboard.close();
  const after = await fetch(`${base}/signin`);
  assert.equal(after.status, 404, 'unmounted once closed');
});
