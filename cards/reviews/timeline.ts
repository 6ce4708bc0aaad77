import type { CardColour } from '../deadline-colour';
import { AdaptiveCard, expandCard } from '../render';
import {
  ChangeFormData,
  ImpactCheckFormData,
  LearningEventFormData,
  SignOffFormData,
  renderChangeForm,
  renderImpactCheckForm,
  renderLearningEventForm,
  renderSignOffForm,
} from './forms';
import template from './timeline.json';

export interface TimelineCardData {
  ref: string;
  theme: string;
  strand: string;
  statusLabel: string;
  statusTone: 'default' | 'warning' | 'good';
  /** The headline's colour, by the shared deadline rule (cards/deadline-colour.ts). */
  statusColor: CardColour;
  sponsor: string;
  dates: string;
  reviewProgress: string;
  reviewProgressText: string;
  showStage: boolean;
  stageProgress: string;
  stageProgressText: string;
  /** "Due now: <what> (by <date>)", or "Signed off: <what>" once the stage is signed off. */
  due: string;
  signOffBy: string;
  stages: { label: string; dates: string; state: string; current: boolean; done: boolean; overdue: boolean; color: CardColour }[];
  learningEvent: string;
  recommendations: string;
  impactChecks: { label: string; state: string; color: CardColour }[];
  channels: string;
  updated: string;
  version: number;
}

/** The forms the timeline offers as show-card buttons, each present only when it applies. */
export interface TimelineForms {
  signOff?: SignOffFormData;
  learningEvent?: LearningEventFormData;
  impact?: ImpactCheckFormData;
  change?: ChangeFormData;
}

const showCard = (title: string, card: AdaptiveCard): Record<string, unknown> => {
  const { $schema: _schema, ...rest } = card;
  void _schema;
  return { type: 'Action.ShowCard', title, card: rest };
};

/** The review's timeline: four stages with dates, the current one highlighted, progress, and the forms that apply. */
export function renderTimeline(data: TimelineCardData, forms: TimelineForms = {}): AdaptiveCard {
  const card = expandCard(template, data);
  const actions: Record<string, unknown>[] = [];
  if (forms.signOff) actions.push(showCard(`Sign off stage ${forms.signOff.stage}`, renderSignOffForm(forms.signOff)));
  if (forms.learningEvent) actions.push(showCard('Learning event', renderLearningEventForm(forms.learningEvent)));
  if (forms.impact) actions.push(showCard(`${forms.impact.months}-month impact check`, renderImpactCheckForm(forms.impact)));
  if (forms.change) actions.push(showCard('Move or cancel', renderChangeForm(forms.change)));
  return actions.length ? { ...card, actions } : card;
}
