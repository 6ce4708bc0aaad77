import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Conversations } from '../../services/conversations';
import { AuditLog } from '../../services/log/audit-log';
import { EmbeddedStore } from '../../services/store/embedded-store';
import { BotHarness, ConversationSpec, TENANT, USERS } from '../support/bot-harness';
import { TestClock } from '../support/clock';
import { TEST_LOG_SEAL_KEY } from '../support/seal-key';
import { createTestServices } from '../support/services';

jest.setTimeout(120_000);

const CHANNEL = '19:board@thread.tacv2';
const thread = (root: string): ConversationSpec => ({ id: `${CHANNEL};messageid=${root}`, type: 'channel', name: 'Executive Board', teamName: 'Warwickshire Safeguarding' });

describe('a Teams channel is the channel, not each reply thread in it', () => {
  const clock = new TestClock('2026-03-10T09:30:00Z');
  const bot = new BotHarness(clock);
  beforeAll(() => bot.start());
  afterAll(() => bot.stop());

  it('names the channel from inside a thread, keeps one record for every thread, and posts to the channel itself', async () => {
    const { conversations, config } = bot.composed.services;
    const reply = await bot.say(USERS.patti, 'channel set executive-board', thread('1712345678901'));
    // The answer stays in the thread it was asked in.
    expect(reply.map((r) => r.conversationId)).toEqual([`${CHANNEL};messageid=1712345678901`]);
    await bot.say(USERS.megan, 'whoami', thread('1712345678999'));
    await bot.say(USERS.alex, 'help', thread('1712345679000'));

    const records = (await conversations.list(config.tenantId)).filter((c) => c.kind === 'channel');
    expect(records.map((c) => ({ id: c.conversationId, purposes: c.purposes, name: c.name }))).toEqual([{ id: CHANNEL, purposes: ['executive-board'], name: 'Executive Board' }]);
    expect((records[0].reference.conversation as { id: string }).id).toBe(CHANNEL);

    // A card for the board goes to the channel itself (Teams starts a new post there), not into somebody's thread.
    const since = bot.stub.received.length;
    await bot.composed.services.publisher.postToPurpose(config.tenantId, 'test:1', 'executive-board', { text: 'A notice for the board' });
    const posts = bot.stub.received.slice(since).filter((r) => r.method === 'POST');
    expect(posts.map((p) => p.conversationId)).toEqual([CHANNEL]);
    expect((posts[0].activity.conversation as { id: string }).id).toBe(CHANNEL);
  });

  it('lists the channel once, by its team and name', async () => {
    const replies = await bot.say(USERS.patti, 'channels', thread('1712345679100'));
    const text = JSON.stringify(replies.map((r) => r.activity));
    expect(text.match(/Warwickshire Safeguarding \/ Executive Board/g)).toHaveLength(1);
  });
});

describe('records stored before threads were folded into channels', () => {
  it('are merged into their channel at start-up, purposes and pause kept, and the merge logged', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'wsb-threads-'));
    const clock = new TestClock('2026-03-10T09:30:00Z');
    const old = new EmbeddedStore({ dataDir });
    await old.init();
    const oldLog = new AuditLog(old, clock, TEST_LOG_SEAL_KEY);
    const conversations = new Conversations(old, oldLog, clock);
    const patti = { tenantId: TENANT, aadObjectId: USERS.patti.aadObjectId, name: USERS.patti.name, roles: ['business' as const] };
    for (const root of ['111', '222']) {
      const id = `${CHANNEL};messageid=${root}`;
      await conversations.remember(patti, { conversationId: id, kind: 'channel', name: 'Executive Board', teamName: 'My Team', reference: { conversation: { id }, serviceUrl: 'http://127.0.0.1:1/' } });
    }
    await conversations.setPurpose(patti, `${CHANNEL};messageid=111`, 'executive-board', true);
    await conversations.setPurpose(patti, `${CHANNEL};messageid=222`, 'business-team', true);
    // The old process stops cleanly: its sealer finishes the round it started (a killed one's lease would expire).
    await oldLog.seal(TENANT);
    await old.close();

    const t = await createTestServices({ clock, store: new EmbeddedStore({ dataDir }) });
    try {
      const channels = (await t.services.conversations.list(TENANT)).filter((c) => c.kind === 'channel');
      expect(channels).toHaveLength(1);
      expect(channels[0]).toMatchObject({ conversationId: CHANNEL, teamName: 'My Team', reference: { conversation: { id: CHANNEL } } });
      expect([...channels[0].purposes].sort()).toEqual(['business-team', 'executive-board']);
      const merges = (await t.services.log.recent(TENANT, 100)).filter((e) => e.action === 'conversation.merged');
      expect(merges).toHaveLength(2);
      expect(await t.services.log.verify(TENANT)).toMatchObject({ ok: true });
    } finally {
      await t.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
