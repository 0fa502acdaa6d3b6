import type { EntityRef, EventSource } from '../events/quality-event.ts';

/** One attribute of one entity changing value because of one event: what history records and alerts read. */
export interface Transition {
  /** `${eventId}:${attribute}`: an event changes an attribute at most once. */
  readonly id: string;
  readonly entity: EntityRef;
  readonly wabaId: string;
  /** Attribute path, e.g. `qualityScore` or `accountAlerts.OBA_APPROVED`. */
  readonly attribute: string;
  /** null when the attribute was not known before. */
  readonly from: unknown;
  readonly to: unknown;
  readonly eventId: string;
  readonly eventTime: number;
  readonly source: EventSource;
  readonly isTest: boolean;
}
