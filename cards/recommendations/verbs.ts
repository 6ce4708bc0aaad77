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
