import { createHash } from 'node:crypto';
import { canonicalJson } from './canonical-json.ts';
import type { EventSource } from './quality-event.ts';

export interface EventIdentityInput {
  readonly source: EventSource;
  readonly wabaId: string;
  readonly field: string;
  /** `entry.time` in seconds as sent, or null when Meta sent none (then redeliveries still collapse). */
  readonly entryTime: number | null;
  readonly value: unknown;
  /** Distinguishes several events derived from one change (e.g. the portfolio limit of a phone update). */
  readonly facet?: string;
}

/**
 * Quality webhooks carry no event id, so one is derived from what identifies the change (meta-facts.md
 * quirk 15): the same change gets the same id from any retry, duplicate app delivery or SQS redelivery.
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
  return createHash('sha256').update(material).digest('hex').slice(0, 32);
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
