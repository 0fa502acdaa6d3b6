import type { StoredAlert } from '../../shared/alerts/alert.ts';
import {
  digestAlertOf,
  digestIdOfAlert,
  type HeldGroup,
  heldGroupsOf,
} from '../../shared/alerts/alert-digest.ts';
import type { AlertPublisher } from '../../shared/notify/sns-alert-publisher.ts';
import type { AppLogger } from '../../shared/powertools/logger.ts';
import type { Counters } from '../../shared/powertools/metrics.ts';
import type { AlertOutbox } from '../../shared/store/alert-outbox.ts';
import type { StateStore } from '../../shared/store/state-store.ts';
import { DIGEST_INDEX_PK, DIGEST_SK, type DigestItem, digestPk } from '../../shared/store/table-items.ts';
import { AlertsInFlightError, type EventProcessor } from '../processor/event-processor.ts';

export interface HeldAlertsFlushDependencies {
  readonly store: Pick<StateStore, 'digest' | 'createDigest' | 'claimDigest' | 'digestPublished'>;
  readonly outbox: Pick<AlertOutbox, 'eventsHolding' | 'owedBy' | 'strikeOff'>;
  readonly processor: Pick<EventProcessor, 'publishOwed'>;
  readonly publisher: Pick<AlertPublisher, 'publish'>;
  readonly logger: AppLogger;
  readonly counters: Counters;
  /** More than this many alerts of one kind in one WABA in one window go out as one digest. */
  readonly digestThreshold: number;
  readonly digestWindowMs: number;
  /** A digest claim older than this was given up by a sweep that died: another may publish it. */
  readonly claimTimeoutMs: number;
  /** Events read per run; the next run takes the rest. */
  readonly limit?: number;
  readonly now?: () => number;
}

export interface FlushResult {
  readonly events: number;
  readonly digests: number;
  /** Held alerts published one by one (their group was small). */
  readonly alone: number;
  readonly inFlight: number;
  readonly failed: number;
}

/** A processor may still be committing an alert of a window that just ended: wait this long after its end. */
const COMMIT_GRACE_MS = 5_000;
/** Digests one group may need when sweeps read it in parts (`limit` events a run). */
const MAX_DIGEST_PARTS = 10;
/** Above any ISO-8601 time: lists every held event. */
const EVERY_HOLD = '9999';

/**
 * Publishes the alerts held for digests once their window ended: a group of one WABA and kind above the threshold
 * as one digest message, the others one by one. Exactly once across crashes and overlapping sweeps: the digest
 * item (its id fixed by WABA, kind and window) records which alerts it stands for before it is published, and
 * is claimed like an outbox; its alerts are struck off the events' outboxes only once it is out.
 */
