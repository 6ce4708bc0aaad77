import type { Role } from './directory/roles';

/** Why a domain operation refused. The bot maps each code to a private, friendly reply. */
export type ErrorCode =
  | 'forbidden' // the actor lacks a role
  | 'not_found' // no such entity, or it belongs to another tenant
  | 'invalid' // the input breaks a rule
  | 'stale' // the card or version the actor acted on is out of date
  | 'conflict' // a concurrent change won; try again
  | 'not_yet' // the entity does not accept this action yet (a vote still open, a review not complete)
  | 'closed'; // the entity no longer accepts this action

/** A refusal from the domain: nothing was changed. `message` is written for the person who acted. */
export class DomainError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details: { neededRoles?: Role[]; field?: string } = {},
  ) {
    super(message);
    this.name = 'DomainError';
  }
}

export const forbidden = (neededRoles: Role[], action: string): DomainError =>
  new DomainError(
    'forbidden',
    `Only ${neededRoles.map((r) => roleLabel(r)).join(' or ')} can ${action}.`,
    { neededRoles },
  );

export const invalid = (message: string, field?: string): DomainError => new DomainError('invalid', message, { field });
export const notFound = (message: string): DomainError => new DomainError('not_found', message);

export function roleLabel(role: Role): string {
  switch (role) {
    case 'chair':
      return 'the Independent Chair';
    case 'partner':
      return 'an Executive Board partner';
    case 'business':
      return 'the Business Team';
    case 'sponsor':
      return 'the review sponsor';
    case 'member':
      return 'a partnership group member';
    case 'lay':
      return 'a lay member';
  }
}
