/**
 * Action.Execute verbs: used in the card JSON data and in handler registration, so the two
 * cannot drift apart. Features add theirs in their own `cards/<feature>/verbs.ts`.
 */
export const CORE_VERBS = {
  grantRole: 'roles.grant',
  revokeRole: 'roles.revoke',
  runCommand: 'command.run',
} as const;
