/** Roles the bot knows (../shared/DOMAIN.md). One person may hold several. */
export const ROLES = ['chair', 'partner', 'business', 'sponsor', 'member', 'lay'] as const;
export type Role = (typeof ROLES)[number];

/** Roles held in the directory; `sponsor` is per review and lives on the review. */
export const DIRECTORY_ROLES: Role[] = ['chair', 'partner', 'business', 'member', 'lay'];

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}

/** Who is acting: identified by Entra object id, never by display name. */
export interface Actor {
  tenantId: string;
  aadObjectId: string;
  name: string;
  roles: Role[];
  /** For a `partner`: the partner organisation they represent. */
  organisation?: string;
}

export function hasRole(actor: Actor, ...roles: Role[]): boolean {
  return roles.some((r) => actor.roles.includes(r));
}
