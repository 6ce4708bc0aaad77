import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedActivity {
  method: 'POST' | 'PUT';
  conversationId: string;
  /** The id the stub gave the activity (POST) or the id being updated (PUT). */
  activityId: string;
  replyToId?: string;
  activity: Record<string, unknown> & { type?: string; text?: string; attachments?: { contentType: string; content: Record<string, unknown> }[] };
  at: number;
}

/**
 * A stand-in for the Bot Framework / Teams connector: receives what the bot sends (replies,
 * proactive posts, updates), gives each an id, and can be told to fail.
 */
export class ConnectorStub {
  readonly received: ReceivedActivity[] = [];
  private server?: http.Server;
  private counter = 0;
  /** Return a status (and optional headers) to fail a request, or undefined to accept it. */
  failWith?: (req: { method: string; conversationId: string; activity: Record<string, unknown> }) => { status: number; headers?: Record<string, string> } | undefined;
  url = '';
  /** Answer each accepted request this many ms after recording it (a slow connector, for shutdown tests). */
  delayMs = 0;
  /**
   * Return true to drop the connection without answering (a reset, as a connector does when it
   * closes a keep-alive socket the client was about to reuse). Nothing is recorded.
   */
  resetWhen?: (req: { method: string; conversationId: string; activity: Record<string, unknown> }) => boolean;
  /** Return true to accept a POST but answer without the activity id (as some channels do). */
  omitIdWhen?: (req: { method: string; conversationId: string }) => boolean;
  /**
   * Return a promise to record a request at once but answer it only when the promise settles (a
   * connector still busy with it, for tests that step what arrives while it is on its way).
   */
  holdWhen?: (req: { method: string; conversationId: string; activityId?: string }) => Promise<void> | undefined;
  /** Requests answered with a failure or a reset, for assertions. */
  readonly refused: { method: string; conversationId: string; status: number | 'reset' }[] = [];

  constructor(private readonly options: { keepAliveTimeoutMs?: number } = {}) {}

  async start(): Promise<string> {
    this.server = http.createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
      req.on('end', () => this.handle(req, res, body));
    });
    // Teams' front door closes idle keep-alive sockets after a few seconds; a short timeout here makes the client meet closed sockets.
    if (this.options.keepAliveTimeoutMs !== undefined) this.server.keepAliveTimeout = this.options.keepAliveTimeoutMs;
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/`;
    return this.url;
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse, body: string): void {
    const match = /^\/v3\/conversations\/([^/]+)\/activities(?:\/([^/?]+))?/.exec(req.url ?? '');
    if (!match) {
      res.writeHead(404).end();
      return;
    }
    const conversationId = decodeURIComponent(match[1]);
    const pathActivityId = match[2] ? decodeURIComponent(match[2]) : undefined;
    const activity = body ? (JSON.parse(body) as ReceivedActivity['activity']) : {};
    if (this.resetWhen?.({ method: req.method ?? '', conversationId, activity })) {
      this.refused.push({ method: req.method ?? '', conversationId, status: 'reset' });
      req.socket.destroy();
      return;
    }
    const failure = this.failWith?.({ method: req.method ?? '', conversationId, activity });
    if (failure) {
      this.refused.push({ method: req.method ?? '', conversationId, status: failure.status });
      res.writeHead(failure.status, { 'Content-Type': 'application/json', ...(failure.headers ?? {}) });
      res.end(JSON.stringify({ error: { code: 'Failure', message: `stub answered ${failure.status}` } }));
      return;
    }
    const method = req.method === 'PUT' ? 'PUT' : 'POST';
    const activityId = method === 'PUT' ? pathActivityId! : `act-${++this.counter}`;
    this.received.push({ method, conversationId, activityId, replyToId: method === 'POST' ? pathActivityId : undefined, activity, at: Date.now() });
    const omitId = this.omitIdWhen?.({ method: req.method ?? '', conversationId }) ?? false;
    const respond = () => {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify(omitId ? {} : { id: activityId }));
    };
    const held = this.holdWhen?.({ method, conversationId, activityId: pathActivityId });
    if (held) void held.then(respond, respond);
    else if (this.delayMs > 0) setTimeout(respond, this.delayMs);
    else respond();
  }

  /** Messages (not typing indicators) posted so far. */
  messages(): ReceivedActivity[] {
    return this.received.filter((r) => r.activity.type === 'message');
  }

  /** The Adaptive Card content of a received activity, if it has one. */
  static card(r: ReceivedActivity): Record<string, unknown> | undefined {
    return r.activity.attachments?.find((a) => a.contentType === 'application/vnd.microsoft.card.adaptive')?.content;
  }

  clear(): void {
    this.received.length = 0;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}
