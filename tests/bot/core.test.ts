import type { Activity } from 'botbuilder';
import { allCommands } from '../../bot/app';
import { coreFeature } from '../../bot/core-feature';
import { CORE_VERBS } from '../../cards/verbs';
import { conversationKey } from '../../services/conversations';
import type { LogEntry } from '../../services/log/audit-log';
import { InvokeAnswer, refusedForm } from '../support/refusal';
import { AdapterBot, BOARD, BOT, TENANT, Where, cardOf, cardStrings, personal } from '../support/adapter-bot';

const USERS = {
  alex: { id: '29:alex', name: 'Alex Wilber', aadObjectId: '00000000-0000-0000-0000-0000000000020' }, // chair, business, partner
  megan: { id: '29:megan', name: 'Megan Bowen', aadObjectId: '00000000-0000-0000-0000-0000000000021' }, // partner
  patti: { id: '29:patti', name: 'Patti Fernandez', aadObjectId: '00000000-0000-0000-0000-0000000000024' }, // business
  lynne: { id: '29:lynne', name: 'Lynne Robbins', aadObjectId: '00000000-0000-0000-0000-0000000000025' }, // lay
  newcomer: { id: '29:new', name: 'Nia Newcomer', aadObjectId: '00000000-0000-0000-0000-0000000000077' },
};
const OTHER_TENANT = '99999999-9999-9999-9999-999999999999';

