import type { Clock } from '../clock';
import { DomainError, forbidden, invalid, notFound } from '../errors';
import { AuditLog, SYSTEM_ACTOR } from '../log/audit-log';
import { CONTAINERS } from '../store/containers';
import { Store, Stored, updateWithRetry } from '../store/port';
import { Actor, DIRECTORY_ROLES, Role, hasRole, isRole } from './roles';

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
const OBJECT_ID = /^[0-9a-fA-F-]{8,40}$/;

/** People and roles. Decides who may change roles; every change is logged. */
export class Directory {
  constructor(private readonly store: Store, private readonly log: AuditLog, private readonly clock: Clock) {}

  async get(tenantId: string, aadObjectId: string): Promise<Person | undefined> {
    return this.store.read<Person>(CONTAINERS.people.name, tenantId, aadObjectId);
  }

  async list(tenantId: string): Promise<Person[]> {
    const people = await this.store.query<Person>(CONTAINERS.people.name, { partitionKey: tenantId });
    return people.sort((a, b) => a.name.localeCompare(b.name));
  }

  async withRole(tenantId: string, role: Role): Promise<Person[]> {
    return (await this.list(tenantId)).filter((p) => p.roles.includes(role));
  }

  /**
   * The actor for an incoming activity: roles from the directory. Someone not yet in it is
   * added with no roles, so the Business Team can grant them one; a changed display name is kept
   * up to date. Neither is a change of role, so neither is logged.
   */
  async actorFor(tenantId: string, aadObjectId: string, displayName: string): Promise<Actor> {
    const person = await this.get(tenantId, aadObjectId);
    const name = displayName.trim() || person?.name || 'Unknown user';
    if (!person || person.name !== name || person.placeholder) {
      await updateWithRetry<Person>(this.store, CONTAINERS.people.name, tenantId, aadObjectId, (current) =>
        current
          ? { ...current, name, placeholder: false, updatedAt: this.clock.now().toISOString() }
          : { id: aadObjectId, tenantId, aadObjectId, name, roles: [], updatedAt: this.clock.now().toISOString() },
      );
    }
    return { tenantId, aadObjectId, name, roles: person?.roles ?? [], organisation: person?.organisation };
  }

  /** Loads the seed file into an empty directory. Returns how many people were added. */
  async seedIfEmpty(tenantId: string, seed: DirectorySeed): Promise<number> {
    const existing = await this.store.query(CONTAINERS.people.name, { partitionKey: tenantId, limit: 1 });
    if (existing.length > 0) return 0;
    const people = validateSeed(seed);
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
    await this.log.append({ ...SYSTEM_ACTOR, tenantId }, tenantId, {
      action: 'directory.seeded',
      entity: { type: 'directory', id: tenantId },
      after: `${people.length} people from the seed file`,
    });
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
    if (!OBJECT_ID.test(targetId)) throw invalid('Pick a person from the directory.', 'person');
    const org = organisation?.trim();
    if (change === 'grant' && role === 'partner' && !org)
      throw invalid('A partner represents a partner organisation: say which one.', 'organisation');
    const tenantId = actor.tenantId;
    const before = await this.get(tenantId, targetId);
    if (!before) throw notFound('That person is not in the directory yet: they appear once they have talked to the bot or are in the seed file.');
    if (change === 'grant' && before.roles.includes(role) && (role !== 'partner' || before.organisation === org))
      throw new DomainError('invalid', `${before.name} already has the role ${role}.`);
    if (change === 'revoke' && !before.roles.includes(role))
      throw new DomainError('invalid', `${before.name} does not have the role ${role}.`);
    if (change === 'revoke' && role === 'chair' && targetId === actor.aadObjectId && !actor.roles.includes('business'))
      throw invalid('The chair cannot remove their own chair role; ask the Business Team.');
    const after = await updateWithRetry<Person>(this.store, CONTAINERS.people.name, tenantId, targetId, (current) => {
      if (!current) return undefined;
      const roles = change === 'grant' ? [...new Set([...current.roles, role])] : current.roles.filter((r) => r !== role);
      return {
        ...current,
        roles,
        ...(change === 'grant' && role === 'partner' ? { organisation: org } : {}),
        updatedAt: this.clock.now().toISOString(),
      };
    });
    if (!after) throw notFound('That person is not in the directory.');
    await this.log.append(actor, tenantId, {
      action: change === 'grant' ? 'role.granted' : 'role.revoked',
      entity: { type: 'person', id: targetId, ref: before.name },
      before: describeRoles(before),
      after: describeRoles(after),
    });
    return after;
  }
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
    if (!p || typeof p.aadObjectId !== 'string' || !OBJECT_ID.test(p.aadObjectId)) throw new Error(`${where}: aadObjectId must be an Entra object id`);
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
