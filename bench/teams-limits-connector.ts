import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { RateWindow, TEAMS_CONVERSATION_WINDOWS, TEAMS_TENANT_WINDOWS } from '../services/delivery/rate-limiter';

export interface StubMessage {
  conversationId: string;
  activityId: string;
  activity: { type?: string; text?: string; attachments?: { content: Record<string, unknown> }[] };
  at: number;
}

/**
 * A connector that enforces Teams' rate limits as Teams would, on arrival: a request that would
 * break a per-conversation window or the per-tenant one is answered 429 with Retry-After and is
 * not delivered. It can also answer slowly (to catch a process mid-send) or refuse (403).
 */
export class TeamsLimitsStub {
  readonly received: StubMessage[] = [];
  throttled = 0;
  inFlight = 0;
  delayMs = 0;
  retryAfterSeconds = 1;
  /** A status to answer instead of delivering (e.g. 403 for a removed bot). */
  refuse?: (conversationId: string) => number | undefined;
  onMessage?: (message: StubMessage) => void;
  url = '';
  private server?: http.Server;
  private counter = 0;
  private readonly perConversation = new Map<string, number[]>();
  private readonly all: number[] = [];

  constructor(
    private readonly conversationWindows: readonly RateWindow[] = TEAMS_CONVERSATION_WINDOWS,
    private readonly tenantWindows: readonly RateWindow[] = TEAMS_TENANT_WINDOWS,
  ) {}

  async start(): Promise<string> {
    this.server = http.createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
      req.on('end', () => {
        this.inFlight += 1;
        const answer = () => {
          this.inFlight -= 1;
          this.handle(req, res, body);
        };
        if (this.delayMs) setTimeout(answer, this.delayMs);
        else answer();
      });
    });
    this.server.keepAliveTimeout = 1000;
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/`;
    return this.url;
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse, body: string): void {
    const match = /^\/v3\/conversations\/([^/]+)\/activities/.exec(req.url ?? '');
    if (!match) {
      // Not chained: restify, when loaded in the same process, patches writeHead to return nothing.
      res.writeHead(404);
      res.end();
      return;
    }
    const conversationId = decodeURIComponent(match[1]);
    const refused = this.refuse?.(conversationId);
    if (refused) {
      res.writeHead(refused, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ error: { code: 'BotNotInConversationRoster', message: 'refused' } }));
      return;
    }
    const now = Date.now();
    const times = this.perConversation.get(conversationId) ?? [];
    if (breaks(times, now, this.conversationWindows) || breaks(this.all, now, this.tenantWindows)) {
      this.throttled += 1;
      res.writeHead(429, { 'Content-Type': 'application/json', 'Retry-After': String(this.retryAfterSeconds) });
      res.end(JSON.stringify({ error: { code: 'Throttled', message: 'Too many requests' } }));
      return;
    }
    times.push(now);
    this.perConversation.set(conversationId, times);
    this.all.push(now);
    const message: StubMessage = { conversationId, activityId: `act-${++this.counter}`, activity: body ? (JSON.parse(body) as StubMessage['activity']) : {}, at: now };
    this.received.push(message);
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify({ id: message.activityId }));
    this.onMessage?.(message);
  }

  /** The text of every received message's card and text, for finding a reminder by its title. */
  static content(message: StubMessage): string {
    return JSON.stringify(message.activity.attachments?.map((a) => a.content) ?? []) + (message.activity.text ?? '');
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeAllConnections();
    await closed;
  }
}

/** True when one more request now would put more than `limit` in some window. */
function breaks(times: number[], now: number, windows: readonly RateWindow[]): boolean {
  return windows.some(({ limit, windowMs }) => {
    let count = 0;
    for (let i = times.length - 1; i >= 0 && times[i] > now - windowMs; i--) count += 1;
    return count + 1 > limit;
  });
}
