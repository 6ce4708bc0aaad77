import { createHash } from 'node:crypto';
import type { Clock } from '../clock';
import type { DomainSettings } from '../config';
import { ChannelPurpose, ConversationRecord, Conversations } from '../conversations';
import type { Directory, Person } from '../directory/directory';
import { Actor, hasRole } from '../directory/roles';
import { DomainError, forbidden, invalid, notFound } from '../errors';
import { EffectSpec, Outbox, withoutOutbox } from '../outbox/outbox';
import { SYSTEM_ACTOR } from '../log/audit-log';
import type { RecommendationIntake } from '../recommendations/intake';
import { normaliseRef, References } from '../refs';
import type { ReminderTarget, Reminders, Timer } from '../reminders/port';
import { CONTAINERS } from '../store/containers';
import { Store, StoreConflict, Stored, withoutEtag } from '../store/port';
import { CalendarTime, addDays, daysBetween, formatDate, isIsoDate } from '../time';
import { STAGES, StageNumber, impactCheckDates, overlaps, reviewEndDate, stageDates, stageWarningDate } from './dates';
import { ImpactCheck, PersonRef, Review, STRAND_LABELS, Strand, isStrand } from './review';
import { cleanText } from '../input';

/** The reminder handler every review reminder names; it builds the message from the review as it is then. */
export const REVIEW_REMINDER_HANDLER = 'review.reminder';

const CONTAINER = CONTAINERS.reviews.name;
const ENTITY = 'review';

export interface StartReviewInput {
  /** Identifies the start form, so submitting it twice starts one review. */
  formId: unknown;
  theme: unknown;
  strand: unknown;
  sponsorId: unknown;
  startDate: unknown;
  learningEventDate?: unknown;
  /** Conversation record keys for the timeline and reminders. */
  conversationKeys: unknown;
}

/** What a card button sends back: which review, which version of it the card showed. */
export interface CardRef {
  reviewId: unknown;
  version: unknown;
}

/** What a review reminder says when it falls due; the bot turns it into a card. */
export interface ReviewReminderMessage {
  review: Review;
  title: string;
  text: string;
  /** Set for an impact-check reminder: the card carries the findings form. */
  impactCheckMonths?: number;
}

export interface ProgrammeView {
  year: number;
  reviews: Review[];
  counts: Record<Strand, number>;
  expected: Record<Strand, number>;
  partners: { organisation: string; people: string[]; sponsoring: string[] }[];
  overlaps: { a: string; b: string; from: string; to: string }[];
  warnings: string[];
}

/** The yearly programme the arrangements set out: two children, two adults, one combined. */
export const EXPECTED_PROGRAMME: Record<Strand, number> = { children: 2, adults: 2, combined: 1 };

const personRef = (p: Pick<Actor, 'aadObjectId' | 'name' | 'organisation'>): PersonRef => ({
  aadObjectId: p.aadObjectId,
  name: p.name,
  ...(p.organisation ? { organisation: p.organisation } : {}),
});

const text = (value: unknown, field: string, label: string, min: number, max: number): string => {
  const s = cleanText(value);
  if (s.length < min) throw invalid(min <= 1 ? `Please fill in ${label}.` : `${label[0].toUpperCase()}${label.slice(1)} needs at least ${min} characters.`, field);
  if (s.length > max) throw invalid(`${label[0].toUpperCase()}${label.slice(1)} is too long (at most ${max} characters).`, field);
  return s;
};

const normaliseTheme = (theme: string): string => theme.toLowerCase().replace(/[^a-z0-9]+/g, ' ').trim();

/** Parses a card toggle ("true"/"false") or boolean. */
const toggle = (value: unknown): boolean => value === true || value === 'true';

/**
 * Hub focused reviews (DOMAIN.md §2): the four-month cycle, stage sign-off, the learning event,
 * impact checks and the yearly programme. Every change bumps the review's version, is saved
 * with the ETag it was read with, is logged, and moves the review's reminders to match.
 */
export class ReviewsService {
  constructor(
    private readonly store: Store,
    /** Each change's log entries are written with the review, in its outbox (reminders follow the write for now). */
    private readonly outbox: Outbox,
    private readonly clock: Clock,
    private readonly time: CalendarTime,
    private readonly directory: Directory,
    private readonly conversations: Conversations,
    private readonly reminders: Reminders,
    private readonly refs: References,
    private readonly intake: RecommendationIntake,
    private readonly settings: Pick<DomainSettings, 'reviewStageWarningDays' | 'impactCheckMonths'>,
  ) {}

