import { randomUUID } from 'node:crypto';
import { renderCaseReview, renderCaseReviewList, renderCaseReviewNew } from '../../cards/case-reviews/case-review';
import { CASE_REVIEW_VERBS } from '../../cards/case-reviews/verbs';
import type { AdaptiveCard } from '../../cards/render';
import { ACTION_LABELS, CaseAction, CaseReview, DECISION_LABELS, STAGE_LABELS } from '../../services/case-reviews/case-review';
import { CASE_REVIEW_HANDLERS } from '../../services/case-reviews/case-reviews-service';
import type { Actor } from '../../services/directory/roles';
import { DomainError } from '../../services/errors';
import type { LogEntry } from '../../services/log/audit-log';
import { formatDate } from '../../services/time';
import type { AppServices } from '../app-services';
import type { CardAction, Feature, Turn } from '../feature';
import { refusalText, refusedForm, replyCard, replyRefusal } from '../replies';
import { KIND_LABELS, STEP_BUTTONS, caseCardData, clockLine } from './view';

const entityKey = (caseId: string): string => `case-review:${caseId}`;
const str = (v: unknown): string => (typeof v === 'string' ? v : '');
const STEPS = Object.keys(ACTION_LABELS) as CaseAction[];
const isStep = (v: unknown): v is CaseAction => typeof v === 'string' && (STEPS as string[]).includes(v);

/**
 * Safeguarding case reviews (issue 15): `case review new`, `case reviews`, `case review <ref>`,
 * the card's step forms, and the reminder handlers that keep the statutory clocks.
 */
