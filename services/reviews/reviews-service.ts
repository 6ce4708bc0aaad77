import { createHash } from 'node:crypto';
import type { Clock } from '../clock';
import type { DomainSettings } from '../config';
import { ConversationRecord, Conversations } from '../conversations';
import type { Directory, Person } from '../directory/directory';
import { Actor, hasRole } from '../directory/roles';
import { DomainError, forbidden, invalid, notFound } from '../errors';
import { EffectSpec, Outbox, withoutOutbox } from '../outbox/outbox';
import { SYSTEM_ACTOR } from '../log/audit-log';
import type { RecommendationIntake } from '../recommendations/intake';
import { normaliseRef, References } from '../refs';
import type { Reminders, Timer } from '../reminders/port';
import { CONTAINERS } from '../store/containers';
import { Store, StoreConflict, Stored, withoutEtag } from '../store/port';
import { CalendarTime, formatDate, isIsoDate } from '../time';
import { overlaps, reviewEndDate, stageDates } from './dates';
import { ProgrammeView, programmeView } from './programme';
import { Review, isStrand } from './review';
import { ReviewReminderMessage, cancelReminders, impactCheckReminders, reminderMessage, reviewReminders } from './review-reminders';
import * as rules from './review-rules';
import { Decision, RuleContext, normaliseTheme, personRef, text } from './review-rules';

export { REVIEW_REMINDER_HANDLER } from './review-reminders';
export type { ReviewReminderMessage } from './review-reminders';
export type { ProgrammeView } from './programme';

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

/** A rule's decision with the reminder moves that follow it, staged in the same write. */
type Change = Decision & { effects?: (next: Review) => EffectSpec[]; beforeSave?: () => Promise<Review> };

/**
 * Hub focused reviews (DOMAIN.md §2), the thin service: reads, asks the rules
 * (review-rules.ts, programme.ts), and commits each change with its log entries and reminder
 * moves (review-reminders.ts) in one write, the review's outbox (services/outbox). Every change
 * bumps the review's version and is saved with the ETag it was read with.
 */
export class ReviewsService {
  constructor(
    private readonly store: Store,
    /** Carries each change's log entries and reminder moves out of the changed review. */
    private readonly outbox: Outbox,
    private readonly clock: Clock,
    private readonly time: CalendarTime,
    private readonly directory: Directory,
    private readonly conversations: Conversations,
    /** Only for a weekly overdue reminder naming the next one, from inside the reminders engine (no change of state). */
    private readonly reminders: Reminders,
    private readonly refs: References,
    private readonly intake: RecommendationIntake,
    private readonly settings: Pick<DomainSettings, 'reviewStageWarningDays' | 'impactCheckMonths' | 'reviewProgramme'>,
  ) {}

  today(): string {
    return this.time.today(this.clock);
  }

  private context(): RuleContext {
    return { today: this.today(), now: this.clock.now().toISOString(), formatInstant: (iso) => this.time.formatInstant(new Date(iso)) };
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
    const learningEventPlanned = rules.learningEventDate(input.learningEventDate, startDate, endDate);
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
    const effects: EffectSpec[] = [
      { kind: 'log', actor, input: { action: 'review.started', entity: { type: ENTITY, id, ref }, after: `${theme} (${strand}); sponsor ${sponsor.name}; ${formatDate(startDate)} to ${formatDate(endDate)}` } },
      ...reviewReminders(actor, review, today, this.settings.reviewStageWarningDays),
    ];
    let saved: Stored<Review>;
    try {
      saved = await this.store.create(CONTAINER, this.outbox.stage(undefined, review, `${id}.v1`, effects));
    } catch (err) {
      if (err instanceof StoreConflict && err.reason === 'exists') throw new DomainError('stale', 'This form has just started a review; look for its timeline card.');
      throw err;
    }
    await this.outbox.deliver(CONTAINER, saved);
    return withoutOutbox(saved);
  }

