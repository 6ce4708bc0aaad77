import { DECISION_LABELS, Decision } from '../../services/recommendations/decision-rule';
import { CardColour, NEAR_DAYS, deadlineColour } from '../../cards/deadline-colour';
import { progressBar } from '../../cards/render';
import type { ProgrammeCardData } from '../../cards/reviews/programme';
import type { EntityListCardData, EntityRow } from '../../cards/entity-list';
import type { TimelineCardData, TimelineForms } from '../../cards/reviews/timeline';
import type { Actor } from '../../services/directory/roles';
import { STAGES, calendarStage, elapsedFraction } from '../../services/reviews/dates';
import { Review, STRAND_LABELS } from '../../services/reviews/review';
import type { ProgrammeView } from '../../services/reviews/reviews-service';
import { CalendarTime, daysBetween, formatDate } from '../../services/time';

/** Where a review stands on a given day, in words for cards. */
export interface ReviewStanding {
  label: string;
  tone: 'default' | 'warning' | 'good';
  /** The stage the calendar is in (1-4), or undefined before the start and after the end. */
  stage?: number;
  overdue: boolean;
}

const days = (n: number): string => `${n} day${n === 1 ? '' : 's'}`;
const shortDate = (date: string): string => formatDate(date).replace(/^\w+ /, '').replace(/ \d{4}$/, '');

export function standing(review: Review, today: string, time: CalendarTime): ReviewStanding {
  if (review.status === 'cancelled')
    return { label: `Cancelled on ${formatDate(time.dateOf(new Date(review.cancelled!.at)))}: ${review.cancelled!.reason}`, tone: 'warning', overdue: false };
  if (review.status === 'completed') return { label: `Completed on ${formatDate(time.dateOf(new Date(review.completedAt!)))}`, tone: 'good', overdue: false };
  const cs = calendarStage(review.stages, today);
  const late = review.stages.find((s) => !s.signedOff && s.end < today);
  if (late)
    return {
      label: `Stage ${late.number} of 4, ${STAGES[late.number - 1].name}: overdue by ${days(daysBetween(late.end, today))} (ended ${formatDate(late.end)}), not signed off`,
      tone: 'warning',
      stage: cs >= 1 && cs <= 4 ? cs : undefined,
      overdue: true,
    };
  if (cs === 0) return { label: `Starts on ${formatDate(review.startDate)} (in ${days(daysBetween(today, review.startDate))})`, tone: 'default', overdue: false };
  if (cs === 5) return { label: 'Every stage is signed off; waiting for the learning event to be recorded', tone: 'default', overdue: false };
  const stage = review.stages[cs - 1];
  const left = daysBetween(today, stage.end);
  return {
    label: `Stage ${cs} of 4, ${STAGES[cs - 1].name}: ${left === 0 ? 'last day today' : `${days(left)} left`}${stage.signedOff ? ' (signed off)' : ''}`,
    tone: 'default',
    stage: cs,
    overdue: false,
  };
}

/** A list row's clock colour: the timeline headline's rule, with the list's neutral Default for calm. */
function rowColour(review: Review, st: ReviewStanding, today: string): CardColour {
  const c = statusColour(review, st, today);
  return c === 'Accent' || c === 'Good' ? 'Default' : c;
}

/** The headline's colour: red when a stage is overdue, amber in the last week of an unsigned stage; a finished review is Good, a cancelled one Default. */
function statusColour(review: Review, st: ReviewStanding, today: string): CardColour {
  if (review.status === 'completed') return 'Good';
  if (review.status !== 'active') return 'Default';
  if (st.overdue) return 'Attention';
  const stage = st.stage ? review.stages[st.stage - 1] : undefined;
  if (!stage) return 'Accent';
  return deadlineColour({ daysLeft: daysBetween(today, stage.end), nearDays: NEAR_DAYS.weeks, finished: !!stage.signedOff }, 'Accent', 'Accent');
}

export interface TimelineContext {
  today: string;
  time: CalendarTime;
  channelNames: string[];
  updatedAt: Date;
  /** Each submitted recommendation's status now (by recommendation id): the card shows the vote's outcome. */
  outcomes?: ReadonlyMap<string, string>;
}

/** "voting open", "approved", "rejected", "no quorum": a recommendation's status in words. */
function outcomeWords(status: string | undefined): string {
  if (!status) return '';
  return status === 'open' ? 'voting open' : (DECISION_LABELS[status as Decision] ?? status).toLowerCase();
}

