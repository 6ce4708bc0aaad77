import { ConversationRecord, Conversations, conversationKey } from '../../services/conversations';
import type { Actor } from '../../services/directory/roles';
import { DomainError } from '../../services/errors';
import { AuditLog, LogEntry, SYSTEM_ACTOR } from '../../services/log/audit-log';
import type { EmbeddedStore } from '../../services/store/embedded-store';
import { TestClock } from '../support/clock';
import { tempStore } from '../support/temp-store';

const TENANT = '00000000-0000-0000-0000-0000000000001';
const PATTI: Actor = { tenantId: TENANT, aadObjectId: '00000000-0000-0000-0000-0000000000024', name: 'Patti Fernandez', roles: ['business'] };
const CHAIR: Actor = { tenantId: TENANT, aadObjectId: '00000000-0000-0000-0000-0000000000030', name: 'The Chair', roles: ['chair'] };
const MEGAN: Actor = { tenantId: TENANT, aadObjectId: '00000000-0000-0000-0000-0000000000021', name: 'Megan Bowen', roles: ['partner'] };
const SYSTEM: Actor = { ...SYSTEM_ACTOR, tenantId: TENANT };

const BOARD = {
  conversationId: '19:board@thread.tacv2',
  kind: 'channel' as const,
  name: 'Executive Board',
  teamName: 'Warwickshire Safeguarding',
  reference: { conversation: { id: '19:board@thread.tacv2' }, serviceUrl: 'https://smba.example/' },
};
const MEGAN_CHAT = {
  conversationId: 'a:megan-personal',
  kind: 'personal' as const,
  name: 'Megan Bowen',
  userAadObjectId: MEGAN.aadObjectId,
  reference: { conversation: { id: 'a:megan-personal' } },
};

async function refusal(promise: Promise<unknown>): Promise<DomainError> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof DomainError) return err;
    throw err;
  }
  throw new Error('expected a DomainError');
}

