import { connect } from 'node:net';

const DEFAULT_PORTS: Record<string, number> = { redis: 6379, mongodb: 27017 };

/** Whether a server (redis:// or mongodb:// URL) accepts a TCP connection within a second. */
export function reachable(url: string): Promise<boolean> {
  const scheme = url.slice(0, url.indexOf(':'));
  const { hostname, port } = new URL(url.replace(/^[a-z+]+:/, 'http:'));
  return new Promise((resolve) => {
    const socket = connect({ host: hostname, port: Number(port) || DEFAULT_PORTS[scheme] || 0 });
    socket.setTimeout(1000);
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
    socket.once('timeout', () => (socket.destroy(), resolve(false)));
  });
}

/** The q-quantile (0..1) of sorted values; NaN when there are none. */
export function percentile(sorted: number[], q: number): number {
  return sorted.length === 0
    ? Number.NaN
    : sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}
