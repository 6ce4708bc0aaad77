import { z } from 'zod';
import { VerbDataSchema, counter, input, verbData } from './verb-data';

/**
 * Action.Execute verbs: used in the card JSON data and in handler registration, so the two
 * cannot drift apart. Features add theirs in their own `cards/<feature>/verbs.ts`.
 */
export const CORE_VERBS = {
  grantRole: 'roles.grant',
  revokeRole: 'roles.revoke',
  runCommand: 'command.run',
} as const;

/** The data each core verb accepts (see cards/verb-data.ts). */
export const CORE_VERB_DATA: Record<(typeof CORE_VERBS)[keyof typeof CORE_VERBS], VerbDataSchema> = {
  // The members card's inputs: the service names what is missing.
  [CORE_VERBS.grantRole]: verbData({ v: counter.optional(), person: input(200), role: input(32), organisation: input(200) }),
  [CORE_VERBS.revokeRole]: verbData({ v: counter.optional(), person: input(200), role: input(32) }),
  [CORE_VERBS.runCommand]: verbData({ command: z.string().min(1).max(200) }),
};
