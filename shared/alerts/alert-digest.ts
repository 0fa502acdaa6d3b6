import { createHash } from 'node:crypto';
import type { AlertSeverity, StoredAlert } from './alert.ts';

/** Held alerts of one kind in one WABA whose events fall in one digest window. */
export interface HeldGroup {
  readonly id: string;
  readonly wabaId: string;
  readonly kind: StoredAlert['kind'];
  /** Start of the window (event time). */
  readonly window: string;
  /** Every alert's hold has ended: the group is complete as far as anyone can tell, and can go out. */
  readonly ripe: boolean;
  readonly alerts: readonly { readonly eventId: string; readonly alert: StoredAlert }[];
}

/** How many entities a digest message names; the rest are in the read API. */
export const DIGEST_NAMED_ENTITIES = 10;

/** The digest a held alert may be part of: its WABA, kind and window. */
export const digestIdOfAlert = (alert: StoredAlert) =>
  digestIdOf(alert.wabaId, alert.kind, alert.digestWindow ?? alert.heldUntil ?? '');

/**
 * Groups held alerts by WABA, kind and window; a group is ripe once every alert's hold ended by `heldUntilBy`
 * (ISO-8601). Only ripe groups go out, so a delivery still being applied is never split.
 */
export function heldGroupsOf(
  events: readonly { readonly eventId: string; readonly alerts: readonly StoredAlert[] }[],
  heldUntilBy: string,
): HeldGroup[] {
  type Building = { -readonly [K in keyof HeldGroup]: HeldGroup[K] } & {
    alerts: { eventId: string; alert: StoredAlert }[];
  };
  const groups = new Map<string, Building>();
  for (const { eventId, alerts } of events) {
    for (const alert of alerts) {
      if (alert.heldUntil === undefined) continue;
      const id = digestIdOfAlert(alert);
      const group: Building = groups.get(id) ?? {
        id,
        wabaId: alert.wabaId,
        kind: alert.kind,
        window: alert.digestWindow ?? alert.heldUntil,
        ripe: true,
        alerts: [],
      };
      group.alerts.push({ eventId, alert });
      if (alert.heldUntil > heldUntilBy) group.ripe = false;
      groups.set(id, group);
    }
  }
  for (const group of groups.values()) group.alerts.sort((a, b) => compare(a.alert, b.alert));
  return [...groups.values()];
}

const compare = (a: StoredAlert, b: StoredAlert) =>
  a.eventTime - b.eventTime || (a.entityId < b.entityId ? -1 : a.entityId > b.entityId ? 1 : 0);

/** The same WABA, kind and window always give the same digest: a second sweep finds the first one's. */
export function digestIdOf(wabaId: string, kind: string, window: string): string {
  return createHash('sha256').update(`digest|${wabaId}|${kind}|${window}`).digest('hex').slice(0, 32);
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