  today(): string {
    return this.time.today(this.clock);
  }

  /** Who may be picked as lead sponsor and which channels can get reminders. Business Team only. */
  async startOptions(actor: Actor): Promise<{ sponsors: Person[]; channels: ConversationRecord[] }> {
    if (!hasRole(actor, 'business')) throw forbidden(['business'], 'start a review');
    const sponsors = await this.directory.withRole(actor.tenantId, 'partner');
    const channels = (await this.conversations.list(actor.tenantId)).filter((c) => c.active && c.kind !== 'personal');
    return { sponsors, channels };
  }

  async start(actor: Actor, input: StartReviewInput): Promise<Review> {
    if (!hasRole(actor, 'business')) throw forbidden(['business'], 'start a review');
    const tenantId = actor.tenantId;
    if (typeof input.formId !== 'string' || !/^[A-Za-z0-9-]{8,80}$/.test(input.formId))
      throw invalid('This form is not one the bot sent: type review start for a new one.', 'formId');
    const id = `rv-${createHash('sha256').update(`${tenantId}|${input.formId}`).digest('hex').slice(0, 32)}`;
    const existing = await this.store.read<Review>(CONTAINER, tenantId, id);
    if (existing) throw new DomainError('stale', `This form already started ${existing.ref} (${existing.theme}).`);

    const theme = text(input.theme, 'theme', 'the theme', 3, 120);
    if (!isStrand(input.strand)) throw invalid('Pick the strand: children, adults or combined.', 'strand');
    const strand = input.strand;
    if (typeof input.sponsorId !== 'string' || !input.sponsorId) throw invalid('Pick the lead sponsor.', 'sponsor');
    const sponsor = await this.directory.get(tenantId, input.sponsorId);
    if (!sponsor || !sponsor.roles.includes('partner'))
      throw invalid(`${sponsor?.name ?? 'That person'} is not an Executive Board partner: the lead sponsor must be one.`, 'sponsor');
    if (!isIsoDate(input.startDate)) throw invalid('Give the start date as a date (yyyy-mm-dd).', 'startDate');
    const startDate = input.startDate;
    const endDate = reviewEndDate(startDate);
    const today = this.today();
    if (endDate < today) throw invalid(`A review starting ${formatDate(startDate)} would already have ended on ${formatDate(endDate)}.`, 'startDate');
    const learningEventPlanned = this.learningEventDate(input.learningEventDate, startDate, endDate);
    const reminderConversations = await this.reminderChannels(tenantId, input.conversationKeys);
    await this.assertNoCollision(tenantId, theme, startDate, endDate);

    const now = this.clock.now().toISOString();
    const ref = await this.refs.next(tenantId, 'R');
    const review: Review = {
      id,
      tenantId,
      ref,
      theme,
      strand,
      sponsor: personRef(sponsor),
      startDate,
      endDate,
      stages: stageDates(startDate),
      learningEventPlanned,
      recommendations: [],
      status: 'active',
      impactChecks: [],
      reminderConversations,
      formId: input.formId,
      version: 1,
      createdBy: personRef(actor),
      createdAt: now,
      updatedAt: now,
    };
    let saved: Stored<Review>;
    try {
      saved = await this.store.create(
        CONTAINER,
        this.outbox.stage(undefined, review, `${id}.v1`, [
          { kind: 'log', actor, input: { action: 'review.started', entity: { type: ENTITY, id, ref }, after: `${theme} (${strand}); sponsor ${sponsor.name}; ${formatDate(startDate)} to ${formatDate(endDate)}` } },
        ]),
      );
    } catch (err) {
      if (err instanceof StoreConflict && err.reason === 'exists') throw new DomainError('stale', 'This form has just started a review; look for its timeline card.');
      throw err;
    }
    await this.outbox.deliver(CONTAINER, saved);
    saved = withoutOutbox(saved);
    await this.scheduleReminders(actor, saved);
    return saved;
  }

