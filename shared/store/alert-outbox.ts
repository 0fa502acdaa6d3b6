import type { StoredAlert } from '../alerts/alert.ts';

/**
 * What one event still owes: the alerts committed with it and not yet struck off, and who is publishing them.
 */
export interface OwedAlerts {
  readonly alerts: readonly StoredAlert[];
  /** Epoch ms of the claim on them, if any. */
  readonly claimedAt?: number;
  /** Still listed for the sweep (owed or held), even if every alert was struck off one by one. */
  readonly listed?: boolean;
}

/**
 * The alert outbox: alerts an event owes are written in the event's own transaction (the marker is the outbox,
 * see `eventItemOf`), so that no state change is committed without its alerts and none is published before its
 * state is durable. Afterwards the protocol is:
 *
 * 1. whoever publishes holds the **claim** (the committing processor from the start; a redelivery or a sweep by
 *    `claim` once the holder's claim is stale), so two processors never publish the same alert;
 * 2. each alert is **struck off** as soon as it is out, so a failure on the next one never sends it again;
 * 3. the last one **finishes** the outbox: nothing is owed, the claim ends, the event leaves the sweep's listing;
 * 4. on a failed publish the holder **releases** its claim (only if it is still its own), so a retry may publish
 *    at once instead of waiting for the claim to go stale.
 *
 * Each operation is one atomic request, so implementations agree under any interleaving of callers
 * (test/support/alert-outbox-contract.ts runs the same cases against each of them).
 */
export interface AlertOutbox {
  /** What an already-processed event still owes; undefined when no such event was processed. */
  owedBy(eventId: string): Promise<OwedAlerts | undefined>;
  /**
   * Takes over the owed alerts of an event that has some and no claim fresher than `staleBefore` (its holder
   * died or gave up), stamping the claim `now`. Of two callers at once only one wins; undefined for the loser,
   * or when nothing is owed.
   */
  claim(eventId: string, now: number, staleBefore: number): Promise<readonly StoredAlert[] | undefined>;
  /** One alert is out: it is owed no more, whatever happens to the others. Idempotent. */
  strikeOff(eventId: string, alertId: string): Promise<void>;
  /** The last alert is out: nothing is owed any more, the claim ends and the event leaves the listing. */
  finish(eventId: string): Promise<void>;
  /**
   * Gives back the claim stamped `claimedAt` after a failed publish. A no-op when the claim is no longer the
   * caller's: a holder whose claim went stale and was taken over must not end the new holder's claim, or a third
   * processor would publish the same alerts alongside it.
   */
  release(eventId: string, claimedAt: number): Promise<void>;
  /**
   * Events that owe alerts due at once and were processed before `processedBefore` (ISO-8601), oldest first:
   * what the owed-alerts sweep publishes once their message has left the queue.
   */
  eventsOwing(processedBefore: string, limit: number): Promise<string[]>;
  /**
   * Events holding alerts for a digest window that ended before `windowEndedBefore` (ISO-8601), oldest window
   * first, up to `limit`: what the sweep flushes, alone or as digests.
   */
  eventsHolding(windowEndedBefore: string, limit: number): Promise<string[]>;
}
