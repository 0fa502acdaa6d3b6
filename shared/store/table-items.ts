import type { StoredAlert } from '../alerts/alert.ts';
import { eventVersionOf } from '../events/event-identity.ts';
import type { EntityKind, EntityRef, QualityEvent } from '../events/quality-event.ts';
import type { Incident, IncidentLedger } from '../incidents/incident-ledger.ts';
import type { EntityState } from '../state/entity-state.ts';
import type { ApplyOutcome } from '../state/merge-attributes.ts';
import type { Transition } from '../state/transition.ts';
import { TABLE_SCHEMA } from './table-schema.ts';

/**
 * The single-table design (README, "Data model"). Every item has `pk` and `sk`; listings go through one GSI
 * (`gsi1pk`, `gsi1sk`):
 *
 * | item    | pk                         | sk                              | gsi1pk       | gsi1sk              |
 * |---------|----------------------------|---------------------------------|--------------|---------------------|
 * | state   | ENTITY#{kind}#{entityId}   | STATE                           | {kind}       | {entityId}          |
 * | history | ENTITY#{kind}#{entityId}   | HISTORY#{eventTime}#{eventId}   |              |                     |
 * | event   | EVENT#{eventId}            | EVENT                           |              |                     |
 * | alert   | ALERT#{alertId}            | ALERT                           | alert        | {createdAt}#{id}    |
 * | event owing alerts | (as event)      | EVENT                           | owed-alerts  | {processedAt}#{id}  |
 * | event holding alerts for a digest | (as event) | EVENT             | held-alerts  | {heldUntil}#{id}    |
 * | incident | ENTITY#{kind}#{entityId}  | INCIDENT#{openedVersion}#{concern} | incident#open / incident#resolved | {openedAt}#{id} |
 * | digest  | DIGEST#{digestId}          | DIGEST                          | digest       | {createdAt}#{id}    |
 *
 * The event item is the idempotency marker and the outbox of alerts not yet published. While it owes alerts it
 * is listed under `owed-alerts` (a sparse index entry, removed with the last alert), so that the owed-alerts
 * sweep finds what a message that left the queue still owes without a scan.
 */
export const STATE_SK = 'STATE';
export const EVENT_SK = 'EVENT';
export const ALERT_SK = 'ALERT';
export const HISTORY_PREFIX = 'HISTORY#';
export const ALERT_INDEX_PK = 'alert';
export const OWED_ALERTS_INDEX_PK = 'owed-alerts';
/** Events whose alerts wait for their digest window to close (the sweep flushes them). */
export const HELD_ALERTS_INDEX_PK = 'held-alerts';
export const INCIDENT_PREFIX = 'INCIDENT#';
export const INCIDENT_INDEX_PK = { open: 'incident#open', resolved: 'incident#resolved' } as const;
export const DIGEST_SK = 'DIGEST';
export const FLAP_SK = 'FLAP';
/** Flapping concerns the sweep checks for settling, by when to check next. */
export const FLAPPING_INDEX_PK = 'flapping';
export const flapPk = (entity: EntityRef, concern: string) => `FLAP#${entityPk(entity)}#${concern}`;
export const DIGEST_INDEX_PK = 'digest';
export const GSI1 = TABLE_SCHEMA.gsi1.name;

export const entityPk = (entity: EntityRef) => `ENTITY#${entity.kind}#${entity.id}`;
export const eventPk = (eventId: string) => `EVENT#${eventId}`;
export const alertPk = (alertId: string) => `ALERT#${alertId}`;
export const digestPk = (digestId: string) => `DIGEST#${digestId}`;
/**
 * History sorts by event version, the same position the state machine orders events by: the newest-first
 * listing and a time range read then agree with what the state says came last.
 */
export const historySk = (event: Pick<QualityEvent, 'eventTime' | 'id'>) =>
  `${HISTORY_PREFIX}${eventVersionOf(event)}`;

export interface StateItem {
  readonly pk: string;
  readonly sk: typeof STATE_SK;
  readonly gsi1pk: EntityKind;
  readonly gsi1sk: string;
  readonly itemType: 'state';
  /** Optimistic concurrency: every write of the state increments it, conditioned on the value read. */
  readonly revision: number;
  readonly state: EntityState;
  /** What each event said about the entity's concerns: its incidents are derived from it (incident-ledger.ts). */
  readonly incidents?: IncidentLedger;
}

