import template from './whoami.json';
import { AdaptiveCard, expandCard } from './render';

export interface WhoamiCardData {
  name: string;
  aadObjectId: string;
  roles: string;
  organisation: string;
  hint: string;
}

export function renderWhoami(data: WhoamiCardData): AdaptiveCard {
  return expandCard(template, data);
}
