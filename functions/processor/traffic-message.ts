import * as z from 'zod/mini';
import type { TrafficBatch } from '../../shared/traffic/traffic-facts.ts';

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

/** Whether a parsed queue message claims to be a traffic batch (then it must validate as one). */
export function isTrafficMessage(message: unknown): boolean {
  return (
    typeof message === 'object' && message !== null && (message as { kind?: unknown }).kind === 'traffic'
  );
}

/** Validates a traffic batch from the queue; throws with the failing paths, never the values. */
export function trafficBatchOf(message: unknown): TrafficBatch {
  const parsed = trafficBatch.safeParse(message);
  if (!parsed.success) {
    const problems = parsed.error.issues.map(
      (issue) => `${issue.path.join('.') || 'message'}: ${issue.message}`,
    );
    throw new Error(`message is not a traffic batch (${problems.slice(0, 5).join('; ')})`);
  }
  return parsed.data;
}
