import { randomUUID } from 'node:crypto';
import { Activity, TestAdapter } from 'botbuilder';
import type { Application, TurnState } from '@microsoft/teams-ai';
import { buildApplication } from '../../bot/app';
import { coreFeature } from '../../bot/core-feature';
import type { Feature } from '../../bot/feature';
import type { AppServices } from '../../bot/app-services';
import { PLAYGROUND_TENANT_ID } from '../../services/config';
import { TestServices, createTestServices } from './services';

export const TENANT = PLAYGROUND_TENANT_ID;
export const BOT = { id: '28:bot-id', name: 'Safeguarding bot' };

export type Who = { id: string; name: string; aadObjectId?: string };
export interface Where {
  id: string;
  type: 'personal' | 'channel' | 'groupChat';
  name?: string;
  teamName?: string;
  tenantId?: string;
}
export const personal = (user: Who): Where => ({ id: `a:personal-${user.id}`, type: 'personal' });
export const BOARD: Where = { id: '19:board@thread.tacv2', type: 'channel', name: 'Executive Board', teamName: 'Warwickshire Safeguarding' };

/**
 * The real Teams AI Application (bot/app.ts) driven in-process by botbuilder's TestAdapter:
 * no HTTP, no connector. Replies are whatever the bot sent during the turn.
 */
export class AdapterBot {
  readonly adapter: TestAdapter;
  readonly app: Application<TurnState>;

  private constructor(readonly test: TestServices, features: (services: AppServices) => Feature[]) {
    this.adapter = new TestAdapter((context) => this.app.run(context).then(() => undefined));
    this.app = buildApplication(this.adapter as never, test.services, features(test.services));
  }

  static async start(features: (services: AppServices) => Feature[] = (s) => [coreFeature(s)]): Promise<AdapterBot> {
    return new AdapterBot(await createTestServices(), features);
  }

  get services(): AppServices {
    return this.test.services;
  }

  stop(): Promise<void> {
    return this.test.close();
  }

  activity(user: Who, where: Where, fields: Partial<Activity>): Partial<Activity> {
    const tenantId = where.tenantId ?? TENANT;
    return {
      id: randomUUID(),
      channelId: 'msteams',
      serviceUrl: 'https://smba.example/teams/',
      timestamp: this.test.clock.now(),
      from: { ...user },
      recipient: { ...BOT },
      conversation: { id: where.id, conversationType: where.type, tenantId, isGroup: where.type !== 'personal', ...(where.name ? { name: where.name } : {}) } as Activity['conversation'],
      channelData: {
        tenant: { id: tenantId },
        ...(where.type === 'channel' ? { team: { id: 'team-1', name: where.teamName }, channel: { id: where.id, name: where.name } } : {}),
      },
      ...fields,
    };
  }

  /** Runs one activity through the bot and returns what it sent back during the turn. */
  async send(activity: Partial<Activity>): Promise<Partial<Activity>[]> {
    this.adapter.activeQueue.splice(0);
    await this.adapter.processActivity(activity);
    return this.adapter.activeQueue.splice(0);
  }

  say(user: Who, text: string, where: Where = personal(user)): Promise<Partial<Activity>[]> {
    return this.send(this.activity(user, where, { type: 'message', text }));
  }

  /** Clicks an Action.Execute button; returns the invoke response's value ({ statusCode, type, value }). */
  async click(user: Who, verb: string, data: Record<string, unknown>, where: Where = personal(user)): Promise<{ statusCode: number; type: string; value: unknown }> {
    const replies = await this.send(
      this.activity(user, where, { type: 'invoke', name: 'adaptiveCard/action', replyToId: 'card-1', value: { action: { type: 'Action.Execute', verb, data } } }),
    );
    const response = replies.find((a) => a.type === 'invokeResponse');
    if (!response) throw new Error(`no invoke response; the bot sent ${JSON.stringify(replies)}`);
    return (response.value as { body: { statusCode: number; type: string; value: unknown } }).body;
  }
}

/** The Adaptive Card attached to a reply, if any. */
export function cardOf(activity: Partial<Activity> | undefined): Record<string, unknown> | undefined {
  const attachment = activity?.attachments?.find((a) => a.contentType === 'application/vnd.microsoft.card.adaptive');
  return attachment?.content as Record<string, unknown> | undefined;
}

/** Every string shown on a card (TextBlock text, fact titles and values, action titles), in order. */
export function cardStrings(card: unknown): string[] {
  const out: string[] = [];
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) node.forEach(walk);
    else if (node && typeof node === 'object') {
      for (const [key, value] of Object.entries(node)) {
        if (typeof value === 'string' && ['text', 'title', 'value'].includes(key)) out.push(value);
        else walk(value);
      }
    }
  };
  walk(card);
  return out;
}
