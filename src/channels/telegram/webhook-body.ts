import type { IncomingMessage } from 'node:http';

/** A request body read whole, or why not: larger than the limit, or the sender went away. */
export type LimitedBody = { text: string } | 'too_large' | 'aborted';

/**
 * Reads a request body of at most `limit` bytes as UTF-8. A declared length over the limit is
 * refused before any byte is read, and an undeclared (chunked) body is read only up to the limit,
 * so an oversized body never sits in memory whole.
 */
export function readLimitedBody(req: IncomingMessage, limit: number): Promise<LimitedBody> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) return Promise.resolve('too_large');
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limit) {
        chunks.push(chunk);
        return;
      }
      // Nothing more is read; the connection is closed once the refusal is out.
      req.off('data', onData);
      req.pause();
      resolve('too_large');
    };
    req.on('data', onData);
    req.once('end', () => resolve({ text: Buffer.concat(chunks).toString('utf8') }));
    // A sender that disconnects mid-body: 'close' without 'end' (a later resolve is ignored).
    req.once('close', () => resolve('aborted'));
    req.once('error', () => resolve('aborted'));
  });
}
