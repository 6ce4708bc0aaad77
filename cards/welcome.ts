import template from './welcome.json';
import { AdaptiveCard, expandCard } from './render';

export interface WelcomeCardData {
  name: string;
  inChannel: boolean;
  disputeDays: number;
}

/** Sent once when the app is installed in a chat or team. */
export function renderWelcome(data: WelcomeCardData): AdaptiveCard {
  return expandCard(template, data);
}
