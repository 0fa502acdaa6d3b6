import * as z from 'zod/mini';
import type { TrafficBatch } from '../../shared/traffic/traffic-facts.ts';
import { factOfWire } from '../../shared/traffic/traffic-wire.ts';
import { InvalidQueueMessageError, problemsOf } from './invalid-queue-message.ts';

const seconds = z.number().check(z.int(), z.positive());
const id = z.string().check(z.minLength(1));
const phoneIndex = z.number().check(z.int(), z.nonnegative());
/** The compact form the ingest sends (`shared/traffic/traffic-wire.ts`). */
const wireFact = z.union([
  z.tuple([
    z.literal('s'),
    phoneIndex,
    id,
    id,
    id,
    seconds,
    z.optional(z.nullable(z.string())),
    z.optional(z.array(z.number().check(z.int()))),
  ]),
  z.tuple([z.literal('i'), phoneIndex, id, id, seconds]),
  z.tuple([z.literal('p'), phoneIndex, id, id, z.string(), seconds]),
]);
/**
 * The object form the ingest sent before the compact one: still read, so that batches queued (or dead-lettered)
 * across the deployment that changed the form are applied, not lost.
 */
const objectFact = z.discriminatedUnion('k', [
  z.strictObject({
    k: z.literal('status'),
    p: id,
    c: id,
    m: id,
    s: id,
    t: seconds,
    e: z.optional(z.array(z.number().check(z.int()))),
    pc: z.optional(z.string()),
  }),
  z.strictObject({ k: z.literal('inbound'), p: id, c: id, m: id, t: seconds }),
  z.strictObject({ k: z.literal('preference'), p: id, c: id, v: id, cat: z.string(), t: seconds }),
]);
/** The form queued before the facts were sealed: their customers and messages are pseudonyms already. */
const pseudonymousBatch = z.strictObject({
  kind: z.literal('traffic'),
  source: z.literal('webhook'),
  id,
  phones: z.optional(z.array(id)),
  facts: z.array(z.union([wireFact, objectFact])),
});
/** The form the ingest sends (`shared/traffic/traffic-wire.ts`): the facts' lines, sealed. */
const sealedBatch = z.strictObject({
  kind: z.literal('traffic'),
  source: z.literal('webhook'),
  id,
  phones: z.array(id),
  sealed: id,
});

/** A traffic batch as queued: sealed (opened with the traffic key's keys), or with pseudonyms already. */
export type QueuedTrafficBatch =
  | {
      readonly form: 'sealed';
      readonly id: string;
      readonly phones: readonly string[];
      readonly sealed: string;
    }
  | { readonly form: 'pseudonymous'; readonly batch: TrafficBatch };

/** Validates a traffic batch from the queue; throws with the failing paths, never the values. */
export function trafficBatchOf(message: unknown): QueuedTrafficBatch {
  if (typeof message === 'object' && message !== null && 'sealed' in message) {
    const sealed = sealedBatch.safeParse(message);
    if (!sealed.success)
      throw new InvalidQueueMessageError(
        'shape',
        `message is not a sealed traffic batch (${problemsOf(sealed.error)})`,
      );
    return { form: 'sealed', id: sealed.data.id, phones: sealed.data.phones, sealed: sealed.data.sealed };
  }
  return { form: 'pseudonymous', batch: pseudonymousBatchOf(message) };
}

function pseudonymousBatchOf(message: unknown): TrafficBatch {
  const parsed = pseudonymousBatch.safeParse(message);
  if (!parsed.success) {
    throw new InvalidQueueMessageError(
      'shape',
      `message is not a traffic batch (${problemsOf(parsed.error)})`,
    );
  }
  const { kind, source, id: batchId, phones = [], facts } = parsed.data;
  const unknownPhone = facts.findIndex((fact) => Array.isArray(fact) && phones[fact[1]] === undefined);
  if (unknownPhone >= 0)
    throw new InvalidQueueMessageError(
      'shape',
      `message is not a traffic batch (facts.${unknownPhone}.1: no such phone in phones)`,
    );
  return {
    kind,
    source,
    id: batchId,
    facts: facts.map((fact) => (Array.isArray(fact) ? factOfWire(fact, phones) : fact)),
  };
}
