import { connect, createServer, type Server, type Socket } from 'node:net';

/**
 * HTTP/1.1 with keep-alive and Content-Length bodies, and nothing else, over plain sockets: the
 * load test's side of the wire (Telegram serving the Bot API and posting updates) costs a
 * fraction of Node's http module, so that on a small machine the CPU goes to the bots measured.
 * Chunked bodies are not spoken; a peer that sends one is an error, counted by the caller.
 */

interface Parsed {
  head: string;
  body: string;
}

/** Takes whole messages (head and Content-Length body) off the front of a socket's buffer. */
class MessageReader {
  private buffer: Buffer = Buffer.alloc(0);

  push(chunk: Buffer): Parsed[] {
    this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk]);
    const messages: Parsed[] = [];
    for (;;) {
      const end = this.buffer.indexOf('\r\n\r\n');
      if (end < 0) return messages;
      const head = this.buffer.toString('latin1', 0, end);
      if (/\r\ntransfer-encoding:\s*chunked/i.test(head)) throw new Error('chunked bodies are not supported');
      const length = Number(/\r\ncontent-length:\s*(\d+)/i.exec(head)?.[1] ?? 0);
      if (this.buffer.length < end + 4 + length) return messages;
      messages.push({ head, body: this.buffer.toString('utf8', end + 4, end + 4 + length) });
      this.buffer = this.buffer.subarray(end + 4 + length);
    }
  }
}

export type Handler = (path: string, body: string) => { status: number; body: string };

/** A keep-alive HTTP server answering each request with `handle` (JSON bodies). */
export function leanServer(handle: Handler): Server {
  return createServer((socket) => {
    socket.setNoDelay(true);
    const reader = new MessageReader();
    socket.on('data', (chunk: Buffer) => {
      let requests: Parsed[];
      try {
        requests = reader.push(chunk);
      } catch {
        socket.destroy();
        return;
      }
      for (const { head, body } of requests) {
        const path = head.slice(head.indexOf(' ') + 1, head.indexOf(' ', head.indexOf(' ') + 1));
        const reply = handle(path, body);
        socket.write(
          `HTTP/1.1 ${reply.status} ${reply.status === 200 ? 'OK' : 'Error'}\r\ncontent-type: application/json\r\n` +
            `content-length: ${Buffer.byteLength(reply.body)}\r\nkeep-alive: timeout=5\r\n\r\n${reply.body}`,
        );
      }
    });
    socket.on('error', () => socket.destroy());
  });
}

/** Keep-alive connections to one server, each carrying one request at a time. */
export class LeanClient {
  private readonly idle: Socket[] = [];
  private readonly all = new Set<Socket>();

  constructor(
    private readonly port: number,
    private readonly headers: Record<string, string>,
  ) {}

  /** Requests sent again on a new connection after a kept-alive one closed under them. */
  resent = 0;

  /**
   * POSTs a JSON body; resolves with the status code (0 when the connection failed). A kept-alive
   * connection the server closed just as the request went out is the usual keep-alive race: the
   * request is sent once more on a new connection (the bot applies an update id at most once).
   */
  async post(path: string, body: string): Promise<number> {
    const reused = this.idle.length > 0;
    const status = await this.send(this.idle.pop() ?? this.open(), path, body);
    if (status !== 0 || !reused) return status;
    this.resent++;
    return this.send(this.open(), path, body);
  }

  private send(socket: Socket, path: string, body: string): Promise<number> {
    return new Promise((resolve) => {
      const reader = new MessageReader();
      const done = (status: number, keep: boolean) => {
        socket.off('data', onData);
        socket.off('close', onClose);
        if (keep) this.idle.push(socket);
        else socket.destroy();
        resolve(status);
      };
      const onData = (chunk: Buffer) => {
        let responses: Parsed[];
        try {
          responses = reader.push(chunk);
        } catch {
          return done(0, false);
        }
        const response = responses[0];
        if (!response) return;
        done(Number(response.head.split(' ')[1]), !/\r\nconnection:\s*close/i.test(response.head));
      };
      const onClose = () => done(0, false);
      socket.on('data', onData);
      socket.on('close', onClose);
      const extra = Object.entries(this.headers)
        .map(([k, v]) => `${k}: ${v}\r\n`)
        .join('');
      socket.write(
        `POST ${path} HTTP/1.1\r\nhost: 127.0.0.1:${this.port}\r\ncontent-type: application/json\r\n` +
          `content-length: ${Buffer.byteLength(body)}\r\n${extra}\r\n${body}`,
      );
    });
  }

  private open(): Socket {
    const socket = connect({ host: '127.0.0.1', port: this.port });
    socket.setNoDelay(true);
    socket.on('error', () => {});
    socket.on('close', () => {
      this.all.delete(socket);
      const i = this.idle.indexOf(socket);
      if (i >= 0) this.idle.splice(i, 1);
    });
    this.all.add(socket);
    return socket;
  }

  close(): void {
    for (const socket of this.all) socket.destroy();
  }
}
