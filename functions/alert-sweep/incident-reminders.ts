import { createHash } from 'node:crypto';
import type { StoredAlert } from '../../shared/alerts/alert.ts';
import { CONCERNS } from '../../shared/incidents/incident-concerns.ts';
import { durationText } from '../../shared/incidents/incident-ledger.ts';
import type { AlertPublisher } from '../../shared/notify/sns-alert-publisher.ts';
import type { AppLogger } from '../../shared/powertools/logger.ts';
import type { Counters } from '../../shared/powertools/metrics.ts';
import type { StateStore } from '../../shared/store/state-store.ts';
import type { IncidentItem } from '../../shared/store/table-items.ts';

export interface RemindersDependencies {
  readonly store: Pick<StateStore, 'openIncidents' | 'claimReminder' | 'reminderPublished'>;
  readonly publisher: Pick<AlertPublisher, 'publish'>;
  readonly logger: AppLogger;
  readonly counters: Counters;
  /** An open CRITICAL incident is announced again every this long; 0 = never. */
  readonly reminderMs: number;
  readonly claimTimeoutMs: number;
  readonly now?: () => number;
}

/**
 * Re-announces each open CRITICAL incident every `reminderMs` it stays open, saying for how long. Reminder n of
 * an incident is claimed in the table before it is sent, so overlapping sweeps send it once; a sweep that dies
 * after sending and before recording it lets the next one send it again once its claim is stale (as the outbox).
 */
export async function remindOpenIncidents(deps: RemindersDependencies): Promise<number> {
  if (deps.reminderMs <= 0) return 0;
  const now = (deps.now ?? Date.now)();
  let sent = 0;
  for (const incident of await deps.store.openIncidents(5000)) {
    if (incident.currentSeverity !== 'CRITICAL') continue;
    const ordinal = Math.floor((now - incident.openedAt) / deps.reminderMs);
    if (ordinal < 1) continue;
    if (!(await deps.store.claimReminder(incident.id, ordinal, now, now - deps.claimTimeoutMs))) continue;
    try {
      await deps.publisher.publish(reminderOf(incident, ordinal, now));
      await deps.store.reminderPublished(incident.id, ordinal, new Date(now).toISOString());
      sent += 1;
    } catch (error) {
      deps.logger.error('incident reminder could not be published; a later sweep retries', {
        incidentId: incident.id,
        error: error instanceof Error ? { name: error.name, message: error.message } : String(error),
      });
    }
  }
  deps.counters.count('IncidentRemindersPublished', sent);
  return sent;
}

export function reminderOf(incident: IncidentItem, ordinal: number, now: number): StoredAlert {
  const concern =
    CONCERNS[incident.entityKind].find((c) => c.name === incident.concern)?.label ?? incident.concern;
  const open = durationText(now - incident.openedAt);
  const id = createHash('sha256').update(`reminder|${incident.id}|${ordinal}`).digest('hex').slice(0, 32);
  return {
    id,
    severity: 'CRITICAL',
    kind: 'incident-reminder',
    entityKind: incident.entityKind,
    entityId: incident.entityId,
    wabaId: incident.wabaId,
    title: `Still open after ${open}: ${incident.entityKind} ${incident.entityId} ${concern} ${incident.value}`,
    description: `This incident opened at ${new Date(incident.openedAt).toISOString()} and has been open for ${open}.`,
    nextSteps: [`Its details: GET /v1/incidents?wabaId=${incident.wabaId}`],
    transitionId: `reminder:${incident.id}:${ordinal}`,
    eventId: incident.openedVersion.slice(incident.openedVersion.indexOf('#') + 1),
    eventTime: incident.openedAt,
    incidentId: incident.id,
    createdAt: new Date(now).toISOString(),
  };
}