  async signOff(actor: Actor, card: CardRef & { stage: unknown; note: unknown; noRecommendationsReason?: unknown }): Promise<Review> {
    return this.change(actor, card, async (review) => {
      this.assertSponsorOrBusiness(actor, review, 'sign off a stage');
      const n = typeof card.stage === 'number' ? card.stage : Number(card.stage);
      if (!Number.isInteger(n) || n < 1 || n > 4) throw invalid('This card does not name a stage the review has.', 'stage');
      const stage = review.stages[n - 1];
      const name = `Stage ${n} (${STAGES[n - 1].name})`;
      if (stage.signedOff) throw invalid(`${name} was already signed off by ${stage.signedOff.by.name} on ${this.time.formatInstant(new Date(stage.signedOff.at))}.`, 'stage');
      const previous = review.stages[n - 2];
      if (previous && !previous.signedOff) throw invalid(`Stage ${n - 1} (${STAGES[n - 2].name}) must be signed off before ${name.toLowerCase()}.`, 'stage');
      const today = this.today();
      if (today < stage.start) throw invalid(`${name} starts on ${formatDate(stage.start)}; it can be signed off from then.`, 'stage');
      const note = text(card.note, 'note', 'a sign-off note', 1, 2000);
      let reason = review.noRecommendationsReason;
      if (n === 4) {
        const given = typeof card.noRecommendationsReason === 'string' ? card.noRecommendationsReason.trim() : '';
        if (given) reason = text(given, 'noRecommendationsReason', 'the reason for no recommendations', 3, 2000);
        const submitted = await this.intake.bySource(review.tenantId, review.id);
        if (submitted.length === 0 && !reason)
          throw invalid('Stage 4 needs at least one recommendation submitted to the Executive Board, or a reason why there are none.', 'noRecommendationsReason');
      }
      const stages = review.stages.map((s) => (s.number === n ? { ...s, signedOff: { by: personRef(actor), at: this.clock.now().toISOString(), note } } : s));
      const next: Review = { ...review, stages, ...(reason ? { noRecommendationsReason: reason } : {}) };
      return {
        next,
        log: { action: 'review.stage-signed-off', before: `${name}: open`, after: `${name}: signed off: ${note}` },
        after: async (saved) => {
          await this.reminders.cancel(actor, saved.tenantId, saved.id, `stage-${n}-`);
        },
      };
    });
  }

  async recordLearningEvent(actor: Actor, card: CardRef & { date: unknown; attendees: unknown; scrutineer: unknown }): Promise<Review> {
    return this.change(actor, card, async (review) => {
      this.assertSponsorOrBusiness(actor, review, 'record the learning event');
      if (review.learningEvent) throw invalid(`The learning event was already recorded (${formatDate(review.learningEvent.date)}).`, 'date');
      if (!isIsoDate(card.date)) throw invalid('Give the date of the learning event (yyyy-mm-dd).', 'date');
      if (card.date > this.today()) throw invalid('Record the learning event once it has taken place (the date is in the future).', 'date');
      if (card.date < review.startDate) throw invalid(`The learning event cannot be before the review started (${formatDate(review.startDate)}).`, 'date');
      const attendees = typeof card.attendees === 'number' ? card.attendees : typeof card.attendees === 'string' && card.attendees.trim() ? Number(card.attendees) : NaN;
      if (!Number.isInteger(attendees) || attendees < 1 || attendees > 10000) throw invalid('Give the number of attendees as a whole number.', 'attendees');
      const scrutineerTookPart = toggle(card.scrutineer);
      const next: Review = {
        ...review,
        learningEvent: { date: card.date, attendees, scrutineerTookPart, recordedBy: personRef(actor), at: this.clock.now().toISOString() },
      };
      return {
        next,
        log: {
          action: 'review.learning-event',
          after: `held ${formatDate(card.date)}; ${attendees} attended; independent scrutineer ${scrutineerTookPart ? 'took part' : 'did not take part'}`,
        },
        after: async (saved) => {
          await this.reminders.cancel(actor, saved.tenantId, saved.id, 'learning-event');
        },
      };
    });
  }

