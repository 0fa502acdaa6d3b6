import { createHash } from 'node:crypto';
import type { StoredAlert } from '../store/table-items.ts';
import type { AlertSeverity } from './alert.ts';

/** Alerts of one kind in one WABA whose digest window ended together. */
export interface HeldGroup {
  readonly id: string;
  readonly wabaId: string;
  readonly kind: StoredAlert['kind'];
  readonly windowEnd: string;
  readonly alerts: readonly { readonly eventId: string; readonly alert: StoredAlert }[];
}

/** How many entities a digest message names; the rest are in the read API. */
export const DIGEST_NAMED_ENTITIES = 10;

/** Groups the held alerts whose window ended by `windowEndedBy` (ISO-8601), by WABA, kind and window. */
export function heldGroupsOf(
  events: readonly { readonly eventId: string; readonly alerts: readonly StoredAlert[] }[],
  windowEndedBy: string,
): HeldGroup[] {
  const groups = new Map<string, HeldGroup & { alerts: { eventId: string; alert: StoredAlert }[] }>();
  for (const { eventId, alerts } of events) {
    for (const alert of alerts) {
      if (alert.heldUntil === undefined || alert.heldUntil > windowEndedBy) continue;
      const id = digestIdOf(alert.wabaId, alert.kind, alert.heldUntil);
      const group = groups.get(id) ?? {
        id,
        wabaId: alert.wabaId,
        kind: alert.kind,
        windowEnd: alert.heldUntil,
        alerts: [],
      };
      group.alerts.push({ eventId, alert });
      groups.set(id, group);
    }
  }
  for (const group of groups.values()) group.alerts.sort((a, b) => compare(a.alert, b.alert));
  return [...groups.values()];
}

const compare = (a: StoredAlert, b: StoredAlert) =>
  a.eventTime - b.eventTime || (a.entityId < b.entityId ? -1 : a.entityId > b.entityId ? 1 : 0);

/** The same WABA, kind and window always give the same digest: a second sweep finds the first one's. */
export function digestIdOf(wabaId: string, kind: string, windowEnd: string): string {
  return createHash('sha256').update(`digest|${wabaId}|${kind}|${windowEnd}`).digest('hex').slice(0, 32);
}

const RANK: Readonly<Record<AlertSeverity, number>> = { CRITICAL: 0, WARNING: 1, INFO: 2 };

/**
 * The one message of a digest. It keeps the group's `kind`, `severity` and `wabaId` as message attributes, so an
 * SNS filter policy that selects a kind or a severity still receives the digest of it.
 */
export function digestAlertOf(
  group: HeldGroup,
  windowMs: number,
  createdAt: string,
  listedAt: string,
): StoredAlert {
  const alerts = group.alerts.map((entry) => entry.alert);
  const first = alerts[0];
  if (!first) throw new Error(`digest ${group.id} has no alerts`);
  const severity = alerts.reduce<AlertSeverity>(
    (worst, alert) => (RANK[alert.severity] < RANK[worst] ? alert.severity : worst),
    'INFO',
  );
  const entities = [...new Set(alerts.map((alert) => alert.entityId))];
  const named = alerts.slice(0, DIGEST_NAMED_ENTITIES).map((alert) => `- ${alert.title}`);
  const more = alerts.length - named.length;
  const minutes = Math.round(windowMs / 60_000);
  return {
    id: group.id,
    severity,
    kind: group.kind,
    entityKind: first.entityKind,
    entityId: `waba:${group.wabaId}`,
    wabaId: group.wabaId,
    title: `${alerts.length} alerts of WABA ${group.wabaId} in ${minutes} min: ${first.title}${alerts.length > 1 ? ' and others like it' : ''}`,
    description: [
      `${alerts.length} ${group.kind} alerts about ${entities.length} entities of WABA ${group.wabaId} within ${minutes} minutes, sent as one message:`,
      ...named,
      ...(more > 0 ? [`... and ${more} more.`] : []),
    ].join('\n'),
    nextSteps: [
      `The full list: GET ${listedAt} (and each entity's incidents on its own route).`,
      ...first.nextSteps,
    ],
    transitionId: `digest:${group.id}`,
    eventId: first.eventId,
    eventTime: first.eventTime,
    createdAt,
  };
}