/** The timeline card's data and forms for a review as it is now. */
export function timelineView(review: Review, ctx: TimelineContext): { data: TimelineCardData; forms: TimelineForms } {
  const { today, time } = ctx;
  const st = standing(review, today, time);
  const stage = st.stage ? review.stages[st.stage - 1] : undefined;
  const totalDays = daysBetween(review.startDate, review.endDate) + 1;
  const dayOf = Math.min(totalDays, Math.max(0, daysBetween(review.startDate, today) + 1));
  const active = review.status === 'active';
  const awaiting = review.stages.find((s) => !s.signedOff);
  const sponsor = `${review.sponsor.name}${review.sponsor.organisation ? ` (${review.sponsor.organisation})` : ''}`;
  const data: TimelineCardData = {
    ref: review.ref,
    theme: review.theme,
    strand: STRAND_LABELS[review.strand],
    statusLabel: st.label,
    statusTone: st.tone,
    statusColor: statusColour(review, st, today),
    sponsor,
    dates: `${formatDate(review.startDate)} to ${formatDate(review.endDate)}`,
    reviewProgress: progressBar(review.status === 'completed' ? 1 : elapsedFraction(review.startDate, review.endDate, today)),
    reviewProgressText: review.status === 'completed' ? 'complete' : dayOf === 0 ? 'not started' : `day ${dayOf} of ${totalDays}`,
    showStage: active && !!stage,
    stageProgress: stage ? progressBar(elapsedFraction(stage.start, stage.end, today)) : '',
    stageProgressText: stage ? `day ${daysBetween(stage.start, today) + 1} of ${daysBetween(stage.start, stage.end) + 1}` : '',
    // A signed-off stage is done: it no longer says "Due now".
    due: !stage ? '' : stage.signedOff ? `Signed off: ${STAGES[stage.number - 1].due}` : `Due now: ${STAGES[stage.number - 1].due} (by ${formatDate(stage.end)})`,
    signOffBy: `${review.sponsor.name} (lead sponsor) or the Business Team`,
    stages: review.stages.map((s) => {
      const overdue = active && !s.signedOff && s.end < today;
      const state = s.signedOff
        ? `Signed off by ${s.signedOff.by.name} on ${formatDate(time.dateOf(new Date(s.signedOff.at)))}: ${s.signedOff.note}`
        : overdue
          ? `Overdue: ended ${formatDate(s.end)}, not signed off`
          : today >= s.start && today <= s.end
            ? `In progress: ${days(daysBetween(today, s.end))} left`
            : today < s.start
              ? `Starts ${formatDate(s.start)}`
              : 'Not signed off';
      return {
        label: `${s.number} ${STAGES[s.number - 1].name}`,
        dates: `${shortDate(s.start)} to ${shortDate(s.end)}`,
        state,
        current: active && st.stage === s.number,
        done: !!s.signedOff,
        overdue,
        color: !active || today < s.start ? (s.signedOff ? 'Good' : 'Default') : deadlineColour({ daysLeft: daysBetween(today, s.end), nearDays: NEAR_DAYS.weeks, finished: !!s.signedOff }),
      };
    }),
    learningEvent: review.learningEvent
      ? `Held ${formatDate(review.learningEvent.date)}: ${review.learningEvent.attendees} attended; the independent scrutineer ${review.learningEvent.scrutineerTookPart ? 'took part' : 'did not take part'}`
      : `Planned for ${formatDate(review.learningEventPlanned)}`,
    recommendations: review.recommendations.length
      ? review.recommendations
          .map((r) => {
            const outcome = outcomeWords(ctx.outcomes?.get(r.id));
            return `${r.ref} ${r.title}${outcome ? ` (${outcome})` : ''}`;
          })
          .join('; ')
      : review.noRecommendationsReason
        ? `None: ${review.noRecommendationsReason}`
        : 'None yet',
    impactChecks: review.impactChecks.map((c) => ({
      label: `${c.months}-month impact check`,
      state: c.findings ? `Recorded by ${c.findings.by.name}: ${c.findings.text}` : `Due ${formatDate(c.date)}`,
      // Impact checks fall due only once the review is completed; a cancelled review's never do.
      color:
        review.status === 'completed'
          ? deadlineColour({ daysLeft: daysBetween(today, c.date), nearDays: NEAR_DAYS.weeks, finished: !!c.findings })
          : 'Default',
    })),
    channels: ctx.channelNames.length ? ctx.channelNames.join(', ') : 'no channel',
    updated: time.formatInstant(ctx.updatedAt),
    version: review.version,
  };
  const base = { reviewId: review.id, version: review.version };
  const forms: TimelineForms = {};
  if (active && awaiting)
    forms.signOff = {
      ...base,
      stage: awaiting.number,
      stageName: STAGES[awaiting.number - 1].name,
      isStage4: awaiting.number === 4,
      submittedText: review.recommendations.length ? `Submitted so far: ${review.recommendations.map((r) => `${r.ref} ${r.title}`).join('; ')}.` : 'None submitted yet.',
      reason: review.noRecommendationsReason ?? '',
    };
  if (active && !review.learningEvent)
    forms.learningEvent = { ...base, planned: formatDate(review.learningEventPlanned), defaultDate: today < review.learningEventPlanned ? today : review.learningEventPlanned };
  const nextCheck = review.status === 'completed' ? review.impactChecks.find((c) => !c.findings) : undefined;
  if (nextCheck) forms.impact = { ...base, ...impactText(review, nextCheck.months) };
  if (active) forms.change = { ...base, ref: review.ref, startDate: review.startDate, canMove: !review.stages.some((s) => s.signedOff) };
  return { data, forms };
}

