import * as fs from 'node:fs';
import { Directory, DirectorySeed, Person } from '../../services/directory/directory';
import type { Actor } from '../../services/directory/roles';
import { DomainError } from '../../services/errors';
import { AuditLog, LogEntry } from '../../services/log/audit-log';
import type { EmbeddedStore } from '../../services/store/embedded-store';
import { TestClock } from '../support/clock';
import { tempStore } from '../support/temp-store';

const TENANT = '00000000-0000-0000-0000-0000000000001';
const SEED = JSON.parse(fs.readFileSync('config/directory.playground.json', 'utf8')) as DirectorySeed;
const ID = {
  alex: '00000000-0000-0000-0000-0000000000020',
  megan: '00000000-0000-0000-0000-0000000000021',
  patti: '00000000-0000-0000-0000-0000000000024',
  lynne: '00000000-0000-0000-0000-0000000000025',
  newcomer: '00000000-0000-0000-0000-0000000000099',
};

async function refusal(promise: Promise<unknown>): Promise<DomainError> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof DomainError) return err;
    throw err;
  }
  throw new Error('expected a DomainError, but the action succeeded');
}

describe('Directory', () => {
  let store: EmbeddedStore;
  let dispose: () => Promise<void>;
  let clock: TestClock;
  let log: AuditLog;
  let directory: Directory;

  beforeEach(async () => {
    ({ store, dispose } = await tempStore());
    clock = new TestClock('2026-03-02T10:00:00Z');
    log = new AuditLog(store, clock);
    directory = new Directory(store, log, clock);
  });
  afterEach(() => dispose());

  const entries = async (): Promise<LogEntry[]> => {
    // Entries are recorded with each change and joined to the chain by the sealer: drain it first.
    await log.seal(TENANT);
    const all: LogEntry[] = [];
    for await (const e of log.all(TENANT)) all.push(e);
    return all;
  };
  const actor = async (id: string): Promise<Actor> => {
    const p = (await directory.get(TENANT, id))!;
    return { tenantId: TENANT, aadObjectId: p.aadObjectId, name: p.name, roles: p.roles, organisation: p.organisation };
  };
  /** What a refused action must leave untouched: the people (with their ETags) and the log. */
  const snapshot = async () => ({ people: await store.query<Person>('people', { partitionKey: TENANT }), log: await entries() });

  describe('seed', () => {
    it('loads the seed file into an empty directory as placeholders, and logs it once', async () => {
      expect(await directory.seedIfEmpty(TENANT, SEED)).toBe(6);
      const alex = await directory.get(TENANT, ID.alex);
      expect(alex).toMatchObject({ name: 'Alex Wilber', roles: ['chair', 'business', 'partner'], organisation: 'Warwickshire County Council', placeholder: true });
      expect(await directory.seedIfEmpty(TENANT, SEED)).toBe(0);
      const log = await entries();
      expect(log.map((e) => e.action)).toEqual(['directory.seeded']);
      expect(log[0].actor.aadObjectId).toBe('system');
    });

    it.each<[string, unknown, RegExp]>([
      ['no people array', { folk: [] }, /expected \{ "people"/],
      ['a bad object id', { people: [{ aadObjectId: 'alex', name: 'Alex', roles: [] }] }, /person 1: aadObjectId/],
      ['a duplicate', { people: [{ aadObjectId: ID.alex, name: 'A', roles: [] }, { aadObjectId: ID.alex, name: 'B', roles: [] }] }, /person 2: .* appears twice/],
      ['no name', { people: [{ aadObjectId: ID.alex, name: ' ', roles: [] }] }, /person 1: name is required/],
      ['an unknown role', { people: [{ aadObjectId: ID.alex, name: 'A', roles: ['admin'] }] }, /person 1: roles must be some of/],
      ['sponsor, which lives on each review', { people: [{ aadObjectId: ID.alex, name: 'A', roles: ['sponsor'] }] }, /person 1: roles must be/],
      ['a partner without an organisation', { people: [{ aadObjectId: ID.alex, name: 'A', roles: ['partner'] }] }, /person 1: a partner needs an organisation/],
    ])('refuses a seed with %s and writes nothing', async (_case, seed, message) => {
      await expect(directory.seedIfEmpty(TENANT, seed as DirectorySeed)).rejects.toThrow(message);
      expect(await snapshot()).toEqual({ people: [], log: [] });
    });
  });

  describe('actorFor', () => {
    beforeEach(() => directory.seedIfEmpty(TENANT, SEED));

    it('gives a seeded person their roles and marks them seen, without logging', async () => {
      const before = (await entries()).length;
      const alex = await directory.actorFor(TENANT, ID.alex, 'Alex Wilber');
      expect(alex).toEqual({ tenantId: TENANT, aadObjectId: ID.alex, name: 'Alex Wilber', roles: ['chair', 'business', 'partner'], organisation: 'Warwickshire County Council', known: true });
      expect((await directory.get(TENANT, ID.alex))?.placeholder).toBe(false);
      expect(await entries()).toHaveLength(before);
    });

    it('answers for a newcomer with no roles without storing them; a roster adds them, and a changed name is kept', async () => {
      const newcomer = await directory.actorFor(TENANT, ID.newcomer, 'New Person');
      expect(newcomer).toMatchObject({ roles: [], known: false, name: 'New Person' });
      expect(await directory.get(TENANT, ID.newcomer)).toBeUndefined();
      expect(await directory.learnFromRoster(TENANT, [{ aadObjectId: ID.newcomer, name: 'New Person' }, { aadObjectId: 42, name: 'Bad' }, { aadObjectId: 'not-an-id', name: 'Bad' }, { aadObjectId: ID.alex, name: 'Alex again' }])).toBe(1);
      expect(await directory.get(TENANT, ID.newcomer)).toMatchObject({ name: 'New Person', roles: [] });
      await directory.actorFor(TENANT, ID.newcomer, 'New Person-Renamed');
      expect((await directory.get(TENANT, ID.newcomer))?.name).toBe('New Person-Renamed');
      expect((await entries()).map((e) => e.action)).toEqual(['directory.seeded']);
    });

    it.each<[string, unknown]>([
      ['a number', 42],
      ['an array', ['00000000-0000-0000-0000-0000000000099']],
      ['an object', { id: ID.newcomer }],
      ['a boolean', true],
      ['text that is not a GUID', 'alex'],
    ])('refuses an object id that is %s and stores nothing', async (_what, id) => {
      const before = await snapshot();
      await expect(directory.actorFor(TENANT, id, 'Someone')).rejects.toThrow(DomainError);
      expect(await snapshot()).toEqual(before);
    });

    it('repairs records that are not people at start-up, so grant and revoke keep working', async () => {
      await store.upsert('people', { id: '42', tenantId: TENANT, aadObjectId: 42, name: 'Forty-two', roles: [], updatedAt: '' } as never);
      await store.upsert('people', { id: ID.newcomer, tenantId: TENANT, aadObjectId: ID.newcomer, name: ['N'], roles: ['lay', 'root'], updatedAt: '' } as never);
      const business = await actor(ID.patti);
      expect(await directory.find(TENANT, 'lynne')).toHaveLength(1);
      expect(await directory.repair(TENANT)).toEqual({ removed: 1, fixed: 1 });
      expect(await directory.get(TENANT, ID.newcomer)).toMatchObject({ name: 'Unknown user', roles: ['lay'] });
      expect(await store.read('people', TENANT, '42')).toBeUndefined();
      expect((await entries()).map((e) => e.action)).toContain('directory.repaired');
      expect(await directory.repair(TENANT)).toEqual({ removed: 0, fixed: 0 });
      await directory.grant(business, ID.lynne, 'member');
      expect((await directory.get(TENANT, ID.lynne))?.roles).toContain('member');
    });

    it('identifies by object id, never by display name', async () => {
      const impostor = await directory.actorFor(TENANT, ID.newcomer, 'Alex Wilber');
      expect(impostor.roles).toEqual([]);
      expect((await directory.get(TENANT, ID.alex))?.roles).toContain('chair');
    });
  });

  describe('add', () => {
    beforeEach(() => directory.seedIfEmpty(TENANT, SEED));

    it('lets the Business Team add a person with no roles, logged once; refuses others, bad ids and repeats, changing nothing', async () => {
      const patti = await actor(ID.patti);
      const before = await snapshot();
      for (const [who, id, name, message] of [
        [await actor(ID.megan), ID.newcomer, 'Nia', /Only the Business Team/],
        [patti, 'nia', 'Nia', /Entra object id/],
        [patti, ID.newcomer, '  ', /name/],
        [patti, ID.alex, 'Alex', /already in the directory/],
      ] as const)
        expect((await refusal(directory.add(who, id, name))).message).toMatch(message);
      expect(await snapshot()).toEqual(before);
      expect(await directory.add(patti, ID.newcomer, ' Nia Newcomer ')).toMatchObject({ aadObjectId: ID.newcomer, name: 'Nia Newcomer', roles: [] });
      expect((await entries()).filter((e) => e.action === 'person.added')).toHaveLength(1);
    });
  });

  describe('grant and revoke', () => {
    beforeEach(() => directory.seedIfEmpty(TENANT, SEED));

    it('lets the chair grant a role, saving and logging who did it with before and after', async () => {
      const alex = await actor(ID.alex);
      clock.set('2026-03-03T11:00:00Z');
      const lynne = await directory.grant(alex, ID.lynne, 'member');
      expect(lynne.roles).toEqual(['lay', 'member']);
      expect((await directory.get(TENANT, ID.lynne))?.roles).toEqual(['lay', 'member']);
      const last = (await entries()).at(-1)!;
      expect(last).toMatchObject({
        action: 'role.granted',
        at: '2026-03-03T11:00:00.000Z',
        actor: { aadObjectId: ID.alex, name: 'Alex Wilber' },
        entity: { type: 'person', id: ID.lynne, ref: 'Lynne Robbins' },
        before: 'lay',
        after: 'lay, member',
      });
    });

    it('lets the Business Team revoke a role, logged', async () => {
      const patti = await actor(ID.patti);
      const megan = await directory.revoke(patti, ID.megan, 'partner');
      expect(megan.roles).toEqual([]);
      expect((await entries()).at(-1)).toMatchObject({ action: 'role.revoked', before: 'partner (NHS South Warwickshire CCG)', after: 'no roles' });
    });

    it('grants partner with the organisation they represent', async () => {
      const patti = await actor(ID.patti);
      const lynne = await directory.grant(patti, ID.lynne, 'partner', '  Warwickshire Police ');
      expect(lynne).toMatchObject({ roles: ['lay', 'partner'], organisation: 'Warwickshire Police' });
      expect((await entries()).at(-1)?.after).toBe('lay, partner (Warwickshire Police)');
    });

    it('moves a partner to another organisation by granting partner again', async () => {
      const patti = await actor(ID.patti);
      const megan = await directory.grant(patti, ID.megan, 'partner', 'Warwickshire Police');
      expect(megan).toMatchObject({ roles: ['partner'], organisation: 'Warwickshire Police' });
    });

    describe('refusals change nothing and log nothing', () => {
      it.each([
        ['a partner', ID.megan],
        ['a lay member', ID.lynne],
      ])('%s may not grant: the message names the roles it needs', async (_who, id) => {
        const before = await snapshot();
        const err = await refusal(directory.grant(await actor(id), ID.lynne, 'member'));
        expect(err.code).toBe('forbidden');
        expect(err.details.neededRoles).toEqual(['chair', 'business']);
        expect(err.message).toBe('Only the Independent Chair or the Business Team can grant roles.');
        expect(await snapshot()).toEqual(before);
      });

      it('a newcomer with no roles may not revoke', async () => {
        const newcomer = await directory.actorFor(TENANT, ID.newcomer, 'New Person');
        const before = await snapshot();
        const err = await refusal(directory.revoke(newcomer, ID.alex, 'chair'));
        expect(err.code).toBe('forbidden');
        expect(err.message).toContain('the Independent Chair or the Business Team');
        expect(await snapshot()).toEqual(before);
      });

      it.each<[string, () => [string, string, string?], string, RegExp]>([
        ['partner without an organisation', () => [ID.lynne, 'partner'], 'invalid', /say which one/],
        ['partner with a blank organisation', () => [ID.lynne, 'partner', '   '], 'invalid', /say which one/],
        ['an unknown role', () => [ID.lynne, 'admin'], 'invalid', /"admin" is not a role here\. Roles: chair, partner, business, member, lay/],
        ['sponsor (set on each review)', () => [ID.lynne, 'sponsor'], 'invalid', /not a role here/],
        ['a person not in the directory', () => [ID.newcomer, 'member'], 'not_found', /not in the directory/],
        ['something that is not an object id', () => ['Lynne', 'member'], 'invalid', /Pick a person/],
        ['a role already held', () => [ID.lynne, 'lay'], 'invalid', /Lynne Robbins already has the role lay/],
      ])('grant refuses %s', async (_case, args, code, message) => {
        const patti = await actor(ID.patti);
        const before = await snapshot();
        const [target, role, organisation] = args();
        const err = await refusal(directory.grant(patti, target, role, organisation));
        expect(err.code).toBe(code);
        expect(err.message).toMatch(message);
        expect(await snapshot()).toEqual(before);
      });

      it('revoke refuses a role the person does not hold', async () => {
        const before = await snapshot();
        const err = await refusal(directory.revoke(await actor(ID.patti), ID.lynne, 'member'));
        expect(err.message).toBe('Lynne Robbins does not have the role member.');
        expect(await snapshot()).toEqual(before);
      });

      it('the chair may not remove their own chair role unless also Business Team', async () => {
        await directory.seedIfEmpty('tenant-2', { people: [{ aadObjectId: ID.alex, name: 'Chair Only', roles: ['chair'] }, { aadObjectId: ID.megan, name: 'Megan', roles: [] }] });
        const chair: Actor = { tenantId: 'tenant-2', aadObjectId: ID.alex, name: 'Chair Only', roles: ['chair'] };
        const err = await refusal(directory.revoke(chair, ID.alex, 'chair'));
        expect(err.message).toMatch(/cannot remove their own chair role/);
        expect((await directory.get('tenant-2', ID.alex))?.roles).toEqual(['chair']);
        // Alex, who is also Business Team, may.
        const alex = await directory.revoke(await actor(ID.alex), ID.alex, 'chair');
        expect(alex.roles).toEqual(['business', 'partner']);
      });
    });
  });

  describe('find', () => {
    beforeEach(() => directory.seedIfEmpty(TENANT, SEED));

    it('finds by exact object id or name first, then by part of a name, case-insensitively', async () => {
      expect((await directory.find(TENANT, ID.megan)).map((p) => p.name)).toEqual(['Megan Bowen']);
      expect((await directory.find(TENANT, 'megan bowen')).map((p) => p.name)).toEqual(['Megan Bowen']);
      expect((await directory.find(TENANT, 'ER')).map((p) => p.name)).toEqual(['Alex Wilber', 'Isaiah Langer', 'Patti Fernandez']);
      expect(await directory.find(TENANT, '  ')).toEqual([]);
    });

    it('lists people by name and by role', async () => {
      expect((await directory.list(TENANT)).map((p) => p.name)).toEqual(['Adele Vance', 'Alex Wilber', 'Isaiah Langer', 'Lynne Robbins', 'Megan Bowen', 'Patti Fernandez']);
      expect((await directory.withRole(TENANT, 'business')).map((p) => p.name)).toEqual(['Alex Wilber', 'Patti Fernandez']);
    });
  });
});
