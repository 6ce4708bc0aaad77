import { randomUUID } from 'node:crypto';
import type { Clock } from '../clock';
import { DomainError, forbidden, invalid, notFound } from '../errors';
import { AuditLog, LogInput, SYSTEM_ACTOR } from '../log/audit-log';
import { silentLogger } from '../logger';
import { Outbox, OutboxFields, localLogOutbox, withoutOutbox } from '../outbox/outbox';
import { CONTAINERS } from '../store/containers';
import { Store, StoreConflict, Stored, updateWithRetry } from '../store/port';
import { Actor, DIRECTORY_ROLES, Role, hasRole, isRole } from './roles';
import { cleanText } from '../input';

/** A person in the partnership directory, keyed by Entra object id. */
export interface Person {
  id: string;
  tenantId: string;
  aadObjectId: string;
  name: string;
  email?: string;
  roles: Role[];
  /** The partner organisation a `partner` represents (or the person's employer). */
  organisation?: string;
  /** A placeholder from the seed file who has not yet been seen in Teams. */
  placeholder?: boolean;
  updatedAt: string;
}

/** The documented seed file format (config/directory.example.json). */
export interface DirectorySeed {
  people: { aadObjectId: string; name: string; email?: string; roles: string[]; organisation?: string }[];
}

const ROLE_ADMINS: Role[] = ['chair', 'business'];
/** A Microsoft Entra object id: a GUID. */
const ENTRA_OBJECT_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** The Agents Playground's mock users (all-zero prefix, 13 digits at the end): never issued by Entra. */
const PLAYGROUND_OBJECT_ID = /^00000000-0000-0000-0000-[0-9]{13}$/;

/** Whether a value is an id a person can be stored under: an Entra object id (or a playground mock id). */
export function isEntraObjectId(value: unknown): value is string {
  return typeof value === 'string' && (ENTRA_OBJECT_ID.test(value) || PLAYGROUND_OBJECT_ID.test(value));
}

const MAX_NAME = 256;
const cleanName = (value: unknown): string => cleanText(value, MAX_NAME);

/**
 * Where the log entries of changes that touch many records (start-up repair, seeding) are
 * staged: one small document per tenant in the counters container, written before the records.
 */
export const DIRECTORY_CHANGES_ID = 'directory-changes';

/**
 * People and roles. Decides who may change roles; every change is logged, its log entry staged
 * in the outbox of the same write that changes the person (services/outbox).
 */
export class Directory {
  private readonly outbox: Outbox;

  constructor(
    private readonly store: Store,
    log: AuditLog,
    private readonly clock: Clock,
    /** The app's outbox; without one, a local outbox carries the log entries right after each write. */
    outbox?: Outbox,
  ) {
    this.outbox = outbox ?? localLogOutbox(store, clock, log, silentLogger);
  }

  async get(tenantId: string, aadObjectId: string): Promise<Person | undefined> {
    return this.store.read<Person>(CONTAINERS.people.name, tenantId, aadObjectId);
  }

  async list(tenantId: string): Promise<Person[]> {
    const people = await this.store.query<Person>(CONTAINERS.people.name, { partitionKey: tenantId });
    // A record that is not a person (written before the door checked types) is left out until repair() removes it.
    return people.filter((p) => isEntraObjectId(p.aadObjectId) && typeof p.name === 'string' && Array.isArray(p.roles)).sort((a, b) => a.name.localeCompare(b.name));
  }

  async withRole(tenantId: string, role: Role): Promise<Person[]> {
    return (await this.list(tenantId)).filter((p) => p.roles.includes(role));
  }

