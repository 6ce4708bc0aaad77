import { z } from 'zod';
import { VerbDataSchema, counter, id, input, verbData } from '../verb-data';

/** Action.Execute verbs of the votes feature: the card JSON uses the same strings (tests/unit/recommendation-cards.test.ts checks). */
export const REC_VERBS = {
  submit: 'rec.submit',
  vote: 'rec.vote',
  /** The refresh verb: the chair's and Business Team's own view with individual choices. */
  view: 'rec.view',
  close: 'rec.close',
  extend: 'rec.extend',
  assign: 'action.assign',
  done: 'action.done',
  changeDue: 'action.due',
} as const;

/** The data each votes verb accepts (see cards/verb-data.ts). */
export const REC_VERB_DATA: Record<(typeof REC_VERBS)[keyof typeof REC_VERBS], VerbDataSchema> = {
  [REC_VERBS.submit]: verbData({ form: input(200), sourceKind: input(32), sourceName: input(200), title: input(300), detail: input(), deadline: input(32) }),
  [REC_VERBS.vote]: verbData({ rec: id, option: z.enum(['approve', 'reject', 'abstain']) }),
  [REC_VERBS.view]: verbData({ rec: id }),
  [REC_VERBS.close]: verbData({ rec: id, v: counter.optional(), reason: input(1000) }),
  [REC_VERBS.extend]: verbData({ rec: id, v: counter.optional(), deadline: input(32), reason: input(1000) }),
  [REC_VERBS.assign]: verbData({ rec: id, owner: input(200), organisation: input(200), due: input(32), description: input() }),
  [REC_VERBS.done]: verbData({ action: id, v: counter.optional(), evidence: input() }),
  [REC_VERBS.changeDue]: verbData({ action: id, v: counter.optional(), due: input(32), reason: input(1000) }),
};