  /** Submits a recommendation from stage 4 to the Executive Board through the intake. */
  async submitRecommendation(actor: Actor, card: CardRef & { title: unknown; detail: unknown }): Promise<Review> {
    const title = text(card.title, 'title', 'the recommendation title', 3, 200);
    const detail = text(card.detail, 'detail', 'the recommendation detail', 0, 4000);
    let submitted: { id: string; ref: string; title: string } | undefined;
    return this.change(actor, card, async (review) => {
      this.assertSponsorOrBusiness(actor, review, 'submit recommendations');
      if (this.today() < review.stages[3].start)
        throw invalid(`Recommendations are submitted in stage 4, which starts on ${formatDate(review.stages[3].start)}.`, 'title');
      if (review.stages[3].signedOff) throw invalid('Stage 4 is already signed off.', 'title');
      if (review.recommendations.some((r) => r.title.toLowerCase() === title.toLowerCase())) throw invalid(`"${title}" was already submitted from this review.`, 'title');
      return {
        next: review,
        beforeSave: async () => {
          const rec = await this.intake.submit(actor, {
            title,
            detail,
            source: { kind: 'review', id: review.id, ref: review.ref, name: `Hub review ${review.ref}: ${review.theme}` },
          });
          submitted = { id: rec.id, ref: rec.ref, title: rec.title };
          return { ...review, recommendations: [...review.recommendations, submitted] };
        },
        log: { action: 'review.recommendation-submitted', after: `${title}` },
      };
    });
  }

  async recordImpactFindings(actor: Actor, card: CardRef & { months: unknown; findings: unknown }): Promise<Review> {
    if (!hasRole(actor, 'business')) throw forbidden(['business'], 'record impact check findings');
    return this.change(
      actor,
      card,
      async (review) => {
        if (review.status !== 'completed') throw new DomainError('not_yet', `${review.ref} is not complete yet: impact checks follow its completion.`);
        const months = typeof card.months === 'number' ? card.months : Number(card.months);
        const check = review.impactChecks.find((c) => c.months === months);
        if (!check) throw invalid('This card does not name an impact check of this review.', 'months');
        if (check.findings) throw invalid(`The ${months}-month impact check was already recorded by ${check.findings.by.name}.`, 'months');
        if (this.today() < check.date) throw invalid(`The ${months}-month impact check is due on ${formatDate(check.date)}.`, 'months');
        const findings = text(card.findings, 'findings', 'the findings', 3, 4000);
        const impactChecks: ImpactCheck[] = review.impactChecks.map((c) =>
          c.months === months ? { ...c, findings: { text: findings, by: personRef(actor), at: this.clock.now().toISOString() } } : c,
        );
        return {
          next: { ...review, impactChecks },
          log: { action: 'review.impact-check', before: `${months}-month impact check: due`, after: `${months}-month impact check: ${findings}` },
          after: async (saved) => {
            await this.reminders.cancel(actor, saved.tenantId, saved.id, `impact-${months}`);
          },
        };
      },
      ['completed'],
    );
  }

  /** Moves the start date (and every stage and reminder with it) while no stage is signed off. */
  async reschedule(actor: Actor, card: CardRef & { startDate: unknown }): Promise<Review> {
    if (!hasRole(actor, 'business')) throw forbidden(['business'], 'move a review');
    return this.change(actor, card, async (review) => {
      if (review.stages.some((s) => s.signedOff)) throw invalid('Stage 1 is already signed off, so the dates can no longer move.', 'startDate');
      if (!isIsoDate(card.startDate)) throw invalid('Give the new start date (yyyy-mm-dd).', 'startDate');
      const startDate = card.startDate;
      if (startDate === review.startDate) throw invalid(`${review.ref} already starts on ${formatDate(startDate)}.`, 'startDate');
      const endDate = reviewEndDate(startDate);
      if (endDate < this.today()) throw invalid(`A review starting ${formatDate(startDate)} would already have ended.`, 'startDate');
      await this.assertNoCollision(review.tenantId, review.theme, startDate, endDate, review.id);
      const learningEventPlanned = review.learningEventPlanned === review.endDate || review.learningEventPlanned < startDate ? endDate : review.learningEventPlanned;
      return {
        next: { ...review, startDate, endDate, stages: stageDates(startDate), learningEventPlanned },
        log: { action: 'review.rescheduled', before: `starts ${formatDate(review.startDate)}`, after: `starts ${formatDate(startDate)}, ends ${formatDate(endDate)}` },
        after: async (saved) => {
          await this.reminders.cancel(actor, saved.tenantId, saved.id);
          await this.scheduleReminders(actor, saved);
        },
      };
    });
  }

