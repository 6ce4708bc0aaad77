import { invalid } from '../errors';
import { cleanText } from '../input';

/**
 * The personal data guard for safeguarding case reviews: only an anonymised case reference is
 * ever stored. Free text the Business Team types (reasons, reviewer, notes) is refused when it
 * looks like it carries a child's or adult's identity: a name field, a date of birth, an NHS
 * number. The guard errs on the side of refusing; the message says how to rephrase.
 */

/** A case reference: letters, digits and `-`/`/`, e.g. `RR-2026-03` or `SAR/24/1`. */
const REFERENCE = /^[A-Za-z0-9][A-Za-z0-9/-]{1,23}$/;

/** Ten digits, optionally grouped 3-3-4 with spaces or hyphens: an NHS number's shape. */
const NHS_NUMBER = /(?<!\d)\d{3}[\s-]?\d{3}[\s-]?\d{4}(?!\d)/;

const MONTHS = 'jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?';
/** A written calendar date (12/03/2015, 12.3.15, 2015-03-12, 12 March 2015, March 12th 2015). */
const WRITTEN_DATE = new RegExp(
  [
    String.raw`\b\d{1,2}[/.]\d{1,2}[/.]\d{2,4}\b`,
    String.raw`\b\d{4}-\d{1,2}-\d{1,2}\b`,
    String.raw`\b\d{1,2}(?:st|nd|rd|th)?\s+(?:${MONTHS})\.?,?\s+\d{2,4}\b`,
    String.raw`\b(?:${MONTHS})\.?\s+\d{1,2}(?:st|nd|rd|th)?,?\s+\d{2,4}\b`,
  ].join('|'),
  'i',
);
/** Words that announce a date of birth or an age. */
const BIRTH_WORDS = /\b(?:d\.?o\.?b\.?|date\s+of\s+birth|born(?:\s+on)?|birthday|aged?\s+\d{1,3})\b/i;
/** A labelled identity field: "Name: …", "child: …", "surname - …", "NHS no …". */
const NAME_FIELD = /\b(?:(?:first|last|full|given|family|sur|fore|maiden|child'?s?|adult'?s?|mother'?s?|father'?s?|parent'?s?)\s*names?|names?|child|adult|victim|subject|nhs\s*(?:no|number|#)|address|postcode)\s*[:=\-–]/i;

export type PersonalDataFinding = 'nhs-number' | 'date' | 'birth' | 'name-field';

const WHY: Record<PersonalDataFinding, string> = {
  'nhs-number': 'a number that looks like an NHS number',
  date: 'a written date (it could be a date of birth)',
  birth: 'a date of birth or an age',
  'name-field': 'a name or identity field',
};

/** What in `text` looks like personal data, if anything. */
export function findPersonalData(text: string): PersonalDataFinding | undefined {
  if (NHS_NUMBER.test(text)) return 'nhs-number';
  if (BIRTH_WORDS.test(text)) return 'birth';
  if (WRITTEN_DATE.test(text)) return 'date';
  if (NAME_FIELD.test(text)) return 'name-field';
  return undefined;
}

/**
 * Free text for a case review, trimmed and bounded; refused (typed `invalid` on `field`) when it
 * looks like personal data. Dates of steps are recorded in their own date fields, never in text.
 */
export function cleanCaseText(value: unknown, field: string, label: string, max = 1000): string {
  const text = cleanText(value, max);
  const finding = text ? findPersonalData(text) : undefined;
  if (finding)
    throw invalid(
      `The ${label} seems to contain ${WHY[finding]}. Case reviews hold only an anonymised case reference: never a child's or adult's name, date of birth, NHS number or address. Rephrase it without them.`,
      field,
    );
  return text;
}

/** The anonymised case reference, upper-cased; refused when it is not one. */
export function caseReference(value: unknown): string {
  const ref = cleanText(value);
  if (!REFERENCE.test(ref))
    throw invalid('Give an anonymised case reference of 2 to 24 letters, digits, "-" or "/", such as RR-2026-03. Never a name.', 'reference');
  const finding = findPersonalData(ref);
  const digitsOnly = /^\d+$/.test(ref.replace(/[/-]/g, ''));
  if (finding === 'nhs-number' || finding === 'date' || (digitsOnly && ref.replace(/\D/g, '').length >= 8))
    throw invalid('That reference looks like an NHS number or a date. Use the partnership\'s anonymised case reference, such as RR-2026-03.', 'reference');
  return ref.toUpperCase();
}