describe('the bot through TestAdapter', () => {
  let bot: AdapterBot;

  beforeEach(async () => {
    bot = await AdapterBot.start();
  });
  afterEach(() => bot.stop());

  const entries = async (tenantId = TENANT): Promise<LogEntry[]> => {
    const all: LogEntry[] = [];
    for await (const e of bot.services.log.all(tenantId)) all.push(e);
    return all;
  };
  /** Everything a refused or ignored activity must leave as it was. */
  const state = async (tenantId = TENANT) => ({
    people: await bot.services.store.query('people', { partitionKey: tenantId }),
    conversations: await bot.services.store.query('conversations', { partitionKey: tenantId }),
    log: await entries(tenantId),
  });
  const only = (replies: Partial<Activity>[]): Partial<Activity> => {
    expect(replies).toHaveLength(1);
    return replies[0];
  };
  const roles = async (aadObjectId: string) => (await bot.services.directory.get(TENANT, aadObjectId))?.roles;

  describe('help', () => {
    it('answers with a card listing every command of every feature', async () => {
      const card = cardOf(only(await bot.say(USERS.megan, 'help')));
      expect(card).toMatchObject({ type: 'AdaptiveCard', version: '1.5' });
      const strings = cardStrings(card);
      const expected = allCommands([coreFeature(bot.services)]).map((c) => c.usage ?? c.name);
      expect(expected.length).toBeGreaterThan(5);
      for (const usage of ['help', ...expected]) expect(strings).toContain(usage);
      expect(strings).toContain('Type a command. Words in <angle brackets> are yours to fill in; [square brackets] are optional.');
    });

    it('keeps every <placeholder> out of markdown text, where Teams would drop it as HTML', async () => {
      const card = cardOf(only(await bot.say(USERS.megan, 'help')));
      const markdown: string[] = [];
      const runs: string[] = [];
      const walk = (n: unknown): void => {
        if (Array.isArray(n)) return n.forEach(walk);
        if (!n || typeof n !== 'object') return;
        const o = n as Record<string, unknown>;
        if (o.type === 'TextBlock' && typeof o.text === 'string') markdown.push(o.text);
        if (o.type === 'FactSet') markdown.push(JSON.stringify(o.facts));
        if (o.type === 'TextRun' && typeof o.text === 'string') runs.push(o.text);
        Object.values(o).forEach(walk);
      };
      walk(card);
      expect(markdown.filter((t) => /<[a-z]/i.test(t))).toEqual([]);
      expect(runs).toEqual(expect.arrayContaining(['grant <role> <person> [as <organisation>]', 'revoke <role> <person>']));
    });

    it('tells people in a channel to @mention the bot', async () => {
      const card = cardOf(only(await bot.say(USERS.megan, 'help', BOARD)));
      expect(cardStrings(card)[1]).toMatch(/^@mention me/);
    });

    it('is what the welcome card\'s button runs', async () => {
      const replies = await bot.send(
        bot.activity(USERS.lynne, personal(USERS.lynne), { type: 'invoke', name: 'adaptiveCard/action', value: { action: { type: 'Action.Execute', verb: CORE_VERBS.runCommand, data: { command: 'help' } } } }),
      );
      expect(cardStrings(cardOf(replies.find((r) => r.type === 'message')))).toContain('What I can do');
      expect(replies.find((r) => r.type === 'invokeResponse')).toBeDefined();
    });
  });

  describe('whoami', () => {
    it('shows the directory\'s view of the person: name, object id, roles, organisation', async () => {
      const strings = cardStrings(cardOf(only(await bot.say(USERS.alex, 'whoami'))));
      expect(strings).toEqual(expect.arrayContaining(['Alex Wilber', USERS.alex.aadObjectId, 'chair, business, partner', 'Warwickshire County Council']));
    });

    it('tells a newcomer they have no role yet and whom to ask', async () => {
      const strings = cardStrings(cardOf(only(await bot.say(USERS.newcomer, 'whoami'))));
      expect(strings).toEqual(expect.arrayContaining(['Nia Newcomer', 'none yet', 'Ask the Business Team to give you a role.']));
      // Answered, but not stored: the directory holds people the Business Team or a roster added.
      expect(await roles(USERS.newcomer.aadObjectId)).toBeUndefined();
    });

    it('goes by the Entra object id, not the display name', async () => {
      const impostor = { ...USERS.newcomer, name: 'Alex Wilber' };
      const strings = cardStrings(cardOf(only(await bot.say(impostor, 'whoami'))));
      expect(strings).toContain('none yet');
      expect(strings).not.toContain('chair, business, partner');
    });
  });

  describe('text it does not know', () => {
    it('suggests the nearest command', async () => {
      expect(only(await bot.say(USERS.megan, 'whoamii')).text).toBe('I don\'t know "whoamii". Did you mean **whoami**? Type **help** to see every command.');
      expect(only(await bot.say(USERS.megan, 'memebrs')).text).toContain('Did you mean **members**?');
      expect(only(await bot.say(USERS.megan, 'grnt member Lynne')).text).toContain('Did you mean **grant member Lynne**? Type **help**');
    });

    it('offers help, without a guess, when nothing is close', async () => {
      const text = only(await bot.say(USERS.megan, 'what time is the board meeting on thursday')).text;
      expect(text).not.toContain('Did you mean');
      expect(text).toContain('Type **help** to see every command.');
    });

    it('answers an empty message with a pointer to help', async () => {
      expect(only(await bot.say(USERS.megan, '   ')).text).toBe('Type **help** to see what I can do.');
    });
  });

  describe('roles', () => {
    beforeEach(async () => {
      // Everyone involved has talked to the bot before, so only the refusal itself is under test.
      for (const user of [USERS.alex, USERS.megan, USERS.lynne]) await bot.say(user, 'whoami');
    });

    it('refuses grant by a partner, naming the roles it needs, and changes nothing', async () => {
      const before = await state();
      const reply = only(await bot.say(USERS.megan, 'grant member Lynne Robbins'));
      expect(cardStrings(cardOf(reply))).toEqual(['Nothing was changed', 'Only the Independent Chair or the Business Team can grant roles.']);
      expect(await state()).toEqual(before);
      expect(await roles(USERS.lynne.aadObjectId)).toEqual(['lay']);
    });

    it('refuses a grant button clicked by a partner with a private message, and changes nothing', async () => {
      const before = await state();
      const response = await bot.click(USERS.megan, CORE_VERBS.grantRole, { person: USERS.lynne.aadObjectId, role: 'member' });
      expect(response).toEqual({ statusCode: 200, type: 'application/vnd.microsoft.activity.message', value: 'Only the Independent Chair or the Business Team can grant roles.' });
      expect(await state()).toEqual(before);
    });

    it('lets the chair grant, and logs it once', async () => {
      const reply = only(await bot.say(USERS.alex, 'grant member Lynne Robbins'));
      expect(cardStrings(cardOf(reply))).toEqual(['Lynne Robbins is now a partnership group member', 'Roles now: lay, member.']);
      expect(await roles(USERS.lynne.aadObjectId)).toEqual(['lay', 'member']);
      const granted = (await entries()).filter((e) => e.action === 'role.granted');
      expect(granted).toHaveLength(1);
      expect(granted[0]).toMatchObject({ actor: { aadObjectId: USERS.alex.aadObjectId }, entity: { id: USERS.lynne.aadObjectId }, before: 'lay', after: 'lay, member' });
    });

    it('answers a partner grant without an organisation with the members form as it was filled in, the problem beside Organisation', async () => {
      const before = await state();
      const response = await bot.click(USERS.alex, CORE_VERBS.grantRole, { person: USERS.lynne.aadObjectId, role: 'partner', organisation: '' });
      expect(response.type).toBe('application/vnd.microsoft.card.adaptive');
      const card = response.value as { body: Record<string, unknown>[] };
      expect(JSON.stringify(card.body[0])).toContain('Nothing was changed: A partner represents a partner organisation: say which one.');
      expect(refusedForm(response as InvokeAnswer)).toEqual({
        values: { person: USERS.lynne.aadObjectId, role: 'partner', organisation: '' },
        marked: { organisation: 'A partner represents a partner organisation: say which one.' },
      });
      expect(await state()).toEqual(before);
    });

    it('says what a revoke changed', async () => {
      await bot.say(USERS.alex, 'grant member Lynne Robbins');
      expect(cardStrings(cardOf(only(await bot.say(USERS.alex, 'revoke member Lynne Robbins'))))).toEqual(['Lynne Robbins is no longer a partnership group member', 'Roles now: lay.']);
    });

    it('answers a grant button clicked by the chair with the updated members card', async () => {
      const response = await bot.click(USERS.alex, CORE_VERBS.grantRole, { person: USERS.lynne.aadObjectId, role: 'partner', organisation: 'Warwickshire Police' });
      expect(response.type).toBe('application/vnd.microsoft.card.adaptive');
      expect(cardStrings(response.value)).toContain('lay, partner (Warwickshire Police)');
      expect(cardStrings(response.value)[0]).toBe('Lynne Robbins is now a partner (Warwickshire Police). Roles now: lay, partner (Warwickshire Police).');
    });
  });

  describe('the log', () => {
    it('verify (Business Team) names the first broken link after someone edits the store', async () => {
      await bot.say(USERS.alex, 'grant member Lynne Robbins');
      expect(cardStrings(cardOf(only(await bot.say(USERS.patti, 'log verify'))))[0]).toBe('The log is intact');
      const [, second] = await entries();
      const stored = (await bot.services.store.read<LogEntry>('log', TENANT, second.id))!;
      await bot.services.store.replace('log', { ...stored, after: 'edited' }, stored._etag);
      const strings = cardStrings(cardOf(only(await bot.say(USERS.patti, 'log verify'))));
      expect(strings[0]).toBe(`The log is broken at entry ${second.seq}`);
      expect(strings[1]).toContain(`entry ${second.seq} was altered after it was written`);
    });

    it('verify (Business Team) names a document created in the store that no log entry accounts for', async () => {
      await bot.services.store.create('disputes', { id: 'dispute-planted', tenantId: TENANT, ref: 'D-2026-777', status: 'raised' });
      const strings = cardStrings(cardOf(only(await bot.say(USERS.patti, 'log verify'))));
      expect(strings[0]).toBe('The log is intact, but 1 stored document does not match it');
      expect(strings[1]).toContain('disputes/dispute-planted: dispute D-2026-777 (dispute-planted) is in the store but no log entry records it');
    });

    it('verify is refused to a partner, naming who may', async () => {
      expect(cardStrings(cardOf(only(await bot.say(USERS.megan, 'log verify'))))).toEqual(['Nothing was changed', 'Only the Business Team can verify the log.']);
    });
  });

  describe('installs and uninstalls', () => {
    const added = (where: Where, members: { id: string; name: string }[]) =>
      bot.activity(USERS.alex, where, { type: 'conversationUpdate', membersAdded: members });

    it('welcomes a channel when the bot is added, and records the channel', async () => {
      const reply = only(await bot.send(added(BOARD, [BOT])));
      const strings = cardStrings(cardOf(reply));
      expect(strings[0]).toBe('Warwickshire Safeguarding');
      expect(strings).toContain('a joint meeting within 28 days, with reminders for the chair and the parties');
      expect(strings.some((s) => s.startsWith('In a channel, @mention me'))).toBe(true);
      const record = await bot.services.conversations.byConversationId(TENANT, BOARD.id);
      expect(record).toMatchObject({ kind: 'channel', name: 'Executive Board', teamName: 'Warwickshire Safeguarding', active: true });
      expect((await entries()).at(-1)).toMatchObject({ action: 'conversation.installed', entity: { id: conversationKey(BOARD.id) } });
    });

    it('greets a person by name in a personal chat', async () => {
      const install = bot.activity(USERS.lynne, personal(USERS.lynne), { type: 'conversationUpdate', membersAdded: [BOT] });
      const strings = cardStrings(cardOf(only(await bot.send(install))));
      expect(strings[1]).toMatch(/^Hello Lynne Robbins\./);
    });

    it('says nothing when someone else joins', async () => {
      expect(await bot.send(added(BOARD, [{ id: '29:someone', name: 'Someone' }]))).toEqual([]);
    });

    it('marks the conversation inactive when the app is uninstalled, logged once', async () => {
      await bot.send(added(BOARD, [BOT]));
      const uninstall = () => bot.send(bot.activity(USERS.alex, BOARD, { type: 'installationUpdate', action: 'remove' }));
      expect(await uninstall()).toEqual([]);
      expect(await bot.services.conversations.byConversationId(TENANT, BOARD.id)).toMatchObject({ active: false, inactiveReason: 'the app was uninstalled' });
      const inactive = (await entries()).filter((e) => e.action === 'conversation.inactive');
      expect(inactive).toHaveLength(1);
      expect(inactive[0].actor.aadObjectId).toBe('system');
      await uninstall();
      expect((await entries()).filter((e) => e.action === 'conversation.inactive')).toHaveLength(1);
    });

    it('marks the conversation inactive when the bot is removed from the team', async () => {
      await bot.send(added(BOARD, [BOT]));
      await bot.send(bot.activity(USERS.alex, BOARD, { type: 'conversationUpdate', membersRemoved: [BOT] }));
      expect((await bot.services.conversations.byConversationId(TENANT, BOARD.id))?.active).toBe(false);
    });

    it('records a conversation again when the app is reinstalled', async () => {
      await bot.send(added(BOARD, [BOT]));
      await bot.send(bot.activity(USERS.alex, BOARD, { type: 'installationUpdate', action: 'remove' }));
      await bot.send(bot.activity(USERS.alex, BOARD, { type: 'installationUpdate', action: 'add' }));
      expect((await bot.services.conversations.byConversationId(TENANT, BOARD.id))?.active).toBe(true);
      expect((await entries()).at(-1)?.action).toBe('conversation.reinstalled');
    });
  });

  describe('activities it must not trust', () => {
    it('refuses a message from another tenant and records nothing, in either tenant', async () => {
      const before = await state();
      const where: Where = { ...personal(USERS.megan), tenantId: OTHER_TENANT };
      const reply = only(await bot.say(USERS.megan, 'whoami', where));
      expect(reply.text).toBe('This bot serves the Warwickshire Safeguarding partnership only; your organisation is not set up to use it.');
      expect(await state()).toEqual(before);
      expect(await state(OTHER_TENANT)).toEqual({ people: [], conversations: [], log: [] });
    });

    it('refuses a card action from another tenant and changes nothing', async () => {
      await bot.say(USERS.lynne, 'whoami');
      const before = await state();
      const response = await bot.click(USERS.alex, CORE_VERBS.grantRole, { person: USERS.lynne.aadObjectId, role: 'member' }, { ...personal(USERS.alex), tenantId: OTHER_TENANT });
      expect(response.value).toBe('Nothing was changed.');
      expect(await state()).toEqual(before);
    });

    it('does not welcome or record an install from another tenant', async () => {
      const where: Where = { ...BOARD, tenantId: OTHER_TENANT };
      const replies = await bot.send(bot.activity(USERS.alex, where, { type: 'conversationUpdate', membersAdded: [BOT] }));
      expect(replies.map((r) => r.text)).toEqual(['This bot serves the Warwickshire Safeguarding partnership only; your organisation is not set up to use it.']);
      expect(await state(OTHER_TENANT)).toEqual({ people: [], conversations: [], log: [] });
    });

    it('refuses a message without an Entra object id and records nothing', async () => {
      const before = await state();
      const anonymous = { id: '29:anon', name: 'Alex Wilber' };
      const reply = only(await bot.say(anonymous, 'grant member Lynne Robbins'));
      expect(reply.text).toBe('I could not tell who you are (no Microsoft Entra id on the message), so I have not done anything.');
      expect(await state()).toEqual(before);
    });
  });
});