export interface HistoryItem {
  readonly pk: string;
  readonly sk: string;
  readonly itemType: 'history';
  readonly eventId: string;
  readonly eventKind: QualityEvent['kind'];
  readonly source: QualityEvent['source'];
  readonly field: string;
  readonly eventTime: number;
  readonly isTest: boolean;
  readonly outcome: ApplyOutcome;
  readonly transitions: readonly { attribute: string; from: unknown; to: unknown }[];
  /**
   * Meta's value as JSON text, not a native map: a map refuses what valid JSON allows (a `constructor` key,
   * numbers past 2^53, lone surrogates, nesting deeper than 32), and an event the processor cannot store is lost
   * after the ingest answered 200. `JSON.stringify` escapes lone surrogates, so the text is always valid UTF-8.
   */
  readonly rawJson?: string;
  /** Items written before `rawJson` hold the value as a map; read with `rawValueOf`. */
  readonly raw?: unknown;
  readonly recordedAt: string;
  readonly expiresAt?: number;
}

export interface EventItem {
  readonly pk: string;
  readonly sk: typeof EVENT_SK;
  readonly itemType: 'event';
  readonly entityPk: string;
  readonly historySk: string;
  readonly processedAt: string;
  /** Alerts committed with this event and not yet confirmed published, by alert id (each removed once sent). */
  readonly pendingAlerts?: Readonly<Record<string, StoredAlert>>;
  /**
   * Epoch ms at which a processor claimed the pending alerts to publish them. While the claim is fresh, no other
   * processor publishes them (two copies of one event processed at once must not alert twice).
   */
  readonly alertsClaimedAt?: number;
  /** ISO-8601 time the outbox was finished: the last owed alert went out (or a digest covered it). */
  readonly alertsPublishedAt?: string;
  /** Present while alerts are owed: the owed-alerts listing (held-alerts while some wait for a digest). */
  readonly gsi1pk?: typeof OWED_ALERTS_INDEX_PK | typeof HELD_ALERTS_INDEX_PK;
  readonly gsi1sk?: string;
  readonly expiresAt?: number;
}

export interface IncidentItem extends Incident {
  readonly pk: string;
  readonly sk: string;
  readonly gsi1pk: (typeof INCIDENT_INDEX_PK)[keyof typeof INCIDENT_INDEX_PK];
  readonly gsi1sk: string;
  readonly itemType: 'incident';
  readonly expiresAt?: number;
}

/** A concern that is flapping: the sweep sends one summary once it settled (flap-summaries.ts). */
export interface FlapItem {
  readonly pk: string;
  readonly sk: typeof FLAP_SK;
  /** Present until the summary is out. */
  readonly gsi1pk?: typeof FLAPPING_INDEX_PK;
  readonly gsi1sk?: string;
  readonly itemType: 'flap';
  readonly entityKind: EntityKind;
  readonly entityId: string;
  readonly wabaId: string;
  readonly entityLabel: string;
  readonly concern: string;
  readonly label: string;
  readonly since: number;
  readonly claimedAt?: number;
  readonly summarizedAt?: string;
}

export function flapItemOf(
  state: { readonly kind: EntityKind; readonly id: string; readonly wabaId: string },
  flap: { concern: string; label: string; entityLabel: string; since: number },
  checkAt: string,
): FlapItem {
  const pk = flapPk({ kind: state.kind, id: state.id }, flap.concern);
  return {
    pk,
    sk: FLAP_SK,
    gsi1pk: FLAPPING_INDEX_PK,
    gsi1sk: `${checkAt}#${pk}`,
    itemType: 'flap',
    entityKind: state.kind,
    entityId: state.id,
    wabaId: state.wabaId,
    entityLabel: flap.entityLabel,
    concern: flap.concern,
    label: flap.label,
    since: flap.since,
  };
}

/** One message that stood for many alerts of one kind in one WABA within one window. */
export interface DigestItem {
  readonly pk: string;
  readonly sk: typeof DIGEST_SK;
  readonly gsi1pk: typeof DIGEST_INDEX_PK;
  readonly gsi1sk: string;
  readonly itemType: 'digest';
  readonly id: string;
  readonly wabaId: string;
  readonly kind: string;
  /** Start of the window (event time) its alerts' events fall in. */
  readonly window: string;
  readonly count: number;
  readonly alertIds: readonly string[];
  readonly entityIds: readonly string[];
  readonly createdAt: string;
  /** Epoch ms of the claim of the sweep publishing it. */
  readonly claimedAt?: number;
  readonly publishedAt?: string;
}

