import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { renderNamedCard } from '../../cards/registry';
import { renderDigest } from '../../cards/reminders/digest';
import { parseConfig } from '../../services/config';
import { ConversationRecord, Conversations } from '../../services/conversations';
import type { Actor } from '../../services/directory/roles';
import { AuditLog, SYSTEM_ACTOR } from '../../services/log/audit-log';
import { silentLogger } from '../../services/logger';
import { DeliveryError, Messenger, OutboundMessage } from '../../services/messaging';
import type { ReminderSpec } from '../../services/reminders/port';
import { RemindersService } from '../../services/reminders/reminders-service';
import { Scheduler, SchedulerOptions } from '../../services/reminders/scheduler';
import { EmbeddedStore } from '../../services/store/embedded-store';
import type { Store } from '../../services/store/port';
import { CalendarTime } from '../../services/time';
import { TestClock } from './clock';

export const TENANT = '00000000-0000-0000-0000-0000000000001';
export const BUSINESS: Actor = { tenantId: TENANT, aadObjectId: 'business-1', name: 'Patti Fernandez', roles: ['business'] };
export const SYSTEM: Actor = { ...SYSTEM_ACTOR, tenantId: TENANT };

export interface SentMessage {
  conversation: ConversationRecord;
  message: OutboundMessage;
  activityId: string;
}

/** Records what is sent; `fail` decides per send whether it throws. */
export class RecordingMessenger implements Messenger {
  readonly sent: SentMessage[] = [];
  fail?: (conversation: ConversationRecord, message: OutboundMessage) => Error | undefined;
  private counter = 0;
  async send(conversation: ConversationRecord, message: OutboundMessage): Promise<{ activityId: string }> {
    const failure = this.fail?.(conversation, message);
    if (failure) throw failure;
    const activityId = `act-${++this.counter}`;
    this.sent.push({ conversation, message, activityId });
    return { activityId };
  }
  async update(): Promise<void> {}
  to(conversationId: string): SentMessage[] {
    return this.sent.filter((s) => s.conversation.conversationId === conversationId);
  }
}

export const forbidden = (): Error => new DeliveryError('BotNotInConversationRoster', 403);

/** Services and a scheduler over one store, with a stepping clock and a recording messenger. */
export class RemindersWorld {
  readonly clock: TestClock;
  readonly settings = parseConfig({}).reminders;
  readonly time = new CalendarTime('Europe/London');
  readonly messenger = new RecordingMessenger();
  log!: AuditLog;
  conversations!: Conversations;
  reminders!: RemindersService;
  store!: Store;
  private dir = '';

  constructor(start = '2026-03-02T10:00:00Z', private readonly external?: Store) {
    this.clock = new TestClock(start);
  }

  async start(): Promise<this> {
    if (this.external) this.store = this.external;
    else {
      this.dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wsb-rem-'));
      this.store = new EmbeddedStore({ dataDir: this.dir });
    }
    await this.store.init();
    this.log = new AuditLog(this.store, this.clock);
    this.conversations = new Conversations(this.store, this.log, this.clock);
    this.reminders = new RemindersService(this.store, this.log, this.clock, this.time, this.settings);
    return this;
  }

  async stop(): Promise<void> {
    if (!this.external) await this.store.close();
    if (this.dir) fs.rmSync(this.dir, { recursive: true, force: true });
  }

  scheduler(options: Partial<SchedulerOptions> = {}, messenger: Messenger = this.messenger): Scheduler {
    return new Scheduler(
      { store: this.store, clock: this.clock, time: this.time, log: this.log, conversations: this.conversations, messenger, handlers: this.reminders.handlers, renderCard: renderNamedCard, renderDigest, logger: silentLogger },
      { instanceId: 'test-1', settings: this.settings, random: () => 0.5, ...options },
    );
  }

  async channel(conversationId: string, purpose?: string): Promise<ConversationRecord> {
    const record = await this.conversations.remember(BUSINESS, { conversationId, kind: 'channel', name: conversationId, teamName: 'Team', reference: { conversation: { id: conversationId } } });
    return purpose ? this.conversations.setPurpose(BUSINESS, conversationId, purpose, true) : record;
  }

  async personal(aadObjectId: string, name: string): Promise<ConversationRecord> {
    return this.conversations.remember({ ...BUSINESS, aadObjectId, name }, { conversationId: `personal-${aadObjectId}`, kind: 'personal', name, userAadObjectId: aadObjectId, reference: {} });
  }

  spec(overrides: Partial<ReminderSpec> & Pick<ReminderSpec, 'target'>): ReminderSpec {
    return {
      tenantId: TENANT,
      entity: { type: 'dispute', id: 'd-1', ref: 'D-1' },
      kind: 'deadline-7d',
      date: '2026-03-03',
      content: { kind: 'card', template: 'notice', data: { title: 'D-1: 7 days left', text: 'Schedule the meeting.' } },
      ...overrides,
    };
  }

  /** Ticks until a tick finds nothing due (bounded). */
  async drain(scheduler: Scheduler, maxTicks = 100): Promise<void> {
    for (let i = 0; i < maxTicks; i++) if ((await scheduler.tick()).due === 0) return;
    throw new Error('timers still due after many ticks');
  }
}
