import { EffectSpec, Outbox, withoutOutbox } from '../outbox/outbox';
import type { Recommendation } from './recommendation';
import type { Announcement, RecommendationRecords } from './recommendation-records';

/**
 * The events port: told after each change is stored (through the outbox, so a crash retries
 * them); the bot layer posts and refreshes the cards in Teams from them.
 */
export interface RecommendationEvents {
  opened(rec: Recommendation): Promise<void>;
  changed(rec: Recommendation): Promise<void>;
  /** `announce`: where the decision goes besides the Executive Board channel. */
  decided(rec: Recommendation, announce: Announcement): Promise<void>;
}

const EVENTS = ['opened', 'changed', 'decided'] as const;

/** The outbox handler that runs a hook after the change is stored. */
const hookEffect = (name: keyof RecommendationEvents): string => `recommendation.${name}`;

/** The effect, staged with a change, that tells `name` once the change is stored. */
export const eventEffect = (name: keyof RecommendationEvents, tenantId: string, recommendationId: string): EffectSpec => ({
  kind: 'handler',
  handler: hookEffect(name),
  tenantId,
  data: { recommendationId },
});

/** Registers the outbox handlers that tell `events`, from the recommendation as stored when they run. */
export function registerEvents(outbox: Outbox, records: RecommendationRecords, events: RecommendationEvents): void {
  for (const name of EVENTS)
    outbox.registerHandler(hookEffect(name), async (tenantId, data) => {
      const stored = await records.get(tenantId, data.recommendationId);
      if (!stored) return;
      const rec = withoutOutbox(stored);
      if (name === 'decided') await events.decided(rec, await records.announcement(rec));
      else await events[name](rec);
    });
}
