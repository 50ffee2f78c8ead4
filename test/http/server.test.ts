import assert from 'node:assert/strict';
import { test } from 'node:test';
import { HttpServer } from '../../src/http/server.ts';

test('the HTTP server routes exact paths by method: 404, 405 with Allow, 500 on a throwing handler', async (t) => {
  const server = new HttpServer();
  const port = await server.listen(0, '127.0.0.1');
  t.after(() => server.close());
  const base = `http://127.0.0.1:${port}`;
  const unmount = server.route('GET', '/healthz', (_req, res) => void res.end('ok'));
  server.route('POST', '/boom', () => {
    throw new Error('handler bug');
  });
  assert.throws(() => server.route('GET', '/healthz', () => {}), /already mounted/);
  assert.throws(() => server.route('GET', 'healthz', () => {}), /must start with/);

  const ok = await fetch(`${base}/healthz?probe=1`);
  assert.equal(ok.status, 200);
  assert.equal(await ok.text(), 'ok');
  const wrongMethod = await fetch(`${base}/healthz`, { method: 'POST' });
  assert.equal(wrongMethod.status, 405);
  assert.equal(wrongMethod.headers.get('allow'), 'GET');
  assert.equal((await fetch(`${base}/nothing`)).status, 404);
  assert.equal((await fetch(`${base}/boom`, { method: 'POST' })).status, 500);
  // Still serving after a handler failed; unmounting removes the route.
  unmount();
  assert.equal((await fetch(`${base}/healthz`)).status, 404);
});

test('a mounted prefix takes every path under it, any method; exact routes keep priority', async (t) => {
  const server = new HttpServer();
  const port = await server.listen(0, '127.0.0.1');
  t.after(() => server.close());
  const base = `http://127.0.0.1:${port}`;
  server.route('GET', '/dashboardish', (_req, res) => void res.end('exact'));
  server.route('GET', '/app/health', (_req, res) => void res.end('exact route'));
  const unmount = server.mount('/app', (req, res) => void res.end(`mounted ${req.method} ${req.url}`));
  assert.throws(() => server.mount('/app', () => {}), /already mounted/);
  assert.throws(() => server.mount('/a/b', () => {}), /one path segment/);

  assert.equal(await (await fetch(`${base}/app`)).text(), 'mounted GET /app');
  assert.equal(
    await (await fetch(`${base}/app/x/y?q=1`, { method: 'POST' })).text(),
    'mounted POST /app/x/y?q=1',
  );
  assert.equal(await (await fetch(`${base}/app/health`)).text(), 'exact route');
  assert.equal(
    await (await fetch(`${base}/dashboardish`)).text(),
    'exact',
    'a longer name is not under the prefix',
  );
  assert.equal((await fetch(`${base}/apple`)).status, 404);
  unmount();
  assert.equal((await fetch(`${base}/app/x`)).status, 404);
});
