import { randomUUID } from 'node:crypto';
import { renderNotice } from '../../cards/notice';
import type { AdaptiveCard } from '../../cards/render';
import { renderImpactCheckForm } from '../../cards/reviews/forms';
import { renderProgramme } from '../../cards/reviews/programme';
import { renderReviewReminder } from '../../cards/reviews/reminder';
import { renderEntityList } from '../../cards/entity-list';
import { renderStartForm } from '../../cards/reviews/start-form';
import { renderTimeline } from '../../cards/reviews/timeline';
import { REVIEW_VERBS } from '../../cards/reviews/verbs';
import { conversationName } from '../../services/conversations';
import { invalid } from '../../services/errors';
import { STAGES } from '../../services/reviews/dates';
import { Review, STRANDS, STRAND_LABELS } from '../../services/reviews/review';
import { REVIEW_REMINDER_HANDLER } from '../../services/reviews/reviews-service';
import { formatDate } from '../../services/time';
import type { AppServices } from '../app-services';
import type { CardAction, Feature, Turn } from '../feature';
import { refusedForm, replyCard, replyRefusal } from '../replies';
import { impactText, programmeView, reviewRows, timelineView } from './views';

/** The publisher's kind for review timelines: their copies are recorded under `review:<id>`. */
export const REVIEW_CARD_KIND = 'review';
export const reviewEntityKey = (reviewId: string): string => `${REVIEW_CARD_KIND}:${reviewId}`;

