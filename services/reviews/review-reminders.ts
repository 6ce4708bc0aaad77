import type { ChannelPurpose } from '../conversations';
import type { Actor } from '../directory/roles';
import type { EffectSpec } from '../outbox/outbox';
import type { ReminderSpec, ReminderTarget, Timer } from '../reminders/port';
import { addDays, daysBetween, formatDate } from '../time';
import { STAGES, StageNumber, stageWarningDate } from './dates';
import type { Review } from './review';

/** The reminder handler every review reminder names; it builds the message from the review as it is then. */
export const REVIEW_REMINDER_HANDLER = 'review.reminder';

/** What a review reminder says when it falls due; the bot turns it into a card. */
export interface ReviewReminderMessage {
  review: Review;
  title: string;
  text: string;
  /** Set for an impact-check reminder: the card carries the findings form. */
  impactCheckMonths?: number;
}

const ENTITY = 'review';

const targets = (review: Review): ReminderTarget[] => review.reminderConversations.map((conversationKey) => ({ kind: 'conversation', conversationKey }));

function groupPurposes(review: Review): ChannelPurpose[] {
  if (review.strand === 'children') return ['children-partnership'];
  if (review.strand === 'adults') return ['adults-partnership'];
  return ['children-partnership', 'adults-partnership'];
}

/** One review reminder, as the reminders engine takes it. */
export function reminderSpec(review: Review, kind: string, date: string, target: ReminderTarget, extra: Record<string, unknown> = {}): ReminderSpec {
  return {
    tenantId: review.tenantId,
    entity: { type: ENTITY, id: review.id, ref: review.ref },
    kind,
    date,
    target,
    content: { kind: 'handler', handler: REVIEW_REMINDER_HANDLER, data: { reviewId: review.id, ...extra } },
  };
}

const schedule = (actor: Actor, spec: ReminderSpec): EffectSpec => ({ kind: 'schedule', actor, spec });

/** Cancels the review's pending reminders (all, or those whose kind starts with `kindPrefix`), as an outbox effect. */
export function cancelReminders(actor: Actor, review: Review, kindPrefix?: string): EffectSpec {
  return { kind: 'cancel', actor, tenantId: review.tenantId, entityId: review.id, ...(kindPrefix ? { kindPrefix } : {}) };
}

/**
 * Every reminder of an active review that is still ahead: each stage start, the warning before
 * each stage ends, the first overdue reminder, the learning event and the partnership group
 * meeting at the cycle end. Reminders dated today or earlier are not scheduled: the timeline
 * card posted with the change already says where the review stands.
 */
export function reviewReminders(actor: Actor, review: Review, today: string, warningDays: number): EffectSpec[] {
  const effects: EffectSpec[] = [];
  const ahead = (date: string) => date > today;
  for (const target of targets(review)) {
    for (const stage of review.stages) {
      if (stage.signedOff) continue;
      const data = { stage: stage.number };
      if (ahead(stage.start)) effects.push(schedule(actor, reminderSpec(review, `stage-${stage.number}-start`, stage.start, target, data)));
      const warning = stageWarningDate(stage, warningDays);
      if (warning && ahead(warning)) effects.push(schedule(actor, { ...reminderSpec(review, `stage-${stage.number}-warning`, warning, target, data), ahead: true }));
      let overdue = addDays(stage.end, 1);
      while (!ahead(overdue)) overdue = addDays(overdue, 7);
      effects.push(schedule(actor, reminderSpec(review, `stage-${stage.number}-overdue`, overdue, target, data)));
    }
    if (!review.learningEvent && ahead(review.learningEventPlanned)) effects.push(schedule(actor, reminderSpec(review, 'learning-event', review.learningEventPlanned, target)));
  }
  if (ahead(review.endDate))
    for (const purpose of groupPurposes(review)) effects.push(schedule(actor, reminderSpec(review, 'group-meeting', review.endDate, { kind: 'purpose', purpose })));
  return effects;
}

