import { randomBytes } from 'node:crypto';
import type { Server } from 'node:http';
import { WebSocket, WebSocketServer } from 'ws';

/** Gateway opcodes and the intent bit the stand-in checks. */
const OP = {
  dispatch: 0,
  heartbeat: 1,
  identify: 2,
  resume: 6,
  reconnect: 7,
  invalidSession: 9,
  hello: 10,
  ack: 11,
};
export const DIRECT_MESSAGES_INTENT = 1 << 12;
export const GUILD_MESSAGES_INTENT = 1 << 9;
export const MESSAGE_CONTENT_INTENT = 1 << 15;

interface Frame {
  op: number;
  t?: string | null;
  s?: number | null;
  d?: unknown;
}

/**
 * The Discord gateway, as far as a bot sees it: HELLO, IDENTIFY and READY, heartbeats and their
 * acknowledgements, numbered dispatches, and RESUME after a dropped socket, with the events sent
 * while the bot was away replayed in order. Plain JSON frames (the bot has no zlib-sync).
 */
export class GatewayStandIn {
  readonly path = '/gateway';
  readonly resumePath = '/gateway-resume';
  private readonly wss = new WebSocketServer({ noServer: true });
  private socket: WebSocket | null = null;
  private ready = false;
  private sessionId: string | null = null;
  private seq = 0;
  /** Recent dispatches, for replay on RESUME (Discord keeps a similar window). */
  private readonly sent: Frame[] = [];
  intents = 0;
  readonly stats = { connections: 0, identifies: 0, resumes: 0, heartbeats: 0, replayed: 0 };
  private readonly readyWaiters: (() => void)[] = [];

  constructor(
    server: Server,
    private readonly opts: {
      token: string;
      heartbeatInterval: number;
      botUser: object;
      applicationId: string;
      url: () => string;
    },
  ) {
    server.on('upgrade', (req, socket, head) => {
      const path = (req.url ?? '').split('?')[0];
      if (path !== this.path && path !== this.resumePath) return socket.destroy();
      this.wss.handleUpgrade(req, socket, head, (ws) => this.accept(ws));
    });
  }

  get url(): string {
    return this.opts.url() + this.path;
  }

  /** Dispatches an event; while the bot is disconnected it waits for the RESUME replay. */
  dispatch(t: string, d: unknown): void {
    const frame: Frame = { op: OP.dispatch, t, s: ++this.seq, d };
    this.sent.push(frame);
    if (this.sent.length > 5000) this.sent.shift();
    if (this.ready && this.socket?.readyState === WebSocket.OPEN) this.socket.send(JSON.stringify(frame));
  }

  /** Kills the TCP connection without a close frame, as a network fault does. */
  dropSocket(): void {
    this.ready = false;
    this.socket?.terminate();
    this.socket = null;
  }

  /** Resolves once the bot is identified or resumed and receiving dispatches. */
  whenReady(): Promise<void> {
    if (this.ready) return Promise.resolve();
    return new Promise((resolve) => this.readyWaiters.push(resolve));
  }

  close(): void {
    this.socket?.terminate();
    this.wss.close();
  }

  private accept(ws: WebSocket): void {
    this.socket?.terminate();
    this.socket = ws;
    this.ready = false;
    this.stats.connections++;
    ws.on('message', (raw) => this.receive(ws, raw.toString()));
    ws.on('close', () => {
      if (this.socket === ws) {
        this.socket = null;
        this.ready = false;
      }
    });
    ws.on('error', () => {});
    this.send(ws, { op: OP.hello, d: { heartbeat_interval: this.opts.heartbeatInterval } });
  }

  private send(ws: WebSocket, frame: Frame): void {
    if (ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify(frame));
  }

  private receive(ws: WebSocket, raw: string): void {
    let frame: Frame;
    try {
      frame = JSON.parse(raw) as Frame;
    } catch {
      return ws.close(4002, 'Decode error');
    }
    const d = frame.d as Record<string, unknown> | null;
    switch (frame.op) {
      case OP.heartbeat:
        this.stats.heartbeats++;
        return this.send(ws, { op: OP.ack });
      case OP.identify: {
        if (d?.token !== this.opts.token) return ws.close(4004, 'Authentication failed');
        this.stats.identifies++;
        this.intents = Number(d.intents ?? 0);
        this.sessionId = randomBytes(16).toString('hex');
        const ready: Frame = {
          op: OP.dispatch,
          t: 'READY',
          s: ++this.seq,
          d: {
            v: 10,
            user: this.opts.botUser,
            guilds: [],
            session_id: this.sessionId,
            resume_gateway_url: this.opts.url() + this.resumePath,
            shard: [0, 1],
            application: { id: this.opts.applicationId, flags: 0 },
            private_channels: [],
            relationships: [],
            user_settings: {},
            presences: [],
          },
        };
        this.sent.push(ready);
        this.send(ws, ready);
        return this.becomeReady();
      }
      case OP.resume: {
        if (d?.token !== this.opts.token || d?.session_id !== this.sessionId) {
          return this.send(ws, { op: OP.invalidSession, d: false });
        }
        this.stats.resumes++;
        const after = Number(d.seq ?? 0);
        for (const missed of this.sent.filter((f) => (f.s ?? 0) > after)) {
          this.stats.replayed++;
          this.send(ws, missed);
        }
        this.send(ws, { op: OP.dispatch, t: 'RESUMED', s: ++this.seq, d: {} });
        return this.becomeReady();
      }
      default:
        return;
    }
  }

  private becomeReady(): void {
    this.ready = true;
    for (const resolve of this.readyWaiters.splice(0)) resolve();
  }
}