export async function flushHeldAlerts(deps: HeldAlertsFlushDependencies): Promise<FlushResult> {
  const now = (deps.now ?? Date.now)();
  const endedBy = new Date(now - COMMIT_GRACE_MS).toISOString();
  // Every held event, ripe or not: a group goes out only when all of its members are ripe.
  const eventIds = await deps.outbox.eventsHolding(EVERY_HOLD, deps.limit ?? 3000);
  const events: { eventId: string; alerts: readonly StoredAlert[] }[] = [];
  for (const eventId of eventIds) {
    const pending = await deps.outbox.owedBy(eventId);
    events.push({ eventId, alerts: pending?.alerts ?? [] });
  }
  let digests = 0;
  let inFlight = 0;
  let failed = 0;
  // Alerts a digest stands for (or will, once it can be published): none of them goes out alone.
  const inDigests = new Set<string>();
  const groups = heldGroupsOf(events, endedBy);
  const ripe = new Set(groups.filter((group) => group.ripe).map((group) => group.id));
  for (const group of groups) {
    if (!group.ripe) continue;
    // Part 1 is the group's digest; later parts cover what a sweep that read only part of the group missed.
    for (let part = 1; part <= MAX_DIGEST_PARTS; part += 1) {
      const id = part === 1 ? group.id : `${group.id}-${part}`;
      const existing = await deps.store.digest(id);
      const uncovered = group.alerts.filter((entry) => !inDigests.has(entry.alert.id));
      if (!existing && uncovered.length <= deps.digestThreshold) break;
      const createdAt = new Date(now).toISOString();
      const digest =
        existing ??
        (await deps.store.createDigest(digestItemOf({ ...group, id, alerts: uncovered }, createdAt)));
      for (const alertId of digest.alertIds) inDigests.add(alertId);
      const outcome = await sendDigest(deps, { ...group, id }, digest, now);
      if (outcome === 'in-flight') inFlight += 1;
      if (outcome === 'failed') failed += 1;
      if (outcome === 'published') digests += 1;
    }
  }
  // What no digest covers goes out one by one; events left with nothing owed leave the listing.
  let alone = 0;
  for (const { eventId } of events) {
    try {
      alone += await deps.processor.publishOwed(
        eventId,
        (alert) => ripe.has(digestIdOfAlert(alert)) && !inDigests.has(alert.id),
      );
    } catch (error) {
      if (error instanceof AlertsInFlightError) inFlight += 1;
      else {
        failed += 1;
        deps.logger.error('held alerts could not be published; the next sweep retries', {
          eventId,
          error: error instanceof Error ? { name: error.name, message: error.message } : String(error),
        });
      }
    }
  }
  deps.counters.count('DigestsPublished', digests);
  deps.counters.count('HeldAlertsPublished', alone);
  return { events: eventIds.length, digests, alone, inFlight, failed };
}

/**
 * Publishes a digest unless it is out already, then strikes its alerts off their outboxes (only once it is out,
 * so a crash in between sends it again rather than losing it).
 */
async function sendDigest(
  deps: HeldAlertsFlushDependencies,
  group: HeldGroup,
  digest: DigestItem,
  now: number,
): Promise<'published' | 'already' | 'in-flight' | 'failed'> {
  const covered = new Set(digest.alertIds);
  let outcome: 'published' | 'already' = 'already';
  if (digest.publishedAt === undefined) {
    if (!(await deps.store.claimDigest(digest.id, now, now - deps.claimTimeoutMs))) return 'in-flight';
    const message = digestAlertOf(
      { ...group, alerts: group.alerts.filter((entry) => covered.has(entry.alert.id)) },
      deps.digestWindowMs,
      digest.createdAt,
      `/v1/incidents?wabaId=${encodeURIComponent(group.wabaId)}`,
    );
    try {
      await deps.publisher.publish(message);
    } catch (error) {
      deps.logger.error('digest could not be published; the next sweep retries', {
        digestId: digest.id,
        error: error instanceof Error ? { name: error.name, message: error.message } : String(error),
      });
      return 'failed';
    }
    await deps.store.digestPublished(digest.id, new Date(now).toISOString());
    deps.logger.info('digest published', {
      digestId: digest.id,
      kind: group.kind,
      wabaId: group.wabaId,
      alerts: digest.count,
    });
    outcome = 'published';
  }
  // Out: its alerts are owed no more.
  for (const { eventId, alert } of group.alerts)
    if (covered.has(alert.id)) await deps.outbox.strikeOff(eventId, alert.id);
  return outcome;
}

function digestItemOf(group: ReturnType<typeof heldGroupsOf>[number], createdAt: string): DigestItem {
  return {
    pk: digestPk(group.id),
    sk: DIGEST_SK,
    gsi1pk: DIGEST_INDEX_PK,
    gsi1sk: `${createdAt}#${group.id}`,
    itemType: 'digest',
    id: group.id,
    wabaId: group.wabaId,
    kind: group.kind,
    window: group.window,
    count: group.alerts.length,
    alertIds: group.alerts.map((entry) => entry.alert.id),
    entityIds: [...new Set(group.alerts.map((entry) => entry.alert.entityId))],
    createdAt,
  };
}
