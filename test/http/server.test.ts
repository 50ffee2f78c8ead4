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
