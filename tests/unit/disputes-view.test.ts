import { disputeCardData } from '../../bot/disputes/view';
import * as rules from '../../services/disputes/dispute';
import { CalendarTime } from '../../services/time';
import { aDispute, chair, isaiah, megan } from '../support/disputes-mother';

const time = new CalendarTime('Europe/London');
const base = aDispute;

describe('the dispute card looks like where the dispute stands', () => {
  it('the clock is accent while time is ample, amber in the last week, red once the deadline has passed', () => {
    expect(disputeCardData(base(), undefined, '2026-03-12', time)).toMatchObject({ progressColor: 'Accent', breach: false });
    expect(disputeCardData(base(), undefined, '2026-03-31', time)).toMatchObject({ progressColor: 'Warning', breach: false });
    expect(disputeCardData(base(), undefined, '2026-04-08', time)).toMatchObject({ progressColor: 'Attention', breach: true });
  });

  it('once the meeting is held the clock stops: no bar, no "Day N of 28"', () => {
    const held = rules.recordMeeting(rules.schedule(base(), chair, { date: '2026-03-12', time: '10:00', place: 'Room' }, '2026-03-12'), chair, false, '', '2026-03-12');
    const data = disputeCardData(held, undefined, '2026-04-01', time);
    expect(data.progress).toBe('');
    expect(data.headline).not.toMatch(/Day \d+ of/);
    expect(data.headline).toMatch(/^Meeting held, not resolved — next: the chair \(close\), or a party \(request a mediator\)/);
  });

  it('a closed dispute says closed, with no clock', () => {
    const d = rules.schedule(base(), chair, { date: '2026-03-12', time: '10:00', place: 'Room' }, '2026-03-12');
    const closed = rules.recordMeeting(d, chair, true, '', '2026-03-12');
    const data = disputeCardData(closed, megan, '2026-03-20', time);
    expect(data).toMatchObject({ progress: '', headline: 'Closed: resolved' });
  });
});

describe('the log records what was agreed', () => {
  it('the agreed agenda text is in the summary once every party has agreed it', () => {
    let d = rules.schedule(base(), chair, { date: '2026-03-20', time: '10:00', place: 'Room' }, '2026-03-12');
    d = rules.proposeAgenda(d, megan, 'Thresholds for joint strategy meetings');
    expect(rules.summary(d)).not.toContain('agreed agenda:');
    d = rules.agreeAgenda(d, isaiah, 1);
    expect(rules.summary(d)).toContain('agreed agenda: "Thresholds for joint strategy meetings"');
  });
});
