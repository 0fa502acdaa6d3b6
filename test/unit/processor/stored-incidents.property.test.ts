import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EventProcessor } from '../../../functions/processor/event-processor.ts';
import { DEFAULT_ALERT_POLICY } from '../../../shared/alerts/alert-policy.ts';
import type { QualityEvent } from '../../../shared/events/quality-event.ts';
import { StateCache } from '../../../shared/store/state-cache.ts';
import { InMemoryStateStore } from '../../support/in-memory-state-store.ts';
import { recordingCounters, recordingLogger } from '../../support/recorders.ts';
import { change, eventOf } from '../../support/webhook-builders.ts';

/*
 * The processor's incident writes (puts and deletes derived from the ledger before and after each event) leave
 * the table with the incidents of in-order processing, whatever the order and however often events repeat.
 */

const T0 = 1_780_000_200;

const qualityOf = (template: number, minute: number, score: string): QualityEvent => {
  const spec = change.templateQuality(T0 + minute * 60, score);
  return eventOf({ ...spec, value: { ...(spec.value as object), message_template_id: template } });
};

const portfolioLimitOf = (minute: number, limit: string): QualityEvent =>
  eventOf(change.capability(T0 + minute * 60, { max_daily_conversations_per_business: limit }));

async function storedIncidents(events: readonly QualityEvent[]) {
  const store = new InMemoryStateStore();
  const processor = new EventProcessor({
    store,
    outbox: store,
    publisher: { publish: async () => {} },
    cache: new StateCache(),
    logger: recordingLogger(),
    counters: recordingCounters(),
    alertPolicy: { ...DEFAULT_ALERT_POLICY, digestThreshold: 0 },
    now: () => T0 * 1000,
  });
  for (const event of events) await processor.process(event);
  return [...store.incidents.values()].sort((a, b) => (`${a.pk}${a.sk}` < `${b.pk}${b.sk}` ? -1 : 1));
}

describe('property: stored incidents', () => {
  it('any order and duplication of a history leaves the incident items of in-order processing', async () => {
    const event = fc
      .tuple(
        fc.constantFrom(1, 2),
        fc.integer({ min: 1, max: 12 }),
        fc.constantFrom('GREEN', 'YELLOW', 'RED'),
      )
      .map(([template, minute, score]) => qualityOf(template, minute, score));
    const limit = fc
      .tuple(fc.integer({ min: 1, max: 12 }), fc.constantFrom('TIER_250', 'TIER_1K', 'TIER_10K'))
      .map(([minute, tier]) => portfolioLimitOf(minute, tier));
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.oneof(event, limit), { minLength: 1, maxLength: 15 }),
        fc.array(fc.nat(), { maxLength: 15 }),
        async (events, picks) => {
          const unique = [...new Map(events.map((e) => [e.id, e])).values()];
          const inOrder = [...unique].sort((a, b) => a.eventTime - b.eventTime || (a.id < b.id ? -1 : 1));
          // Repeats picked at random first, then every event newest first: each arrives at least once, late.
          const arrivals = [
            ...picks.map((p) => events[p % events.length] as QualityEvent),
            ...[...events].reverse(),
          ];
          expect(await storedIncidents(arrivals)).toEqual(await storedIncidents(inOrder));
        },
      ),
      { numRuns: 150 },
    );
  });
});