export interface AlertItem extends StoredAlert {
  readonly pk: string;
  readonly sk: typeof ALERT_SK;
  readonly gsi1pk: typeof ALERT_INDEX_PK;
  readonly gsi1sk: string;
  readonly itemType: 'alert';
  readonly expiresAt?: number;
}

export function stateItemOf(state: EntityState, revision: number, incidents?: IncidentLedger): StateItem {
  const entity = { kind: state.kind, id: state.id };
  return {
    pk: entityPk(entity),
    sk: STATE_SK,
    gsi1pk: state.kind,
    gsi1sk: state.id,
    itemType: 'state',
    revision,
    state,
    ...(incidents && Object.keys(incidents).length > 0 ? { incidents } : {}),
  };
}

export const incidentSk = (incident: Pick<Incident, 'openedVersion' | 'concern'>) =>
  `${INCIDENT_PREFIX}${incident.openedVersion}#${incident.concern}`;

export function incidentItemOf(incident: Incident, expiresAt: number | undefined): IncidentItem {
  return {
    ...incident,
    pk: entityPk({ kind: incident.entityKind, id: incident.entityId }),
    sk: incidentSk(incident),
    gsi1pk: INCIDENT_INDEX_PK[incident.state],
    gsi1sk: `${new Date(incident.openedAt).toISOString()}#${incident.id}`,
    itemType: 'incident',
    // Open incidents stay until resolved, whatever the retention.
    ...(expiresAt === undefined || incident.state === 'open' ? {} : { expiresAt }),
  };
}

export function historyItemOf(
  event: QualityEvent,
  outcome: ApplyOutcome,
  transitions: readonly Transition[],
  recordedAt: string,
  expiresAt: number | undefined,
): HistoryItem {
  return {
    pk: entityPk(event.entity),
    sk: historySk(event),
    itemType: 'history',
    eventId: event.id,
    eventKind: event.kind,
    source: event.source,
    field: event.field,
    eventTime: event.eventTime,
    isTest: event.isTest,
    outcome,
    transitions: transitions.map(({ attribute, from, to }) => ({ attribute, from, to })),
    rawJson: JSON.stringify(event.raw) ?? 'null',
    recordedAt,
    ...(expiresAt === undefined ? {} : { expiresAt }),
  };
}

export function eventItemOf(
  event: QualityEvent,
  alerts: readonly StoredAlert[],
  processedAt: string,
  expiresAt: number | undefined,
): EventItem {
  return {
    pk: eventPk(event.id),
    sk: EVENT_SK,
    itemType: 'event',
    entityPk: entityPk(event.entity),
    historySk: historySk(event),
    processedAt,
    // The committing processor holds the claim on its alerts from the start.
    ...(alerts.length > 0
      ? {
          pendingAlerts: Object.fromEntries(alerts.map((alert) => [alert.id, alert])),
          // Alerts that all wait for a digest are the sweep's: no claim to give back.
          ...(alerts.some((alert) => alert.heldUntil === undefined)
            ? { alertsClaimedAt: Date.parse(processedAt) }
            : {}),
          ...owedListingOf(alerts, processedAt, event.id),
        }
      : {}),
    ...(expiresAt === undefined ? {} : { expiresAt }),
  };
}

/** Where the sweep finds an event that owes alerts: by when it was processed, or when its digest window ends. */
function owedListingOf(
  alerts: readonly StoredAlert[],
  processedAt: string,
  eventId: string,
): Pick<EventItem, 'gsi1pk' | 'gsi1sk'> {
  const heldUntil = alerts
    .map((alert) => alert.heldUntil)
    .filter((until): until is string => until !== undefined)
    .sort()[0];
  return heldUntil === undefined
    ? { gsi1pk: OWED_ALERTS_INDEX_PK, gsi1sk: `${processedAt}#${eventId}` }
    : { gsi1pk: HELD_ALERTS_INDEX_PK, gsi1sk: `${heldUntil}#${eventId}` };
}

export function alertItemOf(alert: StoredAlert, expiresAt: number | undefined): AlertItem {
  return {
    ...alert,
    pk: alertPk(alert.id),
    sk: ALERT_SK,
    gsi1pk: ALERT_INDEX_PK,
    gsi1sk: `${alert.createdAt}#${alert.id}`,
    itemType: 'alert',
    ...(expiresAt === undefined ? {} : { expiresAt }),
  };
}

/** Meta's value of a history item, as JSON: decoded from its text, or as stored by earlier versions. */
export function rawValueOf(item: Pick<HistoryItem, 'rawJson' | 'raw'>): unknown {
  return item.rawJson === undefined ? item.raw : JSON.parse(item.rawJson);
}
