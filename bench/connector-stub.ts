import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * The smallest stand-in for the Teams connector a benchmark needs: answers every activity the
 * bot posts or updates with `{ id }` and counts them, keeping nothing else (10,000 turns must
 * not grow its memory). Tests that inspect replies use tests/support/connector-stub.ts.
 */
export class BenchConnector {
  private server?: http.Server;
  private counter = 0;
  /** Activities received (replies, updates, typing). */
  received = 0;
  /** The body of the most recent activity (only the last, to check a scenario does what it claims). */
  last = '';
  url = '';

  async start(): Promise<string> {
    this.server = http.createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString('utf8')));
      req.on('end', () => {
        this.received += 1;
        this.last = body;
        const ok = /^\/v3\/conversations\//.test(req.url ?? '');
        res.writeHead(ok ? 200 : 404, { 'Content-Type': 'application/json' });
        res.end(ok ? JSON.stringify({ id: `bench-${++this.counter}` }) : '');
      });
    });
    this.server.keepAliveTimeout = 30_000;
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/`;
    return this.url;
  }

  async stop(): Promise<void> {
    if (!this.server) return;
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server!.close(() => resolve()));
  }
}
