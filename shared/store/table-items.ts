import type { Alert } from '../alerts/alert.ts';
import type { EntityKind, EntityRef, QualityEvent } from '../events/quality-event.ts';
import type { ApplyOutcome } from '../state/apply-event.ts';
import type { EntityState } from '../state/entity-state.ts';
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
export const GSI1 = TABLE_SCHEMA.gsi1.name;

export const entityPk = (entity: EntityRef) => `ENTITY#${entity.kind}#${entity.id}`;
export const eventPk = (eventId: string) => `EVENT#${eventId}`;
export const alertPk = (alertId: string) => `ALERT#${alertId}`;
export const historySk = (event: Pick<QualityEvent, 'eventTime' | 'id'>) =>
  `${HISTORY_PREFIX}${String(Math.max(0, Math.trunc(event.eventTime))).padStart(15, '0')}#${event.id}`;

export interface StateItem {
  readonly pk: string;
  readonly sk: typeof STATE_SK;
  readonly gsi1pk: EntityKind;
  readonly gsi1sk: string;
  readonly itemType: 'state';
  /** Optimistic concurrency: every write of the state increments it, conditioned on the value read. */
  readonly revision: number;
  readonly state: EntityState;
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
  /** Present while alerts are owed: the owed-alerts listing. */
  readonly gsi1pk?: typeof OWED_ALERTS_INDEX_PK;
  readonly gsi1sk?: string;
  readonly expiresAt?: number;
}

export interface StoredAlert extends Alert {
  readonly createdAt: string;
}

export interface AlertItem extends StoredAlert {
  readonly pk: string;
  readonly sk: typeof ALERT_SK;
  readonly gsi1pk: typeof ALERT_INDEX_PK;
  readonly gsi1sk: string;
  readonly itemType: 'alert';
  readonly expiresAt?: number;
}

export function stateItemOf(state: EntityState, revision: number): StateItem {
  const entity = { kind: state.kind, id: state.id };
  return {
    pk: entityPk(entity),
    sk: STATE_SK,
    gsi1pk: state.kind,
    gsi1sk: state.id,
    itemType: 'state',
    revision,
    state,
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
          alertsClaimedAt: Date.parse(processedAt),
          gsi1pk: OWED_ALERTS_INDEX_PK,
          gsi1sk: `${processedAt}#${event.id}`,
        }
      : {}),
    ...(expiresAt === undefined ? {} : { expiresAt }),
  };
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
