/**
 * The one input clean-up for what people type into cards and commands: a string trimmed and, if
 * `max` is given, cut to that many characters; anything that is not a string becomes ''. Rules
 * (required, too short, personal data) are checked on the result by each service.
 */
export function cleanText(value: unknown, max?: number): string {
  if (typeof value !== 'string') return '';
  const text = value.trim();
  return max === undefined ? text : text.slice(0, max);
}