  /**
   * The actor for an incoming activity: roles from the directory. Someone the directory does not
   * know acts with no roles and is NOT stored (the Business Team adds people by seed, and the bot
   * learns them from a real install's roster: {@link learnFromRoster}); `known` says which. A
   * changed display name of a known person is kept up to date (not a change of role: not logged).
   */
  async actorFor(tenantId: string, aadObjectId: unknown, displayName: unknown): Promise<Actor & { known: boolean }> {
    if (!isEntraObjectId(aadObjectId)) throw invalid('That is not a Microsoft Entra object id.', 'aadObjectId');
    const person = await this.get(tenantId, aadObjectId);
    const name = cleanName(displayName) || person?.name || 'Unknown user';
    if (!person) return { tenantId, aadObjectId, name, roles: [], known: false };
    if (person.name !== name || person.placeholder) {
      await updateWithRetry<Person>(this.store, CONTAINERS.people.name, tenantId, aadObjectId, (current) =>
        current ? { ...current, name, placeholder: false, updatedAt: this.clock.now().toISOString() } : undefined,
      );
    }
    return { tenantId, aadObjectId, name, roles: person.roles, organisation: person.organisation, known: true };
  }

  /**
   * Adds the members of a real install's roster (Teams' conversationUpdate) the directory does not
   * hold yet, with no roles, so the Business Team can grant them one. Entries without a valid Entra
   * object id or a name are skipped. Returns how many were added.
   */
  async learnFromRoster(tenantId: string, members: { aadObjectId?: unknown; name?: unknown }[]): Promise<number> {
    let added = 0;
    for (const m of members.slice(0, 256)) {
      const name = cleanName(m.name);
      if (!isEntraObjectId(m.aadObjectId) || !name) continue;
      const id = m.aadObjectId;
      if (await this.get(tenantId, id)) continue;
      await updateWithRetry<Person>(this.store, CONTAINERS.people.name, tenantId, id, (current) =>
        current ?? { id, tenantId, aadObjectId: id, name, roles: [], updatedAt: this.clock.now().toISOString() },
      );
      added += 1;
    }
    return added;
  }

  /**
   * The Business Team adds someone the bot has not met (no roles yet; grant gives them one).
   * Refused unless the id is an Entra object id and the person is not already listed. Logged.
   */
  async add(actor: Actor, aadObjectId: string, displayName: string): Promise<Person> {
    if (!hasRole(actor, 'business')) throw forbidden(['business'], 'add people to the directory');
    if (!isEntraObjectId(aadObjectId)) throw invalid('Give the person\'s Microsoft Entra object id (Entra admin centre > Users > the person > Object ID).', 'aadObjectId');
    const name = cleanName(displayName);
    if (!name) throw invalid('Give the person\'s name after their object id.', 'name');
    const tenantId = actor.tenantId;
    const existing = await this.get(tenantId, aadObjectId);
    if (existing) throw new DomainError('invalid', `${existing.name} is already in the directory.`);
    const person: Person = { id: aadObjectId, tenantId, aadObjectId, name, roles: [], updatedAt: this.clock.now().toISOString() };
    let created: Stored<Person & OutboxFields>;
    try {
      created = await this.store.create(
        CONTAINERS.people.name,
        this.outbox.stage(undefined, person, `${aadObjectId}.added`, [{ kind: 'log', actor, input: { action: 'person.added', entity: { type: 'person', id: aadObjectId, ref: name }, after: 'no roles' } }]),
      );
    } catch (err) {
      if (err instanceof StoreConflict) throw new DomainError('invalid', 'That person is already in the directory.');
      throw err;
    }
    await this.outbox.deliver(CONTAINERS.people.name, created);
    return withoutOutbox(created);
  }

  /**
   * Start-up repair: removes records that are not people (no valid Entra object id, an id that
   * disagrees with it) and fixes fields of the wrong type (a name that is not text, roles that
   * are not roles). Logs what it did once; returns how many records were removed and fixed.
   */
  async repair(tenantId: string): Promise<{ removed: number; fixed: number }> {
    const records = await this.store.query<Record<string, unknown> & { id: string; tenantId: string }>(CONTAINERS.people.name, { partitionKey: tenantId });
    const strays = records.filter((r) => !isEntraObjectId(r.aadObjectId) || r.id !== r.aadObjectId);
    const broken = records.filter((r) => !strays.includes(r) && needsFix(r));
    // The entry is committed before the records it describes are touched: a crash in between
    // leaves the entry, and the next start finishes (and logs) what is left.
    if (strays.length || broken.length)
      await this.stageChange(tenantId, `repair.${randomUUID()}`, {
        action: 'directory.repaired',
        entity: { type: 'directory', id: tenantId },
        after: `${strays.length} records that were not people removed, ${broken.length} fixed`,
      });
    let removed = 0;
    let fixed = 0;
    for (const r of strays) if (await this.store.delete(CONTAINERS.people.name, tenantId, String(r.id))) removed += 1;
    for (const r of broken) {
      const { roles, name, organisation, badEmail } = cleaned(r);
      const { _etag, ...doc } = r as Record<string, unknown> & { _etag?: string; id: string; tenantId: string };
      void _etag;
      const person = { ...doc, name, roles, updatedAt: this.clock.now().toISOString() } as Record<string, unknown> & { id: string; tenantId: string };
      if (organisation === undefined) delete person.organisation;
      if (badEmail) delete person.email;
      await this.store.upsert(CONTAINERS.people.name, person);
      fixed += 1;
    }
    return { removed, fixed };
  }