/** Hub focused reviews: start, timeline, stage sign-off, learning event, impact checks, programme. */
export function reviewsFeature(services: AppServices): Feature {
  const { reviews, time, conversations, reminders, publisher } = services;

  const timelineCard = async (review: Review): Promise<AdaptiveCard> => {
    const names: string[] = [];
    for (const key of review.reminderConversations) {
      const c = await conversations.get(review.tenantId, key);
      if (c) names.push(conversationName(c));
    }
    const submitted = review.recommendations.length ? await services.recommendations.bySource(review.tenantId, review.id) : [];
    const outcomes = new Map(submitted.map((r) => [r.id, r.status]));
    const { data, forms } = timelineView(review, { today: reviews.today(), time, channelNames: names, updatedAt: new Date(review.updatedAt), outcomes });
    return renderTimeline(data, forms);
  };
  /** Every copy of a timeline is drawn from the review as it is when the refresh runs. */
  const latestTimeline = async (tenantId: string, id: string) => {
    const current = await reviews.get(tenantId, id);
    if (!current) return undefined;
    const latest = await timelineCard(current);
    return () => latest;
  };
  // A vote decided on one of the review's recommendations redraws its timelines (they show each outcome).
  publisher.registerCard(REVIEW_CARD_KIND, latestTimeline);

  /**
   * Runs a card action: the updated timeline to the clicker, every other copy updated in place. A
   * refused form comes back as the timeline with what was typed kept and the problem beside its
   * field (`fields` maps the service's field names to the form's input ids).
   */
  const reviewAction = (verb: string, act: (turn: Turn, data: Record<string, unknown>) => Promise<Review>, fields: Record<string, string> = {}): CardAction => ({
    verb,
    run: async (turn, data) => {
      let review: Review;
      try {
        review = await act(turn, data);
      } catch (err) {
        return refusedForm(err, data, async () => {
          const current = typeof data.reviewId === 'string' ? await reviews.get(turn.actor.tenantId, data.reviewId) : undefined;
          return current ? timelineCard(current) : undefined;
        }, fields);
      }
      const card = await timelineCard(review);
      publisher.refreshSoon(review.tenantId, reviewEntityKey(review.id), () => latestTimeline(review.tenantId, review.id), turn.context.activity.replyToId);
      return card;
    },
  });

  reminders.registerHandler(REVIEW_REMINDER_HANDLER, async (timer) => {
    const message = await reviews.reminderMessage(timer);
    if (!message) return undefined;
    const { review } = message;
    if (message.impactCheckMonths !== undefined)
      return { card: renderImpactCheckForm({ reviewId: review.id, version: review.version, ...impactText(review, message.impactCheckMonths), title: message.title }) };
    const stageNumber = timer.content.kind === 'handler' ? Number(timer.content.data.stage) : NaN;
    const stage = Number.isInteger(stageNumber) ? review.stages[stageNumber - 1] : undefined;
    return {
      card: renderReviewReminder({
        ref: review.ref,
        title: message.title,
        text: message.text,
        facts: [
          ...(stage ? [{ title: `Stage ${stage.number}`, value: `${STAGES[stage.number - 1].name}: ${formatDate(stage.start)} to ${formatDate(stage.end)}` }] : []),
          { title: 'Lead sponsor', value: review.sponsor.name },
          { title: 'Review', value: `${formatDate(review.startDate)} to ${formatDate(review.endDate)}` },
        ],
      }),
    };
  });

  /** The start form; a refused start renders it again with the same form id, so a retry is still one review. */
  const startForm = async (turn: Turn, formId: string): Promise<AdaptiveCard> => {
    const { sponsors, channels } = await reviews.startOptions(turn.actor);
    const choices = channels.map((c) => ({ title: conversationName(c), value: c.id }));
    if (!choices.some((c) => c.value === turn.conversation.id)) choices.unshift({ title: `${conversationName(turn.conversation)} (here)`, value: turn.conversation.id });
    return renderStartForm({
      formId,
      strands: STRANDS.map((s) => ({ title: STRAND_LABELS[s], value: s })),
      sponsors: sponsors.map((p) => ({ title: `${p.name}${p.organisation ? ` (${p.organisation})` : ''}`, value: p.aadObjectId })),
      channels: choices,
      defaultChannels: turn.conversation.id,
      defaultStart: reviews.today(),
    });
  };

  const str = (v: unknown): unknown => (typeof v === 'number' ? String(v) : v);

  return {
    title: 'Hub focused reviews',
    commands: [
      {
        name: 'review start',
        description: 'Start a hub focused review: theme, strand, lead sponsor, start date, channels (Business Team)',
        featured: true,
        run: async (turn) => {
          try {
            await replyCard(turn.context, await startForm(turn, randomUUID()));
          } catch (err) {
            await replyRefusal(turn.context, err);
          }
        },
      },
      {
        name: 'reviews',
        description: 'The active hub reviews with their stage and days left',
        featured: true,
        run: async (turn) => {
          await replyCard(turn.context, renderEntityList(reviewRows(await reviews.active(turn.actor.tenantId), turn.actor, reviews.today(), time)));
        },
      },
      {
        name: 'review',
        usage: 'review <ref>',
        description: 'One review\'s timeline, e.g. review R-3',
        run: async (turn) => {
          try {
            if (!turn.args.trim()) throw invalid('Say which review, e.g. review R-3. Type reviews to list them.', 'ref');
            const review = await reviews.byRef(turn.actor.tenantId, turn.args);
            const id = await replyCard(turn.context, await timelineCard(review));
            if (id) await publisher.recordReply(review.tenantId, reviewEntityKey(review.id), turn.conversation.id, id);
          } catch (err) {
            await replyRefusal(turn.context, err);
          }
        },
      },
      {
        name: 'programme',
        usage: 'programme <year>',
        description: 'The year\'s reviews against 2 children + 2 adults + 1 combined, and who sponsors them',
        run: async (turn) => {
          try {
            const year = turn.args.trim() ? Number(turn.args.trim()) : Number(reviews.today().slice(0, 4));
            await replyCard(turn.context, renderProgramme(programmeView(await reviews.programme(turn.actor, year))));
          } catch (err) {
            await replyRefusal(turn.context, err);
          }
        },
      },
    ],
    actions: [
      {
        verb: REVIEW_VERBS.start,
        run: async (turn, data) => {
          let review: Review;
          try {
            review = await reviews.start(turn.actor, {
              formId: data.formId,
              theme: data.theme,
              strand: data.strand,
              sponsorId: data.sponsor,
              startDate: data.startDate,
              learningEventDate: data.learningEventDate,
              conversationKeys: data.channels,
            });
          } catch (err) {
            return refusedForm(err, data, () => startForm(turn, typeof data.formId === 'string' ? data.formId : randomUUID()), { sponsorId: 'sponsor', conversationKeys: 'channels' });
          }
          const card = await timelineCard(review);
          let posted = 0;
          for (const key of review.reminderConversations) {
            const conversation = await conversations.get(review.tenantId, key);
            if (conversation && (await publisher.postTo(review.tenantId, reviewEntityKey(review.id), conversation, { card }))) posted += 1;
          }
          return renderNotice({
            title: `${review.ref} started: ${review.theme}`,
            text: `The timeline card is posted in ${posted} channel${posted === 1 ? '' : 's'}; stage 1 runs ${formatDate(review.stages[0].start)} to ${formatDate(review.stages[0].end)}.`,
            tone: 'good',
          });
        },
      },
      reviewAction(REVIEW_VERBS.signOff, (turn, d) => {
        // Stage 4's form has two buttons: a recommendation typed but not yet submitted is never signed off past.
        if (typeof d.recTitle === 'string' && d.recTitle.trim())
          throw invalid('This recommendation has not been submitted: press "Submit to the Executive Board" first (or clear it), then confirm sign-off.', 'recTitle');
        return reviews.signOff(turn.actor, { reviewId: d.reviewId, version: d.version, stage: d.stage, note: d.note, noRecommendationsReason: d.noRecommendationsReason });
      }),
      reviewAction(
        REVIEW_VERBS.learningEvent,
        (turn, d) => reviews.recordLearningEvent(turn.actor, { reviewId: d.reviewId, version: d.version, date: d.leDate, attendees: d.leAttendees, scrutineer: d.leScrutineer }),
        { date: 'leDate', attendees: 'leAttendees', scrutineer: 'leScrutineer' },
      ),
      reviewAction(
        REVIEW_VERBS.recommend,
        (turn, d) => reviews.submitRecommendation(turn.actor, { reviewId: d.reviewId, version: d.version, title: str(d.recTitle), detail: str(d.recDetail) ?? '' }),
        { title: 'recTitle', detail: 'recDetail' },
      ),
      reviewAction(REVIEW_VERBS.impact, (turn, d) => reviews.recordImpactFindings(turn.actor, { reviewId: d.reviewId, version: d.version, months: d.months, findings: d.findings })),
      reviewAction(REVIEW_VERBS.reschedule, (turn, d) => reviews.reschedule(turn.actor, { reviewId: d.reviewId, version: d.version, startDate: d.newStartDate }), { startDate: 'newStartDate' }),
      reviewAction(REVIEW_VERBS.cancel, (turn, d) => reviews.cancel(turn.actor, { reviewId: d.reviewId, version: d.version, reason: d.cancelReason }), { reason: 'cancelReason' }),
    ],
  };
}
