import * as z from 'zod/mini';
import type { TrafficBatch } from '../../shared/traffic/traffic-facts.ts';
import { InvalidQueueMessageError, problemsOf } from './invalid-queue-message.ts';

const seconds = z.number().check(z.int(), z.positive());
const id = z.string().check(z.minLength(1));
const fact = z.discriminatedUnion('k', [
  z.object({
    k: z.literal('status'),
    p: id,
    c: id,
    m: id,
    s: id,
    t: seconds,
    e: z.optional(z.array(z.number().check(z.int()))),
    pc: z.optional(z.string()),
  }),
  z.object({ k: z.literal('inbound'), p: id, c: id, m: id, t: seconds }),
  z.object({ k: z.literal('preference'), p: id, c: id, v: id, cat: z.string(), t: seconds }),
]);
const trafficBatch = z.object({
  kind: z.literal('traffic'),
  source: z.literal('webhook'),
  id,
  facts: z.array(fact),
});

/** Validates a traffic batch from the queue; throws with the failing paths, never the values. */
export function trafficBatchOf(message: unknown): TrafficBatch {
  const parsed = trafficBatch.safeParse(message);
  if (!parsed.success) {
    throw new InvalidQueueMessageError(
      'shape',
      `message is not a traffic batch (${problemsOf(parsed.error)})`,
    );
  }
  return parsed.data;
}
