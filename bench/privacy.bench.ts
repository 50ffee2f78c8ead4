import { performance } from 'node:perf_hooks';
import { Keyring } from '../src/privacy/keyring.ts';
import { RateLimiter } from '../src/privacy/rate-limit.ts';

/**
 * What sealing costs a turn: a Redis session is sealed on every write and opened on every read
 * that is not served from memory, and its key hashed once per turn. Prints operations per second
 * and microseconds each for a whole survey's session (about 3 KB of JSON), and the per-user rate
 * limiter's cost per update.
 */
export async function run(): Promise<void> {
  const keyring = new Keyring([{ id: 'k1', key: Buffer.alloc(32, 1) }], 'k1', Buffer.alloc(32, 2));
  const answers = Object.fromEntries(
    Array.from({ length: 30 }, (_, i) => [
      `q${i}`,
      { status: 'answered', value: { option: `option_${i}`, other: 'some typed words here' } },
    ]),
  );
  const session = JSON.stringify({
    schema: 2,
    id: 'x'.repeat(36),
    answers,
    durations: {},
    meta: { chat: '123456789' },
  });
  const time = (name: string, n: number, op: (i: number) => void) => {
    for (let i = 0; i < 1000; i++) op(i);
    const start = performance.now();
    for (let i = 0; i < n; i++) op(i);
    const ms = performance.now() - start;
    console.log(
      `${name}: ${Math.round((n / ms) * 1000).toLocaleString('en')} per second, ${((ms * 1000) / n).toFixed(1)} µs each`,
    );
  };
  const sealed = keyring.seal(session, 'session');
  console.log(`session JSON ${session.length} bytes, sealed ${sealed.length} bytes`);
  time('seal a session', 20_000, () => keyring.seal(session, 'session'));
  time('open a session', 20_000, () => keyring.open(sealed, 'session'));
  time('keyed hash of a session key', 100_000, (i) => keyring.hash(`telegram:${i}`, 'session'));
  const limiter = new RateLimiter({ perMinute: 240, burst: 120, clock: Date.now });
  time('rate limiter, 10,000 users', 1_000_000, (i) => limiter.take(`telegram:${i % 10_000}`));
}