  async cancel(actor: Actor, card: CardRef & { reason: unknown }): Promise<Review> {
    if (!hasRole(actor, 'business')) throw forbidden(['business'], 'cancel a review');
    return this.change(actor, card, async (review) => {
      const reason = text(card.reason, 'reason', 'the reason for cancelling', 3, 1000);
      return {
        next: { ...review, status: 'cancelled', cancelled: { by: personRef(actor), at: this.clock.now().toISOString(), reason } },
        log: { action: 'review.cancelled', before: 'active', after: `cancelled: ${reason}` },
        after: async (saved) => {
          await this.reminders.cancel(actor, saved.tenantId, saved.id);
        },
      };
    });
  }

  async get(tenantId: string, id: string): Promise<Review | undefined> {
    return this.store.read<Review>(CONTAINER, tenantId, id);
  }

  /** Finds a review by its reference as people type it ("R-3", "r3"). */
  async byRef(tenantId: string, text: string): Promise<Review> {
    const ref = normaliseRef('R', text);
    if (!ref) throw invalid(`"${text.trim()}" is not a review reference: they look like R-3.`, 'ref');
    const [review] = await this.store.query<Review>(CONTAINER, { partitionKey: tenantId, where: [{ field: 'ref', op: '=', value: ref }], limit: 1 });
    if (!review) throw notFound(`There is no review ${ref}.`);
    return review;
  }

  /** Active reviews, soonest-ending first. */
  async active(tenantId: string): Promise<Review[]> {
    const list = await this.store.query<Review>(CONTAINER, { partitionKey: tenantId, where: [{ field: 'status', op: '=', value: 'active' }] });
    return list.sort((a, b) => a.endDate.localeCompare(b.endDate) || a.ref.localeCompare(b.ref));
  }

  /**
   * The year's programme against the arrangements: reviews starting that year by strand against
   * 2 + 2 + 1, partner organisations against the reviews they sponsor, and reviews that run at
   * the same time. Departures are plain warnings; nothing here refuses anything.
   */
  async programme(actor: Actor, year: number): Promise<ProgrammeView> {
    if (!Number.isInteger(year) || year < 2000 || year > 2100) throw invalid('Give a year, e.g. programme 2026.', 'year');
    const tenantId = actor.tenantId;
    const all = await this.store.query<Review>(CONTAINER, { partitionKey: tenantId });
    const reviews = all
      .filter((r) => r.status !== 'cancelled' && r.startDate.startsWith(`${year}-`))
      .sort((a, b) => a.startDate.localeCompare(b.startDate) || a.ref.localeCompare(b.ref));
    const counts: Record<Strand, number> = { children: 0, adults: 0, combined: 0 };
    for (const r of reviews) counts[r.strand] += 1;
    const warnings: string[] = [];
    for (const strand of Object.keys(EXPECTED_PROGRAMME) as Strand[]) {
      if (counts[strand] !== EXPECTED_PROGRAMME[strand])
        warnings.push(`${STRAND_LABELS[strand]}: ${counts[strand]} review${counts[strand] === 1 ? '' : 's'} where the arrangements plan ${EXPECTED_PROGRAMME[strand]}.`);
    }
    const people = await this.directory.withRole(tenantId, 'partner');
    const byOrg = new Map<string, { organisation: string; people: string[]; ids: Set<string>; sponsoring: string[] }>();
    for (const p of people) {
      const org = p.organisation ?? p.name;
      const entry = byOrg.get(org) ?? { organisation: org, people: [], ids: new Set<string>(), sponsoring: [] };
      entry.people.push(p.name);
      entry.ids.add(p.aadObjectId);
      byOrg.set(org, entry);
    }
    for (const r of reviews) {
      const entry = [...byOrg.values()].find((e) => e.ids.has(r.sponsor.aadObjectId) || (r.sponsor.organisation && e.organisation === r.sponsor.organisation));
      if (entry) entry.sponsoring.push(r.ref);
      else warnings.push(`${r.ref} (${r.theme}) is sponsored by ${r.sponsor.name}, who is no longer an Executive Board partner.`);
    }
    const partners = [...byOrg.values()].sort((a, b) => a.organisation.localeCompare(b.organisation));
    for (const p of partners) {
      if (p.sponsoring.length === 0) warnings.push(`${p.organisation} sponsors no review in ${year}.`);
      else if (p.sponsoring.length > 1) warnings.push(`${p.organisation} sponsors ${p.sponsoring.length} reviews (${p.sponsoring.join(', ')}) where the arrangements plan one each.`);
    }
    const overlapping: ProgrammeView['overlaps'] = [];
    for (let i = 0; i < reviews.length; i++)
      for (let j = i + 1; j < reviews.length; j++) {
        const a = reviews[i];
        const b = reviews[j];
        if (!overlaps({ start: a.startDate, end: a.endDate }, { start: b.startDate, end: b.endDate })) continue;
        const from = a.startDate > b.startDate ? a.startDate : b.startDate;
        const to = a.endDate < b.endDate ? a.endDate : b.endDate;
        overlapping.push({ a: a.ref, b: b.ref, from, to });
        if (a.sponsor.aadObjectId === b.sponsor.aadObjectId)
          warnings.push(`${a.sponsor.name} sponsors ${a.ref} and ${b.ref}, which run at the same time (${formatDate(from)} to ${formatDate(to)}).`);
      }
    return { year, reviews, counts, expected: { ...EXPECTED_PROGRAMME }, partners: partners.map(({ organisation, people: names, sponsoring }) => ({ organisation, people: names, sponsoring })), overlaps: overlapping, warnings };
  }