  /** Stages a log entry of a many-record change in the tenant's directory-changes document, and carries it out. */
  private async stageChange(tenantId: string, key: string, input: LogInput): Promise<void> {
    const saved = await updateWithRetry<{ id: string; tenantId: string } & OutboxFields>(this.store, CONTAINERS.counters.name, tenantId, DIRECTORY_CHANGES_ID, (current) =>
      this.outbox.stage(current, { id: DIRECTORY_CHANGES_ID, tenantId }, key, [{ kind: 'log', actor: { ...SYSTEM_ACTOR, tenantId }, input }]),
    );
    await this.outbox.deliver(CONTAINERS.counters.name, saved!);
  }

  /** Loads the seed file into an empty directory. Returns how many people were added. */
  async seedIfEmpty(tenantId: string, seed: DirectorySeed): Promise<number> {
    const existing = await this.store.query(CONTAINERS.people.name, { partitionKey: tenantId, limit: 1 });
    if (existing.length > 0) return 0;
    const people = validateSeed(seed);
    await this.stageChange(tenantId, `seed.${randomUUID()}`, {
      action: 'directory.seeded',
      entity: { type: 'directory', id: tenantId },
      after: `${people.length} people from the seed file`,
    });
    for (const p of people) {
      await this.store.upsert<Person>(CONTAINERS.people.name, {
        id: p.aadObjectId,
        tenantId,
        aadObjectId: p.aadObjectId,
        name: p.name,
        ...(p.email ? { email: p.email } : {}),
        roles: p.roles,
        ...(p.organisation ? { organisation: p.organisation } : {}),
        placeholder: true,
        updatedAt: this.clock.now().toISOString(),
      });
    }
    return people.length;
  }

  /** Finds people by object id or by (part of) their name; used by commands like `grant`. */
  async find(tenantId: string, query: string): Promise<Person[]> {
    const q = query.trim().toLowerCase();
    if (!q) return [];
    const people = await this.list(tenantId);
    const exact = people.filter((p) => p.aadObjectId.toLowerCase() === q || p.name.toLowerCase() === q);
    return exact.length ? exact : people.filter((p) => p.name.toLowerCase().includes(q));
  }

  async grant(actor: Actor, targetId: string, role: string, organisation?: string): Promise<Person> {
    return this.changeRole(actor, targetId, role, 'grant', organisation);
  }

  async revoke(actor: Actor, targetId: string, role: string): Promise<Person> {
    return this.changeRole(actor, targetId, role, 'revoke');
  }

