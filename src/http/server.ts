import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { silentLogger, type Logger } from '../log.ts';

export type RouteHandler = (req: IncomingMessage, res: ServerResponse) => void | Promise<void>;
export type Method = 'GET' | 'POST' | 'HEAD' | 'PUT' | 'DELETE';

/**
 * The process's one HTTP server: a route table of exact paths, shared by the Telegram webhook
 * and (later) health and metrics endpoints. Unknown paths get 404, a known path with another
 * method 405, and a handler that throws 500, logged; the server keeps serving.
 */
export class HttpServer {
  private readonly routes = new Map<string, Map<Method, RouteHandler>>();
  /** Whole path prefixes handed to another application (the dashboard), after the exact routes. */
  private readonly prefixes = new Map<string, RouteHandler>();
  private readonly server: Server;
  private closing = false;

  constructor(private readonly log: Logger = silentLogger) {
    this.server = createServer((req, res) => void this.dispatch(req, res));
    // Keep-alive connections would hold `close()` open for their idle time.
    this.server.keepAliveTimeout = 5_000;
  }

  /** Mounts a handler; returns a function that unmounts it. */
  route(method: Method, path: string, handler: RouteHandler): () => void {
    if (!path.startsWith('/')) throw new Error(`route path must start with /: ${path}`);
    const methods = this.routes.get(path) ?? new Map<Method, RouteHandler>();
    if (methods.has(method)) throw new Error(`route ${method} ${path} is already mounted`);
    methods.set(method, handler);
    this.routes.set(path, methods);
    return () => {
      if (methods.get(method) !== handler) return;
      methods.delete(method);
      if (methods.size === 0) this.routes.delete(path);
    };
  }

  /**
   * Hands every request under `prefix` (the prefix itself and `prefix/...`, any method) to
   * `handler`, which answers them all; exact routes keep priority. Returns a function that unmounts.
   */
  mount(prefix: string, handler: RouteHandler): () => void {
    if (!/^\/[\w-]+$/.test(prefix)) throw new Error(`mount prefix must be one path segment: ${prefix}`);
    if (this.prefixes.has(prefix)) throw new Error(`${prefix} is already mounted`);
    this.prefixes.set(prefix, handler);
    return () => {
      if (this.prefixes.get(prefix) === handler) this.prefixes.delete(prefix);
    };
  }

  /** Starts listening; port 0 picks a free port. Resolves to the port in use. */
  listen(port: number, host: string): Promise<number> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, host, () => {
        this.server.off('error', reject);
        resolve((this.server.address() as AddressInfo).port);
      });
    });
  }

  get listening(): boolean {
    return this.server.listening;
  }

  /**
   * Stops listening and waits for the requests being served. A kept-alive connection is closed
   * as soon as its response is out, rather than after its idle time.
   */
  async close(): Promise<void> {
    if (!this.server.listening) return;
    this.closing = true;
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      this.server.closeIdleConnections();
    });
  }

  private prefixOf(path: string): RouteHandler | undefined {
    const first = path.indexOf('/', 1);
    return this.prefixes.get(first < 0 ? path : path.slice(0, first));
  }

  private async dispatch(req: IncomingMessage, res: ServerResponse): Promise<void> {
    res.once('finish', () => {
      if (this.closing) setImmediate(() => this.server.closeIdleConnections());
    });
    if (this.closing) res.setHeader('connection', 'close');
    const path = (req.url ?? '/').split('?')[0]!;
    const methods = this.routes.get(path);
    const handler = methods?.get(req.method as Method) ?? (methods ? undefined : this.prefixOf(path));
    if (!handler) {
      res.writeHead(methods ? 405 : 404, methods ? { allow: [...methods.keys()].join(', ') } : {}).end();
      return;
    }
    try {
      await handler(req, res);
    } catch (error) {
      this.log.error(
        { err: error, method: req.method, path: this.prefixOf(path) ? 'mounted' : path },
        'http handler failed',
      );
      if (!res.headersSent) res.writeHead(500);
      res.end();
    }
  }
}
