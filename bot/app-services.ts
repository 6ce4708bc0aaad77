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
import type { RecommendationIntake } from '../services/recommendations/intake';
import type { RecommendationService } from '../services/recommendations/recommendation-service';
import type { References } from '../services/refs';
import type { RemindersService } from '../services/reminders/reminders-service';
import type { Scheduler } from '../services/reminders/scheduler';
import type { ReminderDesk } from '../services/reminders/reminder-desk';
import type { Store } from '../services/store/port';
import type { CalendarTime } from '../services/time';

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
  /** Where recommendations go to the Executive Board; set by the votes feature. */
  recommendationIntake?: RecommendationIntake;
  /** Recommendations and the Executive Board's votes (the votes feature). */
  recommendations?: RecommendationService;
  /** Actions from approved recommendations (the votes feature). */
  actionItems?: ActionService;
}
