import type { AppServices } from '../app-services';
import type { Feature } from '../feature';
import { actionCardActions } from './action-card-actions';
import { actionCommands } from './action-commands';
import { recommendationCommands } from './recommendation-commands';
import { registerRecommendationReminders } from './reminder-handlers';
import { voteCardActions } from './vote-card-actions';
import { recommendationViews } from './views';

/** Recommend → Executive Board vote → decision → actions, with reminders until each is done. */
export function recommendationsFeature(services: AppServices): Feature {
  const views = recommendationViews(services);
  registerRecommendationReminders(services, views.actionCard);
  return {
    title: 'Recommendations, votes and actions',
    commands: [...recommendationCommands(services, views), ...actionCommands(services, views)],
    actions: [...voteCardActions(services, views), ...actionCardActions(services, views)],
  };
}
