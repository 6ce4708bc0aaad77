import type { Actor, Role } from '../../services/directory/roles';
import { refusalOf } from '../support/disputes-mother';
import {
  CaseReview,
  DEFAULT_CASE_CLOCKS,
  availableActions,
  clocksOf,
  newBreaches,
  nextStep,
  openCase,
  refusal,
  step,
  summary,
} from '../../services/case-reviews/case-review';
import { caseReference, cleanCaseText, findPersonalData } from '../../services/case-reviews/personal-data';
import { WorkingCalendar } from '../../services/working-days';

const cal = new WorkingCalendar();
const rules = { cal, settings: DEFAULT_CASE_CLOCKS };
const person = (name: string, ...roles: Role[]): Actor => ({ tenantId: 't1', aadObjectId: `${name.toLowerCase()}-id`, name, roles });
const business = person('Patti', 'business');
const chair = person('Alex', 'chair');
const partner = person('Megan', 'partner');
const lay = person('Lynne', 'lay');
const member = person('Sam', 'member');

const meta = { id: 'case-1', tenantId: 't1', now: '2026-12-21T10:00:00.000Z' };
const child = (started = '2026-12-21'): CaseReview => openCase({ reference: 'rr-2026-12', kind: 'child', started }, business, started > '2026-12-21' ? started : '2026-12-21', meta);
const adult = (started = '2026-12-21'): CaseReview => openCase({ reference: 'SAR/26/4', kind: 'adult', started }, business, '2026-12-21', meta);

const refused = refusalOf;

describe('opening a case review', () => {
  it('stores the upper-cased reference and starts a child case at notification, an adult one at referral', () => {
    expect(child()).toMatchObject({ ref: 'RR-2026-12', stage: 'notification', version: 1, milestones: { started: '2026-12-21' } });
    expect(adult()).toMatchObject({ ref: 'SAR/26/4', stage: 'referral' });
  });

  it('is for the Business Team and the chair only', () => {
    for (const who of [partner, lay, member]) expect(refused(() => openCase({ reference: 'RR-1', kind: 'child', started: '2026-12-21' }, who, '2026-12-21', meta)).code).toBe('forbidden');
    expect(openCase({ reference: 'RR-1', kind: 'child', started: '2026-12-21' }, chair, '2026-12-21', meta).ref).toBe('RR-1');
  });

  it('refuses a start date in the future, a bad kind and a reference that is not one', () => {
    expect(refused(() => openCase({ reference: 'RR-1', kind: 'child', started: '2026-12-22' }, business, '2026-12-21', meta)).details.field).toBe('started');
    expect(refused(() => openCase({ reference: 'RR-1', kind: 'teen', started: '2026-12-21' }, business, '2026-12-21', meta)).details.field).toBe('kind');
    for (const reference of ['Jane Smith', 'x', '943 476 5919', '9434765919', '12/03/2015', '', 42])
      expect(refused(() => openCase({ reference, kind: 'child', started: '2026-12-21' }, business, '2026-12-21', meta)).details.field).toBe('reference');
  });

  it('accepts a handed-over case with its real, earlier start date', () => {
    expect(child('2019-06-03').milestones.started).toBe('2019-06-03');
  });
});