describe('Conversations', () => {
  let store: EmbeddedStore;
  let dispose: () => Promise<void>;
  let clock: TestClock;
  let log: AuditLog;
  let conversations: Conversations;

  beforeEach(async () => {
    ({ store, dispose } = await tempStore());
    clock = new TestClock('2026-03-02T10:00:00Z');
    log = new AuditLog(store, clock);
    conversations = new Conversations(store, log, clock);
  });
  afterEach(() => dispose());

  const entries = async (): Promise<LogEntry[]> => {
    // Entries are recorded with each change and joined to the chain by the sealer: drain it first.
    await log.seal(TENANT);
    const all: LogEntry[] = [];
    for await (const e of log.all(TENANT)) all.push(e);
    return all;
  };
  const board = async (): Promise<ConversationRecord> => (await conversations.byConversationId(TENANT, BOARD.conversationId))!;
  const snapshot = async () => ({ conversations: await store.query('conversations', { partitionKey: TENANT }), log: await entries() });

  describe('remember', () => {
    it('costs each turn at most one write on a busy channel: a turn that loses the race to refresh the reference keeps the winner\'s', async () => {
      await conversations.remember(PATTI, BOARD);
      const replace = store.replace.bind(store);
      let writes = 0;
      store.replace = (async (...args: Parameters<typeof store.replace>) => {
        // Only the conversation records: the log's sealer joins the install entry to the chain meanwhile.
        if (args[0] === 'conversations') writes += 1;
        return replace(...args);
      }) as typeof store.replace;
      // Two instances behind different Teams service URLs: every turn sees the other's reference.
      const urls = ['https://smba.example/a/', 'https://smba.example/b/'];
      const turns = Array.from({ length: 20 }, (_, i) => conversations.remember(MEGAN, { ...BOARD, reference: { ...BOARD.reference, serviceUrl: urls[i % 2] } }));
      const saved = await Promise.all(turns);
      expect(saved.every((r) => r.active)).toBe(true);
      expect(writes).toBeLessThanOrEqual(turns.length);
      expect(urls).toContain((await board()).reference.serviceUrl);
      expect((await entries()).filter((e) => e.action === 'conversation.installed')).toHaveLength(1);
    });

    it('records a new install under a key derived from the conversation id, and logs it', async () => {
      const saved = await conversations.remember(PATTI, BOARD);
      expect(saved).toMatchObject({
        id: conversationKey(BOARD.conversationId),
        tenantId: TENANT,
        conversationId: BOARD.conversationId,
        kind: 'channel',
        active: true,
        purposes: [],
        installedAt: '2026-03-02T10:00:00.000Z',
      });
      expect(saved.id).toMatch(/^[0-9a-f]{32}$/);
      expect(await entries()).toEqual([
        expect.objectContaining({ action: 'conversation.installed', entity: { type: 'conversation', id: saved.id, ref: 'Warwickshire Safeguarding / Executive Board' }, after: 'active' }),
      ]);
    });

    it('changes nothing and logs nothing when the same conversation is seen again', async () => {
      await conversations.remember(PATTI, BOARD);
      const before = await snapshot();
      clock.advance(60_000);
      await conversations.remember(MEGAN, BOARD);
      expect(await snapshot()).toEqual(before);
    });

    it('keeps a changed reference or name up to date without logging it', async () => {
      await conversations.remember(PATTI, BOARD);
      clock.advance(60_000);
      const saved = await conversations.remember(PATTI, { ...BOARD, name: 'WSEB', reference: { ...BOARD.reference, serviceUrl: 'https://smba2.example/' } });
      expect(saved).toMatchObject({ name: 'WSEB', reference: { serviceUrl: 'https://smba2.example/' }, installedAt: '2026-03-02T10:00:00.000Z', updatedAt: '2026-03-02T10:01:00.000Z' });
      expect((await entries()).map((e) => e.action)).toEqual(['conversation.installed']);
    });

    it('reactivates a conversation the bot had left, keeping its purposes, and logs a reinstall', async () => {
      await conversations.remember(PATTI, BOARD);
      await conversations.setPurpose(PATTI, BOARD.conversationId, 'executive-board', true);
      await conversations.markInactive(SYSTEM, TENANT, (await board()).id, 'the app was removed');
      const saved = await conversations.remember(PATTI, BOARD);
      expect(saved).toMatchObject({ active: true, purposes: ['executive-board'] });
      expect(saved.inactiveReason).toBeUndefined();
      expect((await entries()).map((e) => e.action)).toEqual(['conversation.installed', 'channel.named', 'conversation.inactive', 'conversation.reinstalled']);
    });
  });

  describe('markInactive', () => {
    it('keeps the record, stops it being used, and logs once', async () => {
      await conversations.remember(PATTI, BOARD);
      await conversations.setPurpose(PATTI, BOARD.conversationId, 'executive-board', true);
      const id = (await board()).id;
      await conversations.markInactive(SYSTEM, TENANT, id, 'the app was uninstalled');
      expect(await board()).toMatchObject({ active: false, inactiveReason: 'the app was uninstalled' });
      expect(await conversations.forPurpose(TENANT, 'executive-board')).toEqual([]);
      const before = await snapshot();
      await conversations.markInactive(SYSTEM, TENANT, id, 'again');
      expect(await snapshot()).toEqual(before);
      expect(before.log.at(-1)).toMatchObject({ action: 'conversation.inactive', actor: { aadObjectId: 'system' }, before: 'active', after: 'inactive: the app was uninstalled' });
    });

    it('does nothing for a conversation it never saw', async () => {
      await conversations.markInactive(SYSTEM, TENANT, 'unknown', 'gone');
      expect(await snapshot()).toEqual({ conversations: [], log: [] });
    });
  });

  describe('setPurpose', () => {
    beforeEach(() => conversations.remember(PATTI, BOARD).then(() => undefined));

    it('names a channel for a purpose and removes it again, logging before and after', async () => {
      const named = await conversations.setPurpose(PATTI, BOARD.conversationId, 'executive-board', true);
      expect(named.purposes).toEqual(['executive-board']);
      await conversations.setPurpose(PATTI, BOARD.conversationId, 'business-team', true);
      expect((await conversations.forPurpose(TENANT, 'business-team')).map((c) => c.conversationId)).toEqual([BOARD.conversationId]);
      const unnamed = await conversations.setPurpose(PATTI, BOARD.conversationId, 'executive-board', false);
      expect(unnamed.purposes).toEqual(['business-team']);
      const log = await entries();
      expect(log.slice(1).map((e) => [e.action, e.before, e.after])).toEqual([
        ['channel.named', 'none', 'executive-board'],
        ['channel.named', 'executive-board', 'executive-board, business-team'],
        ['channel.unnamed', 'executive-board, business-team', 'business-team'],
      ]);
      expect(log[1].actor.aadObjectId).toBe(PATTI.aadObjectId);
    });

    it.each<[string, Actor, string, string, RegExp]>([
      ['a partner', MEGAN, 'executive-board', 'forbidden', /^Only the Business Team can name the partnership channels\.$/],
      ['the chair (Business Team only)', CHAIR, 'executive-board', 'forbidden', /Only the Business Team/],
      ['an unknown purpose', PATTI, 'gossip', 'invalid', /"gossip" is not a channel purpose\. Use one of: executive-board, children-partnership, adults-partnership, business-team, safeguarding-reviews\./],
    ])('refuses %s and changes nothing', async (_case, who, purpose, code, message) => {
      const before = await snapshot();
      const err = await refusal(conversations.setPurpose(who, BOARD.conversationId, purpose, true));
      expect(err.code).toBe(code);
      expect(err.message).toMatch(message);
      expect(await snapshot()).toEqual(before);
    });

    it('refuses a conversation it has no record of', async () => {
      const err = await refusal(conversations.setPurpose(PATTI, '19:elsewhere', 'executive-board', true));
      expect(err.code).toBe('not_found');
    });
  });

  describe('setPaused', () => {
    beforeEach(() => conversations.remember(PATTI, BOARD).then(() => undefined));

    it('pauses and resumes reminders, logged, for the Business Team or the chair', async () => {
      expect((await conversations.setPaused(CHAIR, BOARD.conversationId, true)).paused).toBe(true);
      expect((await conversations.setPaused(PATTI, BOARD.conversationId, false)).paused).toBe(false);
      expect((await entries()).slice(1).map((e) => [e.action, e.actor.name, e.before, e.after])).toEqual([
        ['reminders.paused', 'The Chair', 'running', 'paused'],
        ['reminders.resumed', 'Patti Fernandez', 'paused', 'running'],
      ]);
    });

    it('refuses a partner, naming who may, and changes nothing', async () => {
      const before = await snapshot();
      const err = await refusal(conversations.setPaused(MEGAN, BOARD.conversationId, true));
      expect(err).toMatchObject({ code: 'forbidden', message: 'Only the Business Team or the Independent Chair can pause reminders.' });
      expect(await snapshot()).toEqual(before);
    });

    it('refuses to pause what is already paused, without logging', async () => {
      await conversations.setPaused(PATTI, BOARD.conversationId, true);
      const before = await snapshot();
      expect((await refusal(conversations.setPaused(PATTI, BOARD.conversationId, true))).message).toBe('Reminders here are already paused.');
      expect(await snapshot()).toEqual(before);
    });
  });

  describe('lookups', () => {
    it('finds a person\'s active personal chat, and not once it is inactive', async () => {
      const chat = await conversations.remember(MEGAN, MEGAN_CHAT);
      expect((await conversations.personalChat(TENANT, MEGAN.aadObjectId))?.id).toBe(chat.id);
      expect(await conversations.personalChat(TENANT, PATTI.aadObjectId)).toBeUndefined();
      await conversations.markInactive(SYSTEM, TENANT, chat.id, 'removed');
      expect(await conversations.personalChat(TENANT, MEGAN.aadObjectId)).toBeUndefined();
    });

    it('keeps tenants apart', async () => {
      await conversations.remember(PATTI, BOARD);
      expect(await conversations.list('another-tenant')).toEqual([]);
      expect(await conversations.byConversationId('another-tenant', BOARD.conversationId)).toBeUndefined();
    });
  });
});