  private async changeRole(actor: Actor, targetId: string, role: string, change: 'grant' | 'revoke', organisation?: string): Promise<Person> {
    if (!hasRole(actor, ...ROLE_ADMINS)) throw forbidden(ROLE_ADMINS, `${change} roles`);
    if (!isRole(role) || !DIRECTORY_ROLES.includes(role))
      throw invalid(`"${role}" is not a role here. Roles: ${DIRECTORY_ROLES.join(', ')} (sponsors are set on each review).`, 'role');
    if (!isEntraObjectId(targetId)) throw invalid('Pick a person from the directory.', 'person');
    const org = organisation?.trim();
    if (change === 'grant' && role === 'partner' && !org)
      throw invalid('A partner represents a partner organisation: say which one.', 'organisation');
    const tenantId = actor.tenantId;
    const before = await this.get(tenantId, targetId);
    if (!before) throw notFound('That person is not in the directory yet: they appear once they are in a team or chat the bot is installed in (Teams tells the bot its members) or in the seed file.');
    if (change === 'grant' && before.roles.includes(role) && (role !== 'partner' || before.organisation === org))
      throw new DomainError('invalid', `${before.name} already has the role ${role}.`);
    if (change === 'revoke' && !before.roles.includes(role))
      throw new DomainError('invalid', `${before.name} does not have the role ${role}.`);
    if (change === 'revoke' && role === 'chair' && targetId === actor.aadObjectId && !actor.roles.includes('business'))
      throw invalid('The chair cannot remove their own chair role; ask the Business Team.');
    const changeKey = `${targetId}.${change}.${randomUUID()}`;
    const after = await updateWithRetry<Person & OutboxFields>(this.store, CONTAINERS.people.name, tenantId, targetId, (current) => {
      if (!current) return undefined;
      const roles = change === 'grant' ? [...new Set([...current.roles, role])] : current.roles.filter((r) => r !== role);
      const next: Person = {
        ...withoutOutbox(current),
        roles,
        ...(change === 'grant' && role === 'partner' ? { organisation: org } : {}),
        updatedAt: this.clock.now().toISOString(),
      };
      return this.outbox.stage(current, next, changeKey, [
        {
          kind: 'log',
          actor,
          input: { action: change === 'grant' ? 'role.granted' : 'role.revoked', entity: { type: 'person', id: targetId, ref: before.name }, before: describeRoles(before), after: describeRoles(next) },
        },
      ]);
    });
    if (!after) throw notFound('That person is not in the directory.');
    await this.outbox.deliver(CONTAINERS.people.name, after);
    return withoutOutbox(after);
  }
}

/** What repair would change in a person record: roles that are not roles, a name that is not text, a stray organisation or email. */
function cleaned(r: Record<string, unknown>): { roles: Role[]; name: string; organisation?: string; badEmail: boolean } {
  const roles = Array.isArray(r.roles) ? (r.roles as unknown[]).filter((x): x is Role => isRole(x) && DIRECTORY_ROLES.includes(x)) : [];
  const name = cleanName(r.name) || 'Unknown user';
  const organisation = typeof r.organisation === 'string' ? r.organisation : undefined;
  const badEmail = r.email !== undefined && typeof r.email !== 'string';
  return { roles, name, organisation, badEmail };
}

function needsFix(r: Record<string, unknown>): boolean {
  const { roles, name, organisation, badEmail } = cleaned(r);
  return !(name === r.name && Array.isArray(r.roles) && roles.length === r.roles.length && (r.organisation === undefined || organisation !== undefined) && !badEmail);
}

export function describeRoles(p: Pick<Person, 'roles' | 'organisation'>): string {
  const roles = p.roles.length ? p.roles.join(', ') : 'no roles';
  return p.organisation && p.roles.includes('partner') ? `${roles} (${p.organisation})` : roles;
}

function validateSeed(seed: DirectorySeed): DirectorySeed['people'] & { roles: Role[] }[] {
  if (!seed || !Array.isArray(seed.people)) throw new Error('Directory seed: expected { "people": [...] }');
  const seen = new Set<string>();
  return seed.people.map((p, i) => {
    const where = `Directory seed, person ${i + 1}`;
    if (!p || !isEntraObjectId(p.aadObjectId)) throw new Error(`${where}: aadObjectId must be an Entra object id`);
    if (seen.has(p.aadObjectId)) throw new Error(`${where}: ${p.aadObjectId} appears twice`);
    seen.add(p.aadObjectId);
    if (typeof p.name !== 'string' || !p.name.trim()) throw new Error(`${where}: name is required`);
    if (!Array.isArray(p.roles) || p.roles.some((r) => !isRole(r) || !DIRECTORY_ROLES.includes(r)))
      throw new Error(`${where}: roles must be some of ${DIRECTORY_ROLES.join(', ')}`);
    if (p.roles.includes('partner') && !p.organisation) throw new Error(`${where}: a partner needs an organisation`);
    return { ...p, roles: p.roles as Role[] };
  });
}

export type StoredPerson = Stored<Person>;
