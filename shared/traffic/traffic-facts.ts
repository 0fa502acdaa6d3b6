/**
 * The few non-content facts the ingest keeps from Meta's `messages` and `user_preferences` webhooks when message
 * tracking is on (README, "Traffic signals"). No message text. The processor stores the message id and the customer
 * only as keyed hashes (`pseudonyms.ts`); the ingest queues them sealed (`traffic-lines.ts`, `sealed-text.ts`).
 * The short field names are those of the object form an early ingest queued, which the processor still reads.
 */

/** A status of a message the business sent: `sent`, `delivered`, `read`, `failed` (other values kept raw). */
export interface StatusFact {
  readonly k: 'status';
  /** Phone number entity id (the same as its quality state: `{wabaId}:{digits}`). */
  readonly p: string;
  /** Customer pseudonym; the message's when Meta named no recipient (the status then stands alone). */
  readonly c: string;
  /** Message pseudonym. */
  readonly m: string;
  readonly s: string;
  /** Meta's timestamp, epoch seconds. */
  readonly t: number;
  /** `errors[].code` of a failed status. */
  readonly e?: readonly number[];
  /** `pricing.category` (per-message pricing, 2025). */
  readonly pc?: string;
}

/** A message a customer sent to the business. */
export interface InboundFact {
  readonly k: 'inbound';
  readonly p: string;
  readonly c: string;
  readonly m: string;
  readonly t: number;
}

/** A customer stopped or resumed marketing messages (`user_preferences`, 2025). */
export interface PreferenceFact {
  readonly k: 'preference';
  readonly p: string;
  readonly c: string;
  /** `value`: `stop` or `resume` (others kept raw). */
  readonly v: string;
  /** `category`, e.g. `marketing_messages`. */
  readonly cat: string;
  readonly t: number;
}

export type TrafficFact = StatusFact | InboundFact | PreferenceFact;

/**
 * How facts name messages and customers: by their ids in the ingest (which seals them for the queue), by keyed
 * hashes in the processor (`pseudonyms.ts`).
 */
export interface TrafficIds {
  message(messageId: string): string;
  /** A customer of one business phone number: the BSUID when Meta sends it, else the phone number (wa_id). */
  customer(phoneEntityId: string, customerId: string): string;
}

/** The facts of one queue message (one webhook delivery), as the processor applies them. */
export interface TrafficBatch {
  readonly kind: 'traffic';
  readonly source: 'webhook';
  /** The ingest request id and the batch's index in it: for logs. */
  readonly id: string;
  readonly facts: readonly TrafficFact[];
}
