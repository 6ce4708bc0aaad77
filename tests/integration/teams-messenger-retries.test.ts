import { TeamsAdapter } from '@microsoft/teams-ai';
import { TeamsMessenger } from '../../bot/teams-messenger';
import type { ConversationRecord } from '../../services/conversations';
import { DeliveryError } from '../../services/messaging';
import { ConnectorStub } from '../support/connector-stub';

/** Our limiter decides about retries: the connector client must hand a 429 straight back. */
describe('TeamsMessenger against a throttling connector', () => {
  const stub = new ConnectorStub();
  let hits = 0;
  beforeAll(() => stub.start());
  afterAll(() => stub.stop());

  const conversation = (): ConversationRecord => ({
    id: 'k1',
    tenantId: 't1',
    conversationId: '19:c1@thread.tacv2',
    kind: 'channel',
    active: true,
    purposes: [],
    installedAt: '2026-01-01T00:00:00Z',
    updatedAt: '2026-01-01T00:00:00Z',
    reference: { serviceUrl: stub.url, channelId: 'msteams', conversation: { id: '19:c1@thread.tacv2' }, bot: { id: 'bot-id' } },
  });

  it.each([429, 503, 403])('turns a %i into a DeliveryError after one request, with Retry-After', async (status) => {
    hits = 0;
    stub.failWith = () => {
      hits += 1;
      return { status, headers: { 'Retry-After': '2' } };
    };
    const messenger = new TeamsMessenger(new TeamsAdapter({}), '');
    const error = await messenger.send(conversation(), { text: 'hello' }).then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(error).toBeInstanceOf(DeliveryError);
    expect((error as DeliveryError).status).toBe(status);
    expect(hits).toBe(1);
    if (status === 429) expect((error as DeliveryError).retryAfterMs).toBe(2000);
  });
});
