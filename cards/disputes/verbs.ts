import { VerbDataSchema, counter, id, input, verbData } from '../verb-data';

/**
 * Action.Execute verbs of the dispute cards. The templates take them as data (`${verbs.x}`) and
 * the bot registers its handlers with the same constants, so the two cannot drift apart.
 */
export const DISPUTE_VERBS = {
  raise: 'dispute.raise',
  refresh: 'dispute.refresh',
  history: 'dispute.history',
  schedule: 'dispute.schedule',
  record: 'dispute.record',
  appoint: 'dispute.appoint',
  close: 'dispute.close',
  propose: 'dispute.propose',
  agree: 'dispute.agree',
  mediation: 'dispute.mediation',
} as const;

export type DisputeVerbs = typeof DISPUTE_VERBS;

const card = { disputeId: id, version: counter };

/** The data each disputes verb accepts (see cards/verb-data.ts). */
export const DISPUTE_VERB_DATA: Record<DisputeVerbs[keyof DisputeVerbs], VerbDataSchema> = {
  [DISPUTE_VERBS.raise]: verbData({ formId: input(200), parties: input(), subject: input(1000), determinedOn: input(32), notes: input() }),
  [DISPUTE_VERBS.refresh]: verbData({ disputeId: id }),
  [DISPUTE_VERBS.history]: verbData({ disputeId: id }),
  [DISPUTE_VERBS.schedule]: verbData({ ...card, meetingDate: input(32), meetingTime: input(16), meetingPlace: input(300), lateReason: input(1000) }),
  [DISPUTE_VERBS.record]: verbData({ ...card, recordOutcome: input(32), recordNotes: input() }),
  [DISPUTE_VERBS.appoint]: verbData({ ...card, mediatorName: input(200) }),
  [DISPUTE_VERBS.close]: verbData({ ...card, closeOutcome: input(32), closeNote: input() }),
  [DISPUTE_VERBS.propose]: verbData({ ...card, agendaText: input() }),
  [DISPUTE_VERBS.agree]: verbData({ ...card, agendaVersion: counter }),
  [DISPUTE_VERBS.mediation]: verbData(card),
};