/** The impact checks of a completed review, each reminded on its date (or tomorrow, if that has passed). */
export function impactCheckReminders(actor: Actor, review: Review, today: string): EffectSpec[] {
  const effects: EffectSpec[] = [];
  for (const target of targets(review))
    for (const check of review.impactChecks) {
      const date = check.date > today ? check.date : addDays(today, 1);
      effects.push(schedule(actor, reminderSpec(review, `impact-${check.months}`, date, target, { months: check.months })));
    }
  return effects;
}

/**
 * What a review reminder says, from the review as it is when it falls due, or nothing when it
 * no longer applies (stage signed off, review cancelled). A weekly overdue reminder names the
 * next one (`next`) while the stage stays open.
 */
export function reminderMessage(review: Review | undefined, timer: Timer, today: string): { message?: ReviewReminderMessage; next?: ReminderSpec } {
  if (!review || review.status === 'cancelled') return {};
  const label = `${review.ref} ${review.theme}`;
  const signOffBy = `${review.sponsor.name} (sponsor) or the Business Team`;
  const stageMatch = /^stage-([1-4])-(start|warning|overdue)$/.exec(timer.kind);
  if (stageMatch) {
    if (review.status !== 'active') return {};
    const n = Number(stageMatch[1]) as StageNumber;
    const stage = review.stages[n - 1];
    const info = STAGES[n - 1];
    if (stageMatch[2] === 'start')
      return {
        message: {
          review,
          title: `${label}: stage ${n} (${info.name}) ${today > stage.start ? `started on ${formatDate(stage.start)}` : 'starts today'}`,
          text: `Due by ${formatDate(stage.end)}: ${info.due}. Signed off by ${signOffBy}.`,
        },
      };
    if (stage.signedOff) return {};
    if (stageMatch[2] === 'warning') {
      if (today > stage.end) return {}; // caught up too late: the overdue reminder says it
      const left = daysBetween(today, stage.end);
      return {
        message: {
          review,
          title: `${label}: ${left === 0 ? 'last day' : `${left} day${left === 1 ? '' : 's'} left`} in stage ${n} (${info.name})`,
          text: `Stage ${n} ends on ${formatDate(stage.end)} and is not signed off yet. Signed off by ${signOffBy}.`,
        },
      };
    }
    const late = daysBetween(stage.end, today);
    // The next weekly reminder after today, so a catch-up after downtime does not send a burst.
    let nextDate = addDays(timer.date, 7);
    while (nextDate <= today) nextDate = addDays(nextDate, 7);
    return {
      next: reminderSpec(review, `stage-${n}-overdue`, nextDate, timer.target, { stage: n }),
      message: {
        review,
        title: `${label}: stage ${n} (${info.name}) is overdue`,
        text: `It ended on ${formatDate(stage.end)} (${late} day${late === 1 ? '' : 's'} ago) and is not signed off. Signed off by ${signOffBy}. This reminder repeats weekly until it is.`,
      },
    };
  }
  if (timer.kind === 'learning-event') {
    if (review.learningEvent || review.status !== 'active') return {};
    return {
      message: {
        review,
        title: `${label}: learning event`,
        text: `The learning event that concludes this review is planned for today, with the independent scrutineer's input. Record it on the timeline card afterwards (date, attendees, whether the scrutineer took part).`,
      },
    };
  }
  if (timer.kind === 'group-meeting')
    return {
      message: {
        review,
        title: `${label}: end of the review cycle`,
        text: `The review cycle ends today; the partnership group meets at the end of each four-month cycle to hear the review's learning and recommendations (${review.recommendations.length} submitted).`,
      },
    };
  const impact = /^impact-(\d+)$/.exec(timer.kind);
  if (impact) {
    const months = Number(impact[1]);
    const check = review.impactChecks.find((c) => c.months === months);
    if (!check || check.findings) return {};
    return {
      message: {
        review,
        title: `${label}: ${months}-month impact check due`,
        text: `The Business Team records what has changed ${months} months after the review ended (${formatDate(review.endDate)}).`,
        impactCheckMonths: months,
      },
    };
  }
  return {};
}