  /**
   * Builds what a review reminder says from the review as it is when it falls due, or nothing
   * when it no longer applies (stage signed off, review cancelled). A weekly overdue reminder
   * schedules the next one while the stage stays open.
   */
  async reminderMessage(timer: Timer): Promise<ReviewReminderMessage | undefined> {
    const data = timer.content.kind === 'handler' ? timer.content.data : {};
    const review = typeof data.reviewId === 'string' ? await this.get(timer.tenantId, data.reviewId) : undefined;
    if (!review || review.status === 'cancelled') return undefined;
    const label = `${review.ref} ${review.theme}`;
    const signOffBy = `${review.sponsor.name} (sponsor) or the Business Team`;
    const stageMatch = /^stage-([1-4])-(start|warning|overdue)$/.exec(timer.kind);
    if (stageMatch) {
      if (review.status !== 'active') return undefined;
      const n = Number(stageMatch[1]) as StageNumber;
      const stage = review.stages[n - 1];
      const info = STAGES[n - 1];
      const today = this.today();
      if (stageMatch[2] === 'start')
        return {
          review,
          title: `${label}: stage ${n} (${info.name}) ${today > stage.start ? `started on ${formatDate(stage.start)}` : 'starts today'}`,
          text: `Due by ${formatDate(stage.end)}: ${info.due}. Signed off by ${signOffBy}.`,
        };
      if (stage.signedOff) return undefined;
      if (stageMatch[2] === 'warning') {
        if (today > stage.end) return undefined; // caught up too late: the overdue reminder says it
        const left = daysBetween(today, stage.end);
        return {
          review,
          title: `${label}: ${left === 0 ? 'last day' : `${left} day${left === 1 ? '' : 's'} left`} in stage ${n} (${info.name})`,
          text: `Stage ${n} ends on ${formatDate(stage.end)} and is not signed off yet. Signed off by ${signOffBy}.`,
        };
      }
      const late = daysBetween(stage.end, today);
      // The next weekly reminder after today, so a catch-up after downtime does not send a burst.
      let nextDate = addDays(timer.date, 7);
      while (nextDate <= today) nextDate = addDays(nextDate, 7);
      await this.scheduleOverdue(review, n, timer.target, nextDate);
      return {
        review,
        title: `${label}: stage ${n} (${info.name}) is overdue`,
        text: `It ended on ${formatDate(stage.end)} (${late} day${late === 1 ? '' : 's'} ago) and is not signed off. Signed off by ${signOffBy}. This reminder repeats weekly until it is.`,
      };
    }
    if (timer.kind === 'learning-event') {
      if (review.learningEvent || review.status !== 'active') return undefined;
      return {
        review,
        title: `${label}: learning event`,
        text: `The learning event that concludes this review is planned for today, with the independent scrutineer's input. Record it on the timeline card afterwards (date, attendees, whether the scrutineer took part).`,
      };
    }
    if (timer.kind === 'group-meeting')
      return {
        review,
        title: `${label}: end of the review cycle`,
        text: `The review cycle ends today; the partnership group meets at the end of each four-month cycle to hear the review's learning and recommendations (${review.recommendations.length} submitted).`,
      };
    const impact = /^impact-(\d+)$/.exec(timer.kind);
    if (impact) {
      const months = Number(impact[1]);
      const check = review.impactChecks.find((c) => c.months === months);
      if (!check || check.findings) return undefined;
      return {
        review,
        title: `${label}: ${months}-month impact check due`,
        text: `The Business Team records what has changed ${months} months after the review ended (${formatDate(review.endDate)}).`,
        impactCheckMonths: months,
      };
    }
    return undefined;
  }

