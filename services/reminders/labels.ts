/**
 * A reminder's kind in the words a board member would use ("6-month impact check", "meeting in
 * 3 days"), for the lists of upcoming reminders. An unknown kind falls back to its words.
 */
export function reminderLabel(kind: string): string {
  const plural = (n: string, unit: string) => `${n} ${unit}${n === '1' ? '' : 's'}`;
  const rules: [RegExp, (...m: string[]) => string][] = [
    [/^stage-(\d)-start$/, (n) => `Stage ${n} starts`],
    [/^stage-(\d)-warning$/, (n) => `Stage ${n} ends soon`],
    [/^stage-(\d)-overdue$/, (n) => `Stage ${n} overdue`],
    [/^group-meeting$/, () => 'Partnership group meeting'],
    [/^impact-(\d+)$/, (n) => `${n}-month impact check`],
    [/^vote-remind-(\d+)d$/, (n) => `Vote closes in ${plural(n, 'day')}`],
    [/^vote-close$/, () => 'Vote closes'],
    [/^action-due-(\d+)d$/, (n) => `Action due in ${plural(n, 'day')}`],
    [/^action-overdue$/, () => 'Action overdue'],
    [/^deadline-(\d+)d$/, (n) => `Meeting deadline in ${plural(n, 'day')}`],
    [/^meeting-agenda-(\d+)d$/, (n) => `Agenda to agree: meeting in ${plural(n, 'day')}`],
    [/^meeting-(\d+)d$/, (n) => `Meeting in ${plural(n, 'day')}`],
    [/^([a-z_]+)-(\d+)wd$/, (k, n) => `${words(k)}: ${plural(n, 'working day')} left`],
    [/^([a-z_]+)-breach$/, (k) => `${words(k)}: deadline passed`],
  ];
  for (const [re, say] of rules) {
    const m = re.exec(kind);
    if (m) return say(...m.slice(1));
  }
  return words(kind);
}

function words(kind: string): string {
  const text = kind.replace(/[-_.]+/g, ' ').trim();
  return text.charAt(0).toUpperCase() + text.slice(1);
}
