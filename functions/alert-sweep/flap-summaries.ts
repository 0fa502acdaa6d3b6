import { createHash } from 'node:crypto';
import type { StoredAlert } from '../../shared/alerts/alert.ts';
import { eventTimeOfVersion } from '../../shared/events/event-identity.ts';
import { alternationsWithin } from '../../shared/incidents/incident-ledger.ts';
import type { AlertPublisher } from '../../shared/notify/sns-alert-publisher.ts';
import type { AppLogger } from '../../shared/powertools/logger.ts';
import type { Counters } from '../../shared/powertools/metrics.ts';
import type { StateStore } from '../../shared/store/state-store.ts';
import type { FlapItem } from '../../shared/store/table-items.ts';

export interface FlapSummariesDependencies {
  readonly store: Pick<
    StateStore,
    'flapsDue' | 'read' | 'postponeFlapCheck' | 'claimFlapSummary' | 'flapSummarized'
  >;
  readonly publisher: Pick<AlertPublisher, 'publish'>;
  readonly logger: AppLogger;
  readonly counters: Counters;
  readonly flapAlternations: number;
  readonly flapWindowMs: number;
  readonly claimTimeoutMs: number;
  readonly now?: () => number;
}

/** A concern still flapping is looked at again this much later. */
const RECHECK_MS = 3_600_000;

/**
 * Ends the quiet of flap control with one summary per flapping concern, once its alternations within the flap
 * window fell back to the limit (it settled, or the window ended): how often it changed and where it stands.
 * Claimed like the outbox, so overlapping sweeps send it once.
 */
export async function summarizeSettledFlaps(deps: FlapSummariesDependencies): Promise<number> {
  if (deps.flapAlternations <= 0) return 0;
  const now = (deps.now ?? Date.now)();
  let sent = 0;
  for (const flap of await deps.store.flapsDue(new Date(now).toISOString(), 500)) {
    const stored = await deps.store.read({ kind: flap.entityKind, id: flap.entityId });
    const signals = stored?.incidents?.[flap.concern];
    if (alternationsWithin(signals, now, deps.flapWindowMs) > deps.flapAlternations) {
      await deps.store.postponeFlapCheck(flap.pk, new Date(now + RECHECK_MS).toISOString());
      continue;
    }
    if (!(await deps.store.claimFlapSummary(flap.pk, now, now - deps.claimTimeoutMs))) continue;
    const since = flap.since - deps.flapWindowMs;
    const changes = alternationsWithin(signals, now, now - since);
    const latest = signals?.at(-1);
    try {
      await deps.publisher.publish(
        summaryOf(flap, changes, latest?.value, latest && eventTimeOfVersion(latest.v), now),
      );
      await deps.store.flapSummarized(flap.pk, new Date(now).toISOString());
      sent += 1;
    } catch (error) {
      deps.logger.error('flap summary could not be published; a later sweep retries', {
        entityId: flap.entityId,
        error: error instanceof Error ? { name: error.name, message: error.message } : String(error),
      });
    }
  }
  deps.counters.count('FlapSummariesPublished', sent);
  return sent;
}

function summaryOf(
  flap: FlapItem,
  changes: number,
  latest: string | undefined,
  latestAt: number | undefined,
  now: number,
): StoredAlert {
  const id = createHash('sha256').update(`flap-summary|${flap.pk}|${flap.since}`).digest('hex').slice(0, 32);
  return {
    id,
    severity: 'INFO',
    kind: 'flapping-settled',
    entityKind: flap.entityKind,
    entityId: flap.entityId,
    wabaId: flap.wabaId,
    title: `${flap.entityLabel} stopped flapping: its ${flap.label} is ${latest ?? 'unknown'}`,
    description:
      `Its ${flap.label} changed ${changes} times since it started flapping; ` +
      `the latest change (${latest ?? 'unknown'}) was at ${latestAt === undefined ? 'an unknown time' : new Date(latestAt).toISOString()}. ` +
      'Changes are announced again from now on.',
    nextSteps: ['Every change is in the history and the incidents of the entity.'],
    transitionId: `flap-summary:${flap.pk}:${flap.since}`,
    eventId: id,
    eventTime: latestAt ?? now,
    createdAt: new Date(now).toISOString(),
  };
}