  /**
   * One change to a review: read, refuse (nothing saved) or save the next version with the ETag
   * it was read with, log once, then move reminders. A lost race refuses as out of date.
   */
  private async change(
    actor: Actor,
    card: CardRef,
    decide: (review: Stored<Review>) => Promise<{
      next: Review;
      log: { action: string; before?: string; after?: string };
      beforeSave?: () => Promise<Review>;
      after?: (saved: Stored<Review>) => Promise<void>;
    }>,
    allowedStatus: Review['status'][] = ['active'],
  ): Promise<Review> {
    const tenantId = actor.tenantId;
    if (typeof card.reviewId !== 'string' || !card.reviewId.startsWith('rv-')) throw invalid('This card does not name a review the bot knows.', 'reviewId');
    const review = await this.store.read<Review>(CONTAINER, tenantId, card.reviewId);
    if (!review) throw notFound('That review does not exist (or belongs to another partnership).');
    if (!allowedStatus.includes(review.status)) {
      if (review.status === 'cancelled')
        throw new DomainError('closed', `${review.ref} was cancelled on ${formatDate(this.time.dateOf(new Date(review.cancelled!.at)))} (${review.cancelled!.reason}), so nothing more can be recorded on it.`);
      throw new DomainError('closed', `${review.ref} is ${review.status}, so this can no longer be done.`);
    }
    const version = typeof card.version === 'number' ? card.version : Number(card.version);
    if (version !== review.version) throw new DomainError('stale', `This card is out of date: ${review.ref} has changed since it was shown. Use the updated card.`);
    const decision = await decide(review);
    const base = decision.beforeSave ? await decision.beforeSave() : decision.next;
    let next: Review = { ...base, version: review.version + 1, updatedAt: this.clock.now().toISOString() };
    const completes =
      next.status === 'active' && !!next.learningEvent && !!next.stages[3].signedOff;
    if (completes) {
      next = {
        ...next,
        status: 'completed',
        completedAt: next.updatedAt,
        impactChecks: impactCheckDates(next.endDate, this.settings.impactCheckMonths),
      };
    }
    const entity = { type: ENTITY, id: next.id, ref: next.ref };
    const effects: EffectSpec[] = [{ kind: 'log', actor, input: { action: decision.log.action, entity, before: decision.log.before, after: decision.log.after } }];
    if (completes)
      effects.push({
        kind: 'log',
        actor,
        input: { action: 'review.completed', entity, before: 'active', after: `completed; impact checks ${next.impactChecks.map((c) => `${c.months} months: ${formatDate(c.date)}`).join(', ')}` },
      });
    let saved: Stored<Review>;
    try {
      saved = await this.store.replace(CONTAINER, this.outbox.stage(review, withoutEtag<Review>(next), `${next.id}.v${next.version}`, effects), review._etag);
    } catch (err) {
      if (err instanceof StoreConflict) throw new DomainError('stale', `Someone else changed ${review.ref} at the same moment; nothing was recorded from your click. Use the updated card.`);
      throw err;
    }
    await this.outbox.deliver(CONTAINER, saved);
    saved = withoutOutbox(saved);
    if (decision.after) await decision.after(saved);
    if (completes) await this.scheduleImpactChecks(actor, saved);
    return saved;
  }

  private assertSponsorOrBusiness(actor: Actor, review: Review, action: string): void {
    if (actor.aadObjectId !== review.sponsor.aadObjectId && !hasRole(actor, 'business')) throw forbidden(['sponsor', 'business'], action);
  }

  private learningEventDate(value: unknown, startDate: string, endDate: string): string {
    if (value === undefined || value === null || value === '') return endDate;
    if (!isIsoDate(value)) throw invalid('Give the learning event date as a date (yyyy-mm-dd), or leave it empty.', 'learningEventDate');
    if (value < startDate) throw invalid('The learning event cannot be planned before the review starts.', 'learningEventDate');
    return value;
  }

