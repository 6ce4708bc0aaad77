import { randomUUID } from 'node:crypto';
import { Activity, ActivityTypes, ConversationReference, TurnContext } from 'botbuilder';
import { ClaimsIdentity, ConnectorClient, ConnectorFactory } from 'botframework-connector';
import { BotAdapter } from '../../bot/cached-connectors';
import { ConnectorStub } from '../support/connector-stub';

/**
 * The adapter keeps its connector clients between turns and proactive sends: through botbuilder's
 * real CloudAdapter (auth disabled, as on the local playground) to a stub connector over HTTP.
 */
describe('the adapter keeps its connector clients between turns', () => {
  const stubs = [new ConnectorStub(), new ConnectorStub()];
  beforeAll(async () => {
    for (const stub of stubs) await stub.start();
  });
  afterAll(async () => {
    for (const stub of stubs) await stub.stop();
  });

  const activity = (serviceUrl: string, text: string): Partial<Activity> => ({
    type: ActivityTypes.Message,
    id: randomUUID(),
    channelId: 'msteams',
    serviceUrl,
    text,
    from: { id: 'user-1', name: 'Alex' },
    recipient: { id: 'bot-id', name: 'Safeguarding bot' },
    conversation: { id: 'personal-1', conversationType: 'personal', isGroup: false, name: '' },
  });

  /** One incoming turn through adapter.process with a request and response as restify hands them over. */
  async function incoming(adapter: BotAdapter, body: Partial<Activity>, logic: (context: TurnContext) => Promise<void>): Promise<number> {
    let status = 0;
    const res = {
      socket: {},
      status: (code: number) => {
        status = code;
        return res;
      },
      header: () => res,
      send: () => res,
      end: () => res,
    };
    await adapter.process({ body, headers: {}, method: 'POST' }, res as never, logic);
    return status;
  }

  it('uses one client for every turn to a service URL, one for its proactive sends, another for another URL, and still delivers each', async () => {
    const adapter = new BotAdapter({});
    const clients: ConnectorClient[] = [];
    const reply = (text: string) => async (context: TurnContext) => {
      clients.push(context.turnState.get(adapter.ConnectorClientKey));
      await context.sendActivity(text);
    };

    expect(await incoming(adapter, activity(stubs[0].url, 'one'), reply('first answer'))).toBe(200);
    expect(await incoming(adapter, activity(stubs[0].url, 'two'), reply('second answer'))).toBe(200);
    const reference = TurnContext.getConversationReference(activity(stubs[0].url, 'three')) as ConversationReference;
    await adapter.continueConversationAsync('', reference, reply('a reminder'));
    await adapter.continueConversationAsync('', reference, reply('another reminder'));
    expect(await incoming(adapter, activity(stubs[1].url, 'four'), reply('elsewhere'))).toBe(200);

    expect(clients).toHaveLength(5);
    expect(clients[1]).toBe(clients[0]);
    // Proactive sends name no audience, so they share one client of their own.
    expect(clients[2]).not.toBe(clients[0]);
    expect(clients[3]).toBe(clients[2]);
    expect(clients[4]).not.toBe(clients[0]);
    expect(clients[4]).not.toBe(clients[2]);
    expect(adapter.authentication.keptConnectors).toBe(3);
    expect(stubs[0].messages().map((r) => r.activity.text)).toEqual(['first answer', 'second answer', 'a reminder', 'another reminder']);
    expect(stubs[1].messages().map((r) => r.activity.text)).toEqual(['elsewhere']);
  });

  it('does not keep a client that could not be made, so the next turn tries again', async () => {
    const adapter = new BotAdapter({});
    const inner = (adapter.authentication as unknown as { inner: { createConnectorFactory(c: ClaimsIdentity): ConnectorFactory } }).inner;
    const real = inner.createConnectorFactory.bind(inner);
    let failures = 1;
    inner.createConnectorFactory = (claims) => {
      const factory = real(claims);
      return {
        create: (serviceUrl: string, audience?: string) => (failures-- > 0 ? Promise.reject(new Error('credentials unavailable')) : factory.create(serviceUrl, audience)),
      };
    };
    const reference = TurnContext.getConversationReference(activity(stubs[0].url, 'x')) as ConversationReference;
    const before = stubs[0].messages().length;
    await expect(adapter.continueConversationAsync('', reference, async (context) => void (await context.sendActivity('lost')))).rejects.toThrow('credentials unavailable');
    expect(adapter.authentication.keptConnectors).toBe(0);
    await adapter.continueConversationAsync('', reference, async (context) => void (await context.sendActivity('delivered')));
    expect(adapter.authentication.keptConnectors).toBe(1);
    expect(stubs[0].messages().slice(before).map((r) => r.activity.text)).toEqual(['delivered']);
  });

  it('keeps clients apart by the app id the request is for', async () => {
    const adapter = new BotAdapter({});
    const auth = adapter.authentication;
    const forApp = (appId: string) => new ClaimsIdentity([{ type: 'aud', value: appId }], true);
    const a = await auth.createConnectorFactory(forApp('app-a')).create(stubs[0].url);
    const again = await auth.createConnectorFactory(forApp('app-a')).create(stubs[0].url);
    const b = await auth.createConnectorFactory(forApp('app-b')).create(stubs[0].url);
    expect(again).toBe(a);
    expect(b).not.toBe(a);
  });
});
