import { hash } from 'node:crypto';
import { canonicalJson } from './canonical-json.ts';
import type { EventSource } from './quality-event.ts';

export interface EventIdentityInput {
  readonly source: EventSource;
  readonly wabaId: string;
  readonly field: string;
  /**
   * `entry.time` in seconds as sent, or null when Meta sent none (then redeliveries still collapse); for a poll,
   * the time of the answer in milliseconds.
   */
  readonly entryTime: number | null;
  readonly value: unknown;
  /** Distinguishes several events derived from one change (e.g. the portfolio limit of a phone update). */
  readonly facet?: string;
}

/**
 * Quality webhooks carry no event id, so one is derived from what identifies the change (docs/meta-webhooks.md
 * quirk 15): the same change gets the same id from any retry, duplicate app delivery or SQS redelivery.
 * The value is serialized canonically (keys sorted at every level, no whitespace): Meta does not promise a key
 * order, and a resend with its keys in another order is the same change (a second id counted a second pause).
 */
export function eventIdOf(input: EventIdentityInput): string {
  const material = canonicalJson([
    input.source,
    input.wabaId,
    input.field,
    input.entryTime,
    input.facet ?? null,
    input.value,
  ]);
  // One-shot hash(): no Hash object per event (Node 20.12+).
  return hash('sha256', material, 'hex').slice(0, 32);
}

/**
 * A totally ordered, string-comparable position of an event: event time first, the id breaking ties. Strings
 * compare the same way in JavaScript and in DynamoDB condition expressions.
 */
export type EventVersion = string;

export function eventVersionOf(event: { readonly eventTime: number; readonly id: string }): EventVersion {
  return `${String(Math.max(0, Math.trunc(event.eventTime))).padStart(15, '0')}#${event.id}`;
}

export function eventTimeOfVersion(version: EventVersion): number {
  return Number(version.slice(0, version.indexOf('#')));
}
