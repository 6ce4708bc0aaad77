import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { randomUUID } from 'node:crypto';
import { compose, Composed } from '../../bot/compose';
import { parseConfig, PLAYGROUND_TENANT_ID } from '../../services/config';
import { silentLogger } from '../../services/logger';
import type { Store } from '../../services/store/port';
import { TestClock } from './clock';
import { ConnectorStub } from './connector-stub';
import { TEST_LOG_SEAL_KEY } from './seal-key';

export const TENANT = PLAYGROUND_TENANT_ID;

/** The playground's demo users, with the roles config/directory.playground.json gives them. */
export const USERS = {
  alex: { id: 'user-alex', aadObjectId: '00000000-0000-0000-0000-0000000000020', name: 'Alex Wilber' }, // chair, business, partner
  megan: { id: 'user-megan', aadObjectId: '00000000-0000-0000-0000-0000000000021', name: 'Megan Bowen' }, // partner
  adele: { id: 'user-adele', aadObjectId: '00000000-0000-0000-0000-0000000000022', name: 'Adele Vance' }, // partner
  isaiah: { id: 'user-isaiah', aadObjectId: '00000000-0000-0000-0000-0000000000023', name: 'Isaiah Langer' }, // partner
  patti: { id: 'user-patti', aadObjectId: '00000000-0000-0000-0000-0000000000024', name: 'Patti Fernandez' }, // business
  lynne: { id: 'user-lynne', aadObjectId: '00000000-0000-0000-0000-0000000000025', name: 'Lynne Robbins' }, // lay
} as const;
export type TestUser = { id: string; aadObjectId: string; name: string };

export interface ConversationSpec {
  id: string;
  type: 'personal' | 'channel' | 'groupChat';
  name?: string;
  teamName?: string;
}
export const personalChat = (user: TestUser): ConversationSpec => ({ id: `personal-${user.id}`, type: 'personal' });
export const BOARD_CHANNEL: ConversationSpec = { id: '19:board@thread.tacv2', type: 'channel', name: 'Executive Board', teamName: 'Warwickshire Safeguarding' };

/** The real bot (restify, CloudAdapter, Teams AI) on a temporary embedded store, talking to a connector stub. */
export class BotHarness {
  readonly stub: ConnectorStub;
  composed!: Composed;
  baseUrl = '';
  dataDir = '';

  constructor(readonly clock = new TestClock('2026-03-02T10:00:00Z'), private readonly env: Record<string, string> = {}, private readonly store?: Store, stub = new ConnectorStub()) {
    this.stub = stub;
  }

  async start(): Promise<this> {
    await this.stub.start();
    this.dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'wsb-test-'));
    const config = parseConfig({ PORT: '0', HOST: '127.0.0.1', DATA_DIR: this.dataDir, DIRECTORY_SEED: 'config/directory.playground.json', SCHEDULER_ENABLED: 'false', LOG_SEAL_KEY: TEST_LOG_SEAL_KEY, ...this.env });
    this.composed = await compose(config, { clock: this.clock, logger: silentLogger, ...(this.store ? { store: this.store } : {}) });
    const port = await this.composed.start();
    this.baseUrl = `http://127.0.0.1:${port}`;
    return this;
  }

  async stop(): Promise<void> {
    await this.composed?.stop(2000);
    await this.stub.stop();
    if (this.dataDir) fs.rmSync(this.dataDir, { recursive: true, force: true });
  }

  activity(user: TestUser, conversation: ConversationSpec, fields: Record<string, unknown>): Record<string, unknown> {
    return {
      id: randomUUID(),
      channelId: 'msteams',
      serviceUrl: this.stub.url,
      timestamp: this.clock.now().toISOString(),
      from: { id: user.id, name: user.name, aadObjectId: user.aadObjectId },
      recipient: { id: 'bot-id', name: 'Safeguarding bot' },
      conversation: { id: conversation.id, conversationType: conversation.type, tenantId: TENANT, ...(conversation.name ? { name: conversation.name } : {}) },
      channelData: {
        tenant: { id: TENANT },
        ...(conversation.type === 'channel' ? { team: { id: 'team-1', name: conversation.teamName }, channel: { id: conversation.id, name: conversation.name } } : {}),
      },
      ...fields,
    };
  }

  async post(body: unknown): Promise<{ status: number; body: unknown }> {
    const res = await fetch(`${this.baseUrl}/api/messages`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      /* not JSON */
    }
    // Card updates of other copies go out after the turn answers; wait for them so tests see them.
    await this.composed.services.publisher.idle();
    return { status: res.status, body: parsed };
  }

  /** Sends a text message and returns what the bot posted in reply. */
  async say(user: TestUser, text: string, conversation: ConversationSpec = personalChat(user)) {
    const before = this.stub.received.length;
    const result = await this.post(this.activity(user, conversation, { type: 'message', text }));
    if (result.status >= 300) throw new Error(`message "${text}" answered ${result.status}: ${JSON.stringify(result.body)}`);
    return this.stub.received.slice(before);
  }

  /** Clicks an Action.Execute button; returns the invoke response body ({ statusCode, type, value }). */
  async click(user: TestUser, verb: string, data: Record<string, unknown>, conversation: ConversationSpec = personalChat(user), replyToId = 'card-1') {
    const result = await this.post(
      this.activity(user, conversation, {
        type: 'invoke',
        name: 'adaptiveCard/action',
        replyToId,
        value: { action: { type: 'Action.Execute', verb, data } },
      }),
    );
    return result;
  }
}

export function cardText(card: unknown): string {
  return JSON.stringify(card ?? {});
}