export function impactText(review: Review, months: number): { months: number; title: string; text: string } {
  const check = review.impactChecks.find((c) => c.months === months);
  return {
    months,
    title: `${review.ref} ${review.theme}: ${months}-month impact check`,
    text: `Due ${check ? formatDate(check.date) : ''}: the Business Team records what has changed ${months} months after the review ended (${formatDate(review.endDate)}).`,
  };
}

/** `reviews`: each active review with its stage, what the viewer still has to do, and an Open button. */
export function reviewRows(reviews: Review[], viewer: Actor, today: string, time: CalendarTime): Omit<EntityListCardData, 'openVerb'> {
  const rows: EntityRow[] = reviews.map((r) => {
    const st = standing(r, today, time);
    const canSignOff = r.sponsor.aadObjectId === viewer.aadObjectId || viewer.roles.includes('business');
    const due = r.stages.find((s) => !s.signedOff && s.end <= today);
    return {
      ref: r.ref,
      name: `${r.theme} (${STRAND_LABELS[r.strand]}), sponsor ${r.sponsor.name}`,
      line: `${st.label}; ends ${formatDate(r.endDate)}`,
      lineColor: rowColour(r, st, today),
      todo: canSignOff && due ? `Stage ${due.number} is yours to sign off${st.overdue ? ': overdue' : ''}` : '',
      color: st.overdue ? 'Attention' : due ? 'Warning' : 'Default',
      command: `review ${r.ref}`,
    };
  });
  return {
    title: `Active hub reviews (${rows.length})`,
    intro: '',
    emptyText: 'No review is running. The Business Team starts one with review start.',
    rows,
  };
}

export function programmeView(view: ProgrammeView): ProgrammeCardData {
  const strands = (Object.keys(view.expected) as (keyof typeof view.expected)[]).map((s) => ({
    title: STRAND_LABELS[s],
    value: `${view.counts[s]} of ${view.expected[s]}${view.counts[s] === view.expected[s] ? ' ✔' : ''}`,
  }));
  return {
    year: view.year,
    summary: view.warnings.length
      ? `${view.warnings.length} warning${view.warnings.length === 1 ? '' : 's'}: the programme departs from the arrangements.`
      : 'The programme matches the arrangements.',
    warnings: view.warnings,
    strands,
    reviews: view.reviews.map((r) => ({
      title: `${r.ref} ${r.theme}`,
      value: `${STRAND_LABELS[r.strand]}; ${r.sponsor.name}; ${formatDate(r.startDate)} to ${formatDate(r.endDate)}; ${r.status}`,
    })),
    partners: view.partners.map((p) => ({ title: p.organisation, value: p.sponsoring.length ? p.sponsoring.join(', ') : 'none' })),
    overlaps: view.overlaps.map((o) => `${o.a} and ${o.b}: ${formatDate(o.from)} to ${formatDate(o.to)}`),
  };
}