  private async reminderChannels(tenantId: string, keys: unknown): Promise<string[]> {
    const list = (Array.isArray(keys) ? keys : typeof keys === 'string' ? keys.split(',') : [])
      .map((k) => (typeof k === 'string' ? k.trim() : ''))
      .filter(Boolean);
    const unique = [...new Set(list)];
    if (unique.length === 0) throw invalid('Pick at least one channel for the timeline and reminders.', 'channels');
    if (unique.length > 10) throw invalid('Pick at most 10 channels.', 'channels');
    for (const key of unique) {
      const c = await this.conversations.get(tenantId, key);
      if (!c || !c.active) throw invalid('One of the chosen channels is not one the bot is in; pick again from the list.', 'channels');
    }
    return unique;
  }

  private async assertNoCollision(tenantId: string, theme: string, startDate: string, endDate: string, exceptId?: string): Promise<void> {
    const normalised = normaliseTheme(theme);
    for (const other of await this.active(tenantId)) {
      if (other.id === exceptId || normaliseTheme(other.theme) !== normalised) continue;
      if (overlaps({ start: startDate, end: endDate }, { start: other.startDate, end: other.endDate }))
        throw invalid(
          `${other.ref} on the same theme ("${other.theme}") runs from ${formatDate(other.startDate)} to ${formatDate(other.endDate)}; a review starting ${formatDate(startDate)} would overlap it. Start after ${formatDate(other.endDate)}, or choose another theme.`,
          'startDate',
        );
    }
  }

  private targets(review: Review): ReminderTarget[] {
    return review.reminderConversations.map((conversationKey) => ({ kind: 'conversation', conversationKey }));
  }

  private groupPurposes(review: Review): ChannelPurpose[] {
    if (review.strand === 'children') return ['children-partnership'];
    if (review.strand === 'adults') return ['adults-partnership'];
    return ['children-partnership', 'adults-partnership'];
  }

  private async remind(actor: Actor, review: Review, kind: string, date: string, target: ReminderTarget, extra: Record<string, unknown> = {}): Promise<void> {
    await this.reminders.schedule(actor, {
      tenantId: review.tenantId,
      entity: { type: ENTITY, id: review.id, ref: review.ref },
      kind,
      date,
      target,
      content: { kind: 'handler', handler: REVIEW_REMINDER_HANDLER, data: { reviewId: review.id, ...extra } },
    });
  }

  /**
   * Every reminder of an active review that is still ahead: each stage start, the warning before
   * each stage ends, the first overdue reminder, the learning event and the partnership group
   * meeting at the cycle end. Reminders dated today or earlier are not scheduled: the timeline
   * card posted with the change already says where the review stands.
   */
  async scheduleReminders(actor: Actor, review: Review): Promise<void> {
    const today = this.today();
    const ahead = (date: string) => date > today;
    for (const target of this.targets(review)) {
      for (const stage of review.stages) {
        if (stage.signedOff) continue;
        if (ahead(stage.start)) await this.remind(actor, review, `stage-${stage.number}-start`, stage.start, target, { stage: stage.number });
        const warning = stageWarningDate(stage, this.settings.reviewStageWarningDays);
        if (warning && ahead(warning)) await this.remind(actor, review, `stage-${stage.number}-warning`, warning, target, { stage: stage.number });
        let overdue = addDays(stage.end, 1);
        while (!ahead(overdue)) overdue = addDays(overdue, 7);
        await this.remind(actor, review, `stage-${stage.number}-overdue`, overdue, target, { stage: stage.number });
      }
      if (!review.learningEvent && ahead(review.learningEventPlanned)) await this.remind(actor, review, 'learning-event', review.learningEventPlanned, target);
    }
    if (ahead(review.endDate))
      for (const purpose of this.groupPurposes(review)) await this.remind(actor, review, 'group-meeting', review.endDate, { kind: 'purpose', purpose });
  }

  private async scheduleImpactChecks(actor: Actor, review: Review): Promise<void> {
    const today = this.today();
    for (const target of this.targets(review))
      for (const check of review.impactChecks) {
        const date = check.date > today ? check.date : addDays(today, 1);
        await this.remind(actor, review, `impact-${check.months}`, date, target, { months: check.months });
      }
  }

  private async scheduleOverdue(review: Review, stage: number, target: ReminderTarget, date: string): Promise<void> {
    await this.remind({ ...SYSTEM_ACTOR, tenantId: review.tenantId }, review, `stage-${stage}-overdue`, date, target, { stage });
  }
}
