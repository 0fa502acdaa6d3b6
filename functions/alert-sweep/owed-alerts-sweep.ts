import type { AppLogger } from '../../shared/powertools/logger.ts';
import type { Counters } from '../../shared/powertools/metrics.ts';
import type { AlertOutbox } from '../../shared/store/alert-outbox.ts';
import { AlertsInFlightError, type EventProcessor } from '../processor/event-processor.ts';

export interface OwedAlertsSweepDependencies {
  readonly outbox: Pick<AlertOutbox, 'eventsOwing'>;
  readonly processor: Pick<EventProcessor, 'publishOwed'>;
  readonly logger: AppLogger;
  readonly counters: Counters;
  /**
   * Events processed less than this long ago are left to their own message's retries. Older ones may have left
   * the queue (5 receives × 180 s) with alerts still owed, e.g. after a long SNS outage.
   */
  readonly minAgeMs: number;
  /** Events looked at per run; the next run takes the rest. */
  readonly limit?: number;
  readonly now?: () => number;
}

export interface SweepResult {
  /** Events found owing alerts. */
  readonly owed: number;
  readonly alertsPublished: number;
  /** Events whose alerts another processor is publishing right now. */
  readonly inFlight: number;
  /** Events still owing after this run (SNS still failing): the alarm's concern. */
  readonly stillOwed: number;
}

/**
 * Publishes the alerts that events still owe once their message is gone (finding 4 of issue 12): the event
 * marker is the outbox, and nothing else reads it again after the message went to the DLQ. Uses the same claim
 * as the processor, so a sweep and a redelivered message never both publish one alert.
 */
export async function sweepOwedAlerts(deps: OwedAlertsSweepDependencies): Promise<SweepResult> {
  const now = (deps.now ?? Date.now)();
  const eventIds = await deps.outbox.eventsOwing(
    new Date(now - deps.minAgeMs).toISOString(),
    deps.limit ?? 100,
  );
  let alertsPublished = 0;
  let inFlight = 0;
  let stillOwed = 0;
  for (const eventId of eventIds) {
    try {
      alertsPublished += await deps.processor.publishOwed(eventId);
    } catch (error) {
      if (error instanceof AlertsInFlightError) {
        inFlight += 1;
        continue;
      }
      stillOwed += 1;
      deps.logger.error('owed alerts could not be published; the next sweep retries', {
        eventId,
        error: error instanceof Error ? { name: error.name, message: error.message } : String(error),
      });
    }
  }
  deps.counters.count('OwedAlertEvents', eventIds.length);
  deps.counters.count('OwedAlertsPublished', alertsPublished);
  deps.counters.count('OwedAlertEventsFailed', stillOwed);
  if (eventIds.length > 0) {
    deps.logger.warn('owed alerts swept', { owed: eventIds.length, alertsPublished, inFlight, stillOwed });
  }
  return { owed: eventIds.length, alertsPublished, inFlight, stillOwed };
}