describe('the personal data guard', () => {
  it.each([
    ['NHS number 943 476 5919', 'nhs-number'],
    ['ref 9434765919', 'nhs-number'],
    ['943-476-5919', 'nhs-number'],
    ['DOB 12/03/2015', 'birth'],
    ['born on 3 March 2015', 'birth'],
    ['aged 4', 'birth'],
    ['seen 12/03/2015', 'date'],
    ['on 3rd March 2015', 'date'],
    ['March 3, 2015', 'date'],
    ['Name: Jane Smith', 'name-field'],
    ["child's name - Jo", 'name-field'],
    ['Surname = Smith', 'name-field'],
    ['address: 1 High St', 'name-field'],
  ])('%s is refused (%s)', (text, finding) => {
    expect(findPersonalData(text)).toBe(finding);
    expect(refused(() => cleanCaseText(text, 'reason', 'reason')).message).toMatch(/anonymised case reference/);
  });

  it.each(['Threshold for a local review not met; learning taken through the hub.', 'Independent reviewer from another partnership', 'Meeting held with partners in week 3'])(
    'lets ordinary text through: %s',
    (text) => {
      expect(findPersonalData(text)).toBeUndefined();
      expect(cleanCaseText(`  ${text}  `, 'reason', 'reason')).toBe(text);
    },
  );

  it('accepts ordinary references', () => {
    expect(caseReference('rr-2026-03')).toBe('RR-2026-03');
    expect(caseReference('SAR/24/1')).toBe('SAR/24/1');
    expect(caseReference('CSPR-19-11')).toBe('CSPR-19-11');
  });
});