  async signOff(actor: Actor, card: CardRef & { stage: unknown; note: unknown; noRecommendationsReason?: unknown }): Promise<Review> {
    return this.change(actor, card, async (review) => {
      this.assertSponsorOrBusiness(actor, review, 'sign off a stage');
      const ctx = this.context();
      const n = rules.signOffStage(review, card.stage, ctx);
      const submitted = n === 4 ? (await this.intake.bySource(review.tenantId, review.id)).length : 0;
      return { ...rules.signOff(review, actor, card, submitted, ctx), effects: (next) => [cancelReminders(actor, next, `stage-${n}-`)] };
    });
  }

  async recordLearningEvent(actor: Actor, card: CardRef & { date: unknown; attendees: unknown; scrutineer: unknown }): Promise<Review> {
    return this.change(actor, card, async (review) => {
      this.assertSponsorOrBusiness(actor, review, 'record the learning event');
      return { ...rules.recordLearningEvent(review, actor, card, this.context()), effects: (next) => [cancelReminders(actor, next, 'learning-event')] };
    });
  }

  /** Submits a recommendation from stage 4 to the Executive Board through the intake. */
  async submitRecommendation(actor: Actor, card: CardRef & { title: unknown; detail: unknown }): Promise<Review> {
    const title = text(card.title, 'title', 'the recommendation title', 3, 200);
    const detail = text(card.detail, 'detail', 'the recommendation detail', 0, 4000);
    return this.change(actor, card, async (review) => {
      this.assertSponsorOrBusiness(actor, review, 'submit recommendations');
      rules.checkRecommendation(review, title, this.context());
      return {
        next: review,
        // The intake records the recommendation (with its own outbox) before the review lists it.
        beforeSave: async () => {
          const rec = await this.intake.submit(actor, {
            title,
            detail,
            source: { kind: 'review', id: review.id, ref: review.ref, name: `Hub review ${review.ref}: ${review.theme}` },
          });
          return { ...review, recommendations: [...review.recommendations, { id: rec.id, ref: rec.ref, title: rec.title }] };
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
        const decision = rules.recordImpactFindings(review, actor, card, this.context());
        return { ...decision, effects: (next) => [cancelReminders(actor, next, `impact-${decision.months}`)] };
      },
      ['completed'],
    );
  }

  /** Moves the start date (and every stage and reminder with it) while no stage is signed off. */
  async reschedule(actor: Actor, card: CardRef & { startDate: unknown }): Promise<Review> {
    if (!hasRole(actor, 'business')) throw forbidden(['business'], 'move a review');
    return this.change(actor, card, async (review) => {
      const decision = rules.reschedule(review, card.startDate, this.context());
      await this.assertNoCollision(review.tenantId, review.theme, decision.next.startDate, decision.next.endDate, review.id);
      return {
        ...decision,
        effects: (next) => [cancelReminders(actor, next), ...reviewReminders(actor, next, this.today(), this.settings.reviewStageWarningDays)],
      };
    });
  }

  async cancel(actor: Actor, card: CardRef & { reason: unknown }): Promise<Review> {
    if (!hasRole(actor, 'business')) throw forbidden(['business'], 'cancel a review');
    return this.change(actor, card, async (review) => ({ ...rules.cancel(review, actor, card.reason, this.context()), effects: (next) => [cancelReminders(actor, next)] }));
  }

  async get(tenantId: string, id: string): Promise<Review | undefined> {
    const review = await this.store.read<Review>(CONTAINER, tenantId, id);
    return review && withoutOutbox(review);
  }

  /** Finds a review by its reference as people type it ("R-3", "r3"). */
  async byRef(tenantId: string, text: string): Promise<Review> {
    const ref = normaliseRef('R', text);
    if (!ref) throw invalid(`"${text.trim()}" is not a review reference: they look like R-3.`, 'ref');
    const [review] = await this.store.query<Review>(CONTAINER, { partitionKey: tenantId, where: [{ field: 'ref', op: '=', value: ref }], limit: 1 });
    if (!review) throw notFound(`There is no review ${ref}.`);
    return withoutOutbox(review);
  }

  /** Active reviews, soonest-ending first. */
  async active(tenantId: string): Promise<Review[]> {
    const list = await this.store.query<Review>(CONTAINER, { partitionKey: tenantId, where: [{ field: 'status', op: '=', value: 'active' }] });
    return list.map((r) => withoutOutbox(r)).sort((a, b) => a.endDate.localeCompare(b.endDate) || a.ref.localeCompare(b.ref));
  }

  /** The year's programme against the arrangements (programme.ts), with the counts from the settings. */
  async programme(actor: Actor, year: number): Promise<ProgrammeView> {
    if (!Number.isInteger(year) || year < 2000 || year > 2100) throw invalid('Give a year, e.g. programme 2026.', 'year');
    const all = await this.store.query<Review>(CONTAINER, { partitionKey: actor.tenantId });
    const partners = await this.directory.withRole(actor.tenantId, 'partner');
    return programmeView(year, all.map((r) => withoutOutbox(r)), partners, this.settings.reviewProgramme);
  }

  /**
   * What a review reminder says when it falls due (review-reminders.ts). A weekly overdue
   * reminder schedules the next one here: the reminders engine runs this, and no review changes.
   */
  async reminderMessage(timer: Timer): Promise<ReviewReminderMessage | undefined> {
    const data = timer.content.kind === 'handler' ? timer.content.data : {};
    const review = typeof data.reviewId === 'string' ? await this.get(timer.tenantId, data.reviewId) : undefined;
    const { message, next } = reminderMessage(review, timer, this.today());
    if (next) await this.reminders.schedule({ ...SYSTEM_ACTOR, tenantId: timer.tenantId }, next);
    return message;
  }

  /**
   * One change to a review: read, refuse (nothing saved) or save the next version with the ETag
   * it was read with, its log entries and reminder moves staged in the same write. A lost race
   * refuses as out of date.
   */
  private async change(actor: Actor, card: CardRef, decide: (review: Stored<Review>) => Promise<Change>, allowedStatus: Review['status'][] = ['active']): Promise<Review> {
    const tenantId = actor.tenantId;
    if (typeof card.reviewId !== 'string' || !card.reviewId.startsWith('rv-')) throw invalid('This card does not name a review the bot knows.', 'reviewId');
    const review = await this.store.read<Review>(CONTAINER, tenantId, card.reviewId);
    if (!review) throw notFound('That review does not exist (or belongs to another partnership).');
    rules.checkStatus(review, allowedStatus, (iso) => this.time.dateOf(new Date(iso)));
    const version = typeof card.version === 'number' ? card.version : Number(card.version);
    if (version !== review.version) throw new DomainError('stale', `This card is out of date: ${review.ref} has changed since it was shown. Use the updated card.`);
    const decision = await decide(review);
    const base = decision.beforeSave ? await decision.beforeSave() : decision.next;
    let next: Review = { ...withoutOutbox(withoutEtag<Review>(base)), version: review.version + 1, updatedAt: this.clock.now().toISOString() };
    const entity = { type: ENTITY, id: next.id, ref: next.ref };
    const effects: EffectSpec[] = [{ kind: 'log', actor, input: { action: decision.log.action, entity, before: decision.log.before, after: decision.log.after } }];
    const completed = rules.completion(next, this.settings.impactCheckMonths);
    if (completed) {
      next = completed.next;
      effects.push({ kind: 'log', actor, input: { ...completed.log, entity } });
    }
    effects.push(...(decision.effects?.(next) ?? []));
    if (completed) effects.push(...impactCheckReminders(actor, next, this.today()));
    let saved: Stored<Review>;
    try {
      saved = await this.store.replace(CONTAINER, this.outbox.stage(review, next, `${next.id}.v${next.version}`, effects), review._etag);
    } catch (err) {
      if (err instanceof StoreConflict) throw new DomainError('stale', `Someone else changed ${review.ref} at the same moment; nothing was recorded from your click. Use the updated card.`);
      throw err;
    }
    await this.outbox.deliver(CONTAINER, saved);
    return withoutOutbox(saved);
  }

  private assertSponsorOrBusiness(actor: Actor, review: Review, action: string): void {
    if (actor.aadObjectId !== review.sponsor.aadObjectId && !hasRole(actor, 'business')) throw forbidden(['sponsor', 'business'], action);
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
}
