import { reminderLabel } from '../../../services/reminders/labels';

describe('reminder kinds in plain words', () => {
  it.each([
    ['impact-6', '6-month impact check'],
    ['impact-12', '12-month impact check'],
    ['meeting-3d', 'Meeting in 3 days'],
    ['meeting-1d', 'Meeting in 1 day'],
    ['meeting-agenda-3d', 'Agenda to agree: meeting in 3 days'],
    ['stage-2-warning', 'Stage 2 ends soon'],
    ['vote-remind-2d', 'Vote closes in 2 days'],
    ['action-due-7d', 'Action due in 7 days'],
    ['notification-2wd', 'Notification: 2 working days left'],
    ['rapid_review-breach', 'Rapid review: deadline passed'],
    ['something-new', 'Something new'],
  ])('%s → %s', (kind, label) => {
    expect(reminderLabel(kind)).toBe(label);
  });
});
