import { CASE_REVIEW_VERB_DATA } from './case-reviews/verbs';
import { DISPUTE_VERB_DATA } from './disputes/verbs';
import { REC_VERB_DATA } from './recommendations/verbs';
import { REVIEW_VERB_DATA } from './reviews/verbs';
import type { VerbDataSchema } from './verb-data';
import { CORE_VERB_DATA } from './verbs';

/** Every Action.Execute verb the bot answers, with the data it accepts. */
export const VERB_DATA: Readonly<Record<string, VerbDataSchema>> = { ...CORE_VERB_DATA, ...DISPUTE_VERB_DATA, ...REC_VERB_DATA, ...REVIEW_VERB_DATA, ...CASE_REVIEW_VERB_DATA };