export function caseReviewsFeature(services: AppServices): Feature {
  const { caseReviews, time, config, publisher, reminders } = services;

  const card = (c: CaseReview, viewer: Actor | undefined, extras: { notice?: string; good?: boolean; history?: LogEntry[] } = {}): AdaptiveCard =>
    renderCaseReview(
      caseCardData(c, viewer, caseReviews.today(), caseReviews.clocks(c), time, {
        notice: extras.notice,
        noticeColor: extras.good ? 'Good' : 'Warning',
        history: extras.history,
      }),
    );

  /** Channel copies carry no step buttons: people open the card in their own chat to act. */
  const renderCopy = (c: CaseReview) => () => card(c, undefined);

  const refreshOthers = (turn: Turn, c: CaseReview): void => {
    const except = turn.inChannel ? undefined : turn.context.activity.replyToId;
    publisher.refreshSoon(c.tenantId, entityKey(c.id), async () => {
      const current = await caseReviews.read(c.tenantId, c.id);
      return current && renderCopy(current);
    }, except);
  };

  const newForm = (formId: string): AdaptiveCard =>
    renderCaseReviewNew({
      formId,
      reference: '',
      kind: 'child',
      today: caseReviews.today(),
      notificationDays: s.notificationWorkingDays,
      rapidReviewDays: s.rapidReviewWorkingDays,
      localReviewMonths: s.localReviewMonths,
      sarMonths: s.sarMonths,
    });

  const open: CardAction = {
    verb: CASE_REVIEW_VERBS.open,
    run: async (turn, data) => {
      try {
        const { review: c, created } = await caseReviews.open(turn.actor, { formId: data.formId, reference: data.reference, kind: data.kind, started: data.started });
        if (!created) return card(c, turn.actor, { notice: `This case review was already recorded as ${c.ref}; nothing was changed.` });
        const sent = await publisher.postToPurpose(c.tenantId, entityKey(c.id), 'safeguarding-reviews', {
          card: card(c, undefined),
          text: `New case review ${c.ref} (${KIND_LABELS[c.kind]})`,
        });
        const activityId = turn.context.activity.replyToId;
        if (activityId) await publisher.recordReply(c.tenantId, entityKey(c.id), turn.conversation.id, activityId, turn.inChannel ? undefined : turn.actor.aadObjectId);
        return card(c, turn.actor, {
          good: true,
          notice: `Recorded as ${c.ref}. ${sent ? 'Posted to the Safeguarding Reviews Subgroup channel.' : 'No channel is named for the Safeguarding Reviews Subgroup yet: the Business Team can type "channel set safeguarding-reviews" there.'}`,
        });
      } catch (err) {
        // A refused field may be personal data (a name, an NHS number): it is not shown back.
        const refused = err instanceof DomainError ? err.details.field : undefined;
        return refusedForm(err, refused ? { ...data, [refused]: '' } : data, async () => newForm(typeof data.formId === 'string' ? data.formId : randomUUID()));
      }
    },
  };

  const step: CardAction = {
    verb: CASE_REVIEW_VERBS.step,
    run: async (turn, data) => {
      const action = data.step;
      if (!isStep(action)) return 'That button is out of date: type "case reviews" for the current cards. Nothing was changed.';
      try {
        const c = await caseReviews.step(
          turn.actor,
          { caseId: data.caseId, version: data.version },
          action,
          { date: data[`date_${action}`], outcome: data[`outcome_${action}`], reviewer: data[`reviewer_${action}`], reason: data[`reason_${action}`] },
        );
        refreshOthers(turn, c);
        if (action === 'decide' && c.decision)
          await publisher.postToPurpose(c.tenantId, entityKey(c.id), 'executive-board', {
            card: card(c, undefined),
            text: `Case review ${c.ref}: decision recorded — ${DECISION_LABELS[c.decision]}.`,
          });
        return card(c, turn.actor, { good: true, notice: `Recorded: ${STEP_BUTTONS[action].done}, ${formatDate(str(data[`date_${action}`]))}.` });
      } catch (err) {
        if (err instanceof DomainError && err.code === 'stale') {
          const latest = await caseReviews.read(turn.actor.tenantId, data.caseId);
          if (latest) return card(latest, turn.actor, { notice: err.message });
        }
        // What was refused may be personal data (a name, a date of birth): that field is not shown back.
        const fields: Record<string, string> = { date: `date_${action}`, outcome: `outcome_${action}`, reviewer: `reviewer_${action}`, reason: `reason_${action}` };
        const refused = err instanceof DomainError ? err.details.field : undefined;
        return refusedForm(
          err,
          refused ? { ...data, [fields[refused] ?? refused]: '' } : data,
          async () => {
            const current = await caseReviews.read(turn.actor.tenantId, data.caseId);
            return current ? card(current, turn.actor) : undefined;
          },
          fields,
        );
      }
    },
  };

  const history: CardAction = {
    verb: CASE_REVIEW_VERBS.history,
    run: async (turn, data) => {
      try {
        const { review, entries } = await caseReviews.history(turn.actor, data.caseId);
        return card(review, turn.actor, { history: entries });
      } catch (err) {
        return refusalText(err);
      }
    },
  };

  reminders.registerHandler(CASE_REVIEW_HANDLERS.reminder, async (timer) => {
    const due = await caseReviews.reminderStillDue(timer.tenantId, timer.content.data.caseId, timer.content.data.clock);
    if (!due) return undefined;
    return { text: `Reminder: case review ${due.review.ref}: ${due.clock.label} — ${due.clock.text}.`, card: card(due.review, undefined) };
  });
  reminders.registerHandler(CASE_REVIEW_HANDLERS.breach, async (timer) => {
    const clockKey = str(timer.content.data.clock);
    if (!['notification', 'rapid_review', 'final_report', 'publication', 'sar'].includes(clockKey)) return undefined;
    const breach = await caseReviews.recordBreach(timer.tenantId, str(timer.content.data.caseId), clockKey as 'notification');
    if (!breach) return undefined;
    if (breach.recorded) await publisher.refreshAll(breach.review.tenantId, entityKey(breach.review.id), renderCopy(breach.review));
    return {
      text: `BREACH: case review ${breach.review.ref}: ${breach.clock.label} was due ${formatDate(breach.clock.due)} ${breach.clock.doneOn ? `and was done late, on ${formatDate(breach.clock.doneOn)}` : 'and has not been done'}. Stage: ${STAGE_LABELS[breach.review.stage]}.`,
      card: card(breach.review, undefined),
    };
  });

  const list = async (turn: Turn): Promise<void> => {
    try {
      const rows = await caseReviews.listOpen(turn.actor);
      await replyCard(
        turn.context,
        renderCaseReviewList({
          title: `Open case reviews (${rows.length})`,
          items: rows.map(({ review, next }) => ({ ref: review.ref, kindLabel: review.kind, stage: STAGE_LABELS[review.stage], ...clockLine(next) })),
        }),
      );
    } catch (err) {
      await replyRefusal(turn.context, err);
    }
  };

  const s = config.domain.caseReviews;
  return {
    title: 'Safeguarding case reviews',
    commands: [
      {
        name: 'case review new',
        description: 'Record a serious child safeguarding incident or a SAR referral (anonymised reference only)',
        run: async (turn) => {
          try {
            caseReviews.checkCanOpen(turn.actor);
            await replyCard(turn.context, newForm(randomUUID()));
          } catch (err) {
            await replyRefusal(turn.context, err);
          }
        },
      },
      { name: 'case reviews', description: 'Open case reviews, breaches first, then by nearest deadline', run: list },
      {
        name: 'case review',
        usage: 'case review <ref>',
        description: "One case review's card with its clocks, e.g. case review RR-2026-03",
        run: async (turn) => {
          if (!turn.args.trim()) return list(turn);
          try {
            const c = await caseReviews.getByRef(turn.actor, turn.args.trim());
            const viewer = turn.inChannel ? undefined : turn.actor;
            const activityId = await replyCard(turn.context, card(c, viewer));
            if (activityId) await publisher.recordReply(c.tenantId, entityKey(c.id), turn.conversation.id, activityId, viewer?.aadObjectId);
          } catch (err) {
            await replyRefusal(turn.context, err);
          }
        },
      },
    ],
    actions: [open, step, history],
  };
}
