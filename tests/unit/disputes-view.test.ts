import { disputeCardData } from '../../bot/disputes/view';
import type { Actor } from '../../services/directory/roles';
import * as rules from '../../services/disputes/dispute';
import type { Dispute } from '../../services/disputes/dispute';
import { CalendarTime } from '../../services/time';

const time = new CalendarTime('Europe/London');
const chair: Actor = { tenantId: 't', aadObjectId: 'chair', name: 'Chair', roles: ['chair'] };
const megan: Actor = { tenantId: 't', aadObjectId: 'megan', name: 'Megan', roles: ['partner'], organisation: 'NHS' };
const base = (): Dispute => ({
  id: 'd-00000000',
  tenantId: 't',
  ref: 'D-1',
  subject: 'S',
  notes: '',
  parties: [
    { key: 'p:megan', kind: 'person', name: 'Megan', people: [{ aadObjectId: 'megan', name: 'Megan' }] },
    { key: 'o:Police', kind: 'organisation', name: 'Police', people: [{ aadObjectId: 'isaiah', name: 'Isaiah' }] },
  ],
  determinedOn: '2026-03-10',
  deadline: '2026-04-07',
  status: 'determined',
  version: 1,
  agreements: {},
  breached: false,
  raisedBy: { aadObjectId: 'patti', name: 'Patti' },
  createdAt: '',
  updatedAt: '',
});

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
    d = rules.agreeAgenda(d, { tenantId: 't', aadObjectId: 'isaiah', name: 'Isaiah', roles: ['partner'], organisation: 'Police' }, 1);
    expect(rules.summary(d)).toContain('agreed agenda: "Thresholds for joint strategy meetings"');
  });
});
