import type { Clock } from '../services/clock';
import type { Config } from '../services/config';
import type { CardPosts } from '../services/card-posts';
import type { CaseReviewsService } from '../services/case-reviews/case-reviews-service';
import type { Conversations } from '../services/conversations';
import type { Directory } from '../services/directory/directory';
import type { AuditLog } from '../services/log/audit-log';
import type { ExportLinks } from '../services/log/export-links';
import type { LogView } from '../services/log/log-view';
import type { Logger } from '../services/logger';
import type { Messenger } from '../services/messaging';
import type { Outbox } from '../services/outbox/outbox';
import type { Publisher } from '../services/publisher';
import type { ActionService } from '../services/recommendations/action-service';
import type { RecommendationService } from '../services/recommendations/recommendation-service';
import type { References } from '../services/refs';
import type { RemindersService } from '../services/reminders/reminders-service';
import type { Scheduler } from '../services/reminders/scheduler';
import type { ReminderDesk } from '../services/reminders/reminder-desk';
import type { Store } from '../services/store/port';
import type { CalendarTime } from '../services/time';
import type { DisputesService } from '../services/disputes/disputes-service';
import type { ReviewsService } from '../services/reviews/reviews-service';
import type { VoteCards } from './recommendations/vote-cards';

/** Everything the composition root builds and hands to the bot's features. */
export interface AppServices {
  config: Config;
  clock: Clock;
  time: CalendarTime;
  store: Store;
  log: AuditLog;
  directory: Directory;
  conversations: Conversations;
  cardPosts: CardPosts;
  /** Every proactive send goes through this one messenger. */
  messenger: Messenger;
  exportLinks: ExportLinks;
  /** The log as people read it: filtered and paged, with who may read it. */
  logView: LogView;
  logger: Logger;
  /** Posts entity cards to channels and people, and updates every copy in place. */
  publisher: Publisher;
  /** Carries out the effects each change stored with it (log entries, posts, reminders); tests call `outbox.tick()`. */
  outbox: Outbox;
  /** Durable reminders (schedule, cancel, list). */
  reminders: RemindersService;
  /** Delivers due reminders; tests call `scheduler.tick()` after stepping the clock. */
  scheduler: Scheduler;
  /** Upcoming reminders for people and channels; pause and resume. */
  reminderDesk: ReminderDesk;
  /** Short human references (D-7, R-3). */
  refs: References;
  /** Safeguarding case reviews and their statutory clocks. */
  caseReviews: CaseReviewsService;
  /** Disputes between Board members and their 28-day clock. */
  disputes: DisputesService;
  /** Hub focused reviews; their stage 4 recommendations go to `recommendations`. */
  reviews: ReviewsService;
  /** Recommendations and the Executive Board's votes on them. */
  recommendations: RecommendationService;
  /** Actions from approved recommendations. */
  actionItems: ActionService;
  /** The vote card in Teams; the recommendation service's events port. */
  voteCards: VoteCards;
}
