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