describe('the child lifecycle', () => {
  it('goes notification → rapid review → decision → local review (commissioned, terms, draft, final, published)', () => {
    let c = child('2026-12-21');
    c = step(c, business, 'notify', { date: '2026-12-23' }, '2026-12-23', rules);
    expect(c.stage).toBe('rapid_review');
    c = step(c, partner, 'decide', { date: '2027-01-12', outcome: 'local_review' }, '2027-01-12', rules);
    expect(c).toMatchObject({ stage: 'commissioning', decision: 'local_review' });
    c = step(c, business, 'commission', { date: '2027-01-20', reviewer: 'Independent reviewer' }, '2027-01-20', rules);
    expect(c).toMatchObject({ stage: 'terms', reviewer: 'Independent reviewer' });
    c = step(c, chair, 'terms', { date: '2027-02-01' }, '2027-02-01', rules);
    expect(c.stage).toBe('draft');
    c = step(c, business, 'draft', { date: '2027-05-04' }, '2027-05-04', rules);
    expect(c.stage).toBe('final_report');
    c = step(c, business, 'final', { date: '2027-06-01' }, '2027-06-01', rules);
    expect(c.stage).toBe('publication');
    // Seven working days after 1 June 2027 is 10 June: publishing on the 9th is too soon.
    expect(refused(() => step(c, business, 'publish', { date: '2027-06-09' }, '2027-06-09', rules)).message).toMatch(/Thu 10 Jun 2027/);
    c = step(c, business, 'publish', { date: '2027-06-10' }, '2027-06-10', rules);
    expect(c.stage).toBe('published');
    expect(nextStep(c)).toBe('nothing more to do');
    expect(refused(() => step(c, business, 'close', { date: '2027-06-10', reason: 'x' }, '2027-06-10', rules)).code).toBe('closed');
  });

  it('no further review awaits the Panel, whose agreement closes the case', () => {
    let c = step(child(), business, 'notify', { date: '2026-12-22' }, '2026-12-22', rules);
    expect(refused(() => step(c, chair, 'decide', { date: '2026-12-29', outcome: 'no_review' }, '2026-12-29', rules)).details.field).toBe('reason');
    c = step(c, chair, 'decide', { date: '2026-12-29', outcome: 'no_review', reason: 'Learning taken through the hub' }, '2026-12-29', rules);
    expect(c.stage).toBe('awaiting_panel');
    c = step(c, business, 'panel', { date: '2027-01-15', outcome: 'agrees' }, '2027-01-15', rules);
    expect(c).toMatchObject({ stage: 'closed', panelResponse: 'agrees', milestones: { closed: '2027-01-15' } });
  });

  it('a Panel asking for a local review starts one, with its clocks from the response', () => {
    let c = step(child(), business, 'notify', { date: '2026-12-22' }, '2026-12-22', rules);
    c = step(c, chair, 'decide', { date: '2026-12-29', outcome: 'national_review' }, '2026-12-29', rules);
    c = step(c, business, 'panel', { date: '2027-01-15', outcome: 'local_review' }, '2027-01-15', rules);
    expect(c.stage).toBe('commissioning');
    const publication = clocksOf(c, '2027-01-15', cal, DEFAULT_CASE_CLOCKS).find((k) => k.key === 'publication')!;
    expect(publication.due).toBe('2027-07-15');
  });

  it('each step is for its roles only, in its stage only, and never dated in the future or before the previous step', () => {
    const c = child('2026-12-21');
    expect(refused(() => step(c, partner, 'notify', { date: '2026-12-22' }, '2026-12-22', rules)).code).toBe('forbidden');
    expect(refused(() => step(c, lay, 'notify', { date: '2026-12-22' }, '2026-12-22', rules)).code).toBe('forbidden');
    expect(refused(() => step(c, business, 'decide', { date: '2026-12-22', outcome: 'local_review' }, '2026-12-22', rules)).code).toBe('forbidden');
    expect(refused(() => step(c, chair, 'decide', { date: '2026-12-22', outcome: 'local_review' }, '2026-12-22', rules)).code).toBe('invalid');
    expect(refused(() => step(c, business, 'notify', { date: '2026-12-23' }, '2026-12-22', rules)).message).toMatch(/future/);
    expect(refused(() => step(c, business, 'notify', { date: '2026-12-18' }, '2026-12-22', rules)).message).toMatch(/before the case's previous step/);
    expect(refused(() => step(c, business, 'notify', { date: 'soon' }, '2026-12-22', rules)).details.field).toBe('date');
    const notified = step(c, business, 'notify', { date: '2026-12-22' }, '2026-12-22', rules);
    expect(refused(() => step(notified, chair, 'decide', { date: '2026-12-23', outcome: 'commission_sar' }, '2026-12-23', rules)).details.field).toBe('outcome');
  });

  it('shows each person exactly the steps they may take', () => {
    const c = step(child(), business, 'notify', { date: '2026-12-22' }, '2026-12-22', rules);
    expect(availableActions(c, partner)).toEqual(['decide']);
    expect(availableActions(c, business)).toEqual(['close']);
    expect(availableActions(c, chair)).toEqual(['decide', 'close']);
    expect(availableActions(c, lay)).toEqual([]);
    expect(availableActions(c, undefined)).toEqual([]);
    expect(refusal(c, lay, 'close')?.code).toBe('forbidden');
  });
});

describe('the adult lifecycle (Safeguarding Adults Review)', () => {
  it('goes referral → decision → commissioned → terms → report → published, with a 6-month target from the decision', () => {
    let c = adult('2026-12-21');
    c = step(c, chair, 'decide', { date: '2027-01-05', outcome: 'commission_sar' }, '2027-01-05', rules);
    expect(c.stage).toBe('commissioning');
    expect(clocksOf(c, '2027-01-05', cal, DEFAULT_CASE_CLOCKS).map((k) => [k.key, k.due])).toEqual([['sar', '2027-07-05']]);
    c = step(c, business, 'commission', { date: '2027-01-10', reviewer: 'Reviewer Ltd' }, '2027-01-11', rules);
    c = step(c, business, 'terms', { date: '2027-01-20' }, '2027-01-20', rules);
    expect(c.stage).toBe('report');
    expect(refused(() => step(c, business, 'draft', { date: '2027-03-01' }, '2027-03-01', rules)).code).toBe('invalid');
    c = step(c, business, 'report', { date: '2027-05-01' }, '2027-05-01', rules);
    c = step(c, business, 'publish', { date: '2027-05-03' }, '2027-05-03', rules);
    expect(c.stage).toBe('published');
  });

  it('no SAR closes the case with its reason', () => {
    const c = step(adult(), partner, 'decide', { date: '2026-12-21', outcome: 'no_sar', reason: 'Criteria under s.44 not met' }, '2026-12-21', rules);
    expect(c).toMatchObject({ stage: 'closed', reason: 'Criteria under s.44 not met' });
    expect(clocksOf(c, '2027-02-01', cal, DEFAULT_CASE_CLOCKS)).toEqual([]);
  });
});

describe('the clocks', () => {
  it('count working days across Christmas and New Year: notification by 30 Dec, rapid review by 14 Jan', () => {
    const c = child('2026-12-21');
    const [notification, rapid] = clocksOf(c, '2026-12-21', cal, DEFAULT_CASE_CLOCKS);
    expect(notification).toMatchObject({ key: 'notification', due: '2026-12-30', workingDaysLeft: 5, state: 'running' });
    expect(rapid).toMatchObject({ key: 'rapid_review', due: '2027-01-14', workingDaysLeft: 15 });
    expect(clocksOf(c, '2026-12-24', cal, DEFAULT_CASE_CLOCKS)[0]).toMatchObject({ workingDaysLeft: 2, state: 'due_soon' });
    expect(clocksOf(c, '2026-12-30', cal, DEFAULT_CASE_CLOCKS)[0]).toMatchObject({ workingDaysLeft: 0, text: 'due today' });
  });

  it('a missed clock is breached from the day after, once, and a met one says when and whether it was late', () => {
    const c = child('2026-12-21');
    expect(newBreaches(c, '2026-12-30', cal, DEFAULT_CASE_CLOCKS)).toEqual([]);
    const missed = newBreaches(c, '2026-12-31', cal, DEFAULT_CASE_CLOCKS);
    expect(missed.map((k) => k.key)).toEqual(['notification']);
    expect(missed[0].text).toMatch(/1 working day overdue/);
    expect(newBreaches({ ...c, breaches: { notification: '2026-12-31' } }, '2027-01-04', cal, DEFAULT_CASE_CLOCKS)).toEqual([]);
    const late = step(c, business, 'notify', { date: '2027-01-04' }, '2027-01-04', rules);
    expect(clocksOf(late, '2027-01-04', cal, DEFAULT_CASE_CLOCKS)[0]).toMatchObject({ state: 'done_late', doneOn: '2027-01-04' });
  });

  it('every clock is a setting', () => {
    const c = child('2026-12-21');
    const clocks = clocksOf(c, '2026-12-21', cal, { ...DEFAULT_CASE_CLOCKS, notificationWorkingDays: 3, rapidReviewWorkingDays: 10 });
    expect(clocks.map((k) => k.due)).toEqual(['2026-12-24', '2027-01-07']);
  });

  it('the final report is due 7 working days before the 6-month publication date', () => {
    let c = step(child('2027-03-01'), business, 'notify', { date: '2027-03-02' }, '2027-03-02', rules);
    c = step(c, chair, 'decide', { date: '2027-03-15', outcome: 'local_review' }, '2027-03-15', rules);
    const clocks = clocksOf(c, '2027-03-15', cal, DEFAULT_CASE_CLOCKS);
    expect(clocks.find((k) => k.key === 'publication')!.due).toBe('2027-09-15');
    expect(clocks.find((k) => k.key === 'final_report')!.due).toBe('2027-09-06');
  });

  it('a closed case stops its clocks: no breach after closing', () => {
    const c = step(child('2026-12-21'), business, 'close', { date: '2026-12-22', reason: 'Did not meet the serious incident criteria' }, '2026-12-22', rules);
    expect(newBreaches(c, '2027-02-01', cal, DEFAULT_CASE_CLOCKS)).toEqual([]);
  });
});

describe('the log summary', () => {
  it('holds the stage and dates, never free text', () => {
    const c = step(child(), business, 'close', { date: '2026-12-21', reason: 'Criteria not met for this incident' }, '2026-12-21', rules);
    expect(summary(c)).toBe('child: closed; started 2026-12-21; closed 2026-12-21');
    expect(summary(c)).not.toMatch(/Criteria/);
  });
});
