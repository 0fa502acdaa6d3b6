import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TrafficContentionError, TrafficProcessor } from '../../../functions/processor/traffic-processor.ts';
import type { TrafficBatch, TrafficFact } from '../../../shared/traffic/traffic-facts.ts';
import { InMemoryTrafficStore } from '../../support/in-memory-traffic-store.ts';
import { recordingCounters, recordingLogger } from '../../support/recorders.ts';

const PHONE = '102290129340398:15550783881';
const DAY = Date.UTC(2026, 10, 25) / 1000;

function processorOn(store: InMemoryTrafficStore) {
  return new TrafficProcessor({
    store,
    logger: recordingLogger(),
    counters: recordingCounters(),
    backoff: async () => {},
  });
}

const batchOf = (facts: readonly TrafficFact[], id = 'b'): TrafficBatch => ({
  kind: 'traffic',
  source: 'webhook',
  id,
  facts,
});

/** A day of traffic on one number: customers writing, the business answering, statuses, opt-outs. */
const dayOfTraffic = fc
  .array(
    fc.record({
      customer: fc.constantFrom('c1', 'c2', 'c3', 'c4'),
      inbound: fc.array(fc.integer({ min: 0, max: 86_399 }), { maxLength: 4 }),
      outbound: fc.array(
        fc.record({
          sentAt: fc.integer({ min: 0, max: 86_000 }),
          statuses: fc.subarray(['sent', 'delivered', 'read', 'failed'] as const, { minLength: 1 }),
          code: fc.constantFrom(131049, 131050, 131026, 131048),
          category: fc.constantFrom(undefined, 'marketing', 'utility'),
        }),
        { maxLength: 4 },
      ),
      stops: fc.array(fc.integer({ min: 0, max: 86_399 }), { maxLength: 2 }),
    }),
    { minLength: 1, maxLength: 6 },
  )
  .map((conversations) => {
    const facts: TrafficFact[] = [];
    conversations.forEach((conversation, index) => {
      const c = conversation.customer;
      for (const [i, t] of conversation.inbound.entries())
        facts.push({ k: 'inbound', p: PHONE, c, m: `in-${index}-${i}`, t: DAY + t });
      for (const [i, message] of conversation.outbound.entries()) {
        for (const [step, status] of message.statuses.entries()) {
          facts.push({
            k: 'status',
            p: PHONE,
            c,
            m: `out-${index}-${i}`,
            s: status,
            t: DAY + message.sentAt + step * 200,
            ...(status === 'failed' ? { e: [message.code] } : {}),
            ...(message.category && status !== 'failed' ? { pc: message.category } : {}),
          });
        }
      }
      for (const t of conversation.stops)
        facts.push({ k: 'preference', p: PHONE, c, v: 'stop', cat: 'marketing_messages', t: DAY + t });
    });
    return facts;
  });

/** The facts shuffled, some delivered twice or more, cut into batches. */
const deliveredAs = (facts: readonly TrafficFact[]) =>
  fc
    .tuple(
      fc.shuffledSubarray([...facts.keys()], { minLength: facts.length, maxLength: facts.length }),
      fc.array(fc.nat({ max: Math.max(0, facts.length - 1) }), { maxLength: facts.length }),
      fc.array(fc.integer({ min: 1, max: 8 }), { minLength: 1, maxLength: 20 }),
    )
    .map(([order, duplicates, sizes]) => {
      // Each duplicate goes right after the fact at its position: before or after the original.
      const stream = order.map((i) => facts[i] as TrafficFact);
      for (const at of duplicates) stream.splice(at, 0, facts[at] as TrafficFact);
      const batches: TrafficFact[][] = [];
      let at = 0;
      for (let i = 0; at < stream.length; i += 1) {
        const size = sizes[i % sizes.length] ?? 1;
        batches.push(stream.slice(at, at + size));
        at += size;
      }
      return batches;
    });

/** As SQS does: a batch that lost too many races is delivered again. */
async function processUntilDone(processor: TrafficProcessor, batch: TrafficBatch): Promise<void> {
  for (;;) {
    try {
      await processor.process(batch);
      return;
    } catch (error) {
      if (!(error instanceof TrafficContentionError)) throw error;
    }
  }
}

async function countersAfterOneBatch(facts: readonly TrafficFact[]) {
  const store = new InMemoryTrafficStore();
  await processorOn(store).process(batchOf(facts));
  return store.countersOf(PHONE);
}

describe('traffic counters do not depend on delivery order or duplicates', () => {
  it('any permutation and duplication of a day, in any batches, gives the same counts and response times', async () => {
    await fc.assert(
      fc.asyncProperty(
        dayOfTraffic.chain((facts) => fc.tuple(fc.constant(facts), deliveredAs(facts), fc.boolean())),
        async ([facts, batches, interleave]) => {
          const expected = await countersAfterOneBatch(facts);
          const store = new InMemoryTrafficStore();
          const processor = processorOn(store);
          if (interleave) {
            // Concurrent processors: commits interleave, conflicts are retried.
            store.beforeCommit = () => new Promise((resolve) => setImmediate(resolve));
            await Promise.all(
              batches.map((facts, i) => processUntilDone(processor, batchOf(facts, `b${i}`))),
            );
          } else {
            for (const [i, facts] of batches.entries()) await processor.process(batchOf(facts, `b${i}`));
          }
          expect(store.countersOf(PHONE)).toEqual(expected);
        },
      ),
      { numRuns: 150 },
    );
  });
});

describe('what a day of traffic counts', () => {
  const H10 = Date.UTC(2026, 10, 25, 10) / 1000;
  const facts: TrafficFact[] = [
    { k: 'inbound', p: PHONE, c: 'alice', m: 'q1', t: H10 },
    { k: 'status', p: PHONE, c: 'alice', m: 'a1', s: 'sent', t: H10 + 90, pc: 'service' },
    { k: 'status', p: PHONE, c: 'alice', m: 'a1', s: 'delivered', t: H10 + 95, pc: 'service' },
    { k: 'status', p: PHONE, c: 'alice', m: 'a1', s: 'read', t: H10 + 300 },
    { k: 'status', p: PHONE, c: 'bob', m: 'p1', s: 'failed', t: H10 + 600, e: [131049] },
    { k: 'preference', p: PHONE, c: 'bob', v: 'stop', cat: 'marketing_messages', t: H10 + 700 },
  ];

  it('counts statuses, failures by code, billed categories, response times and opt-outs', async () => {
    expect(await countersAfterOneBatch(facts)).toEqual({
      'DAY#2026-11-25 preference:marketing_messages:stop': 1,
      'HOUR#2026-11-25T10 error:131049': 1,
      'HOUR#2026-11-25T10 first:count': 1,
      'HOUR#2026-11-25T10 first:le:120': 1,
      'HOUR#2026-11-25T10 first:sum': 90,
      'HOUR#2026-11-25T10 pricing:service': 1,
      'HOUR#2026-11-25T10 response:count': 1,
      'HOUR#2026-11-25T10 response:le:120': 1,
      'HOUR#2026-11-25T10 response:sum': 90,
      'HOUR#2026-11-25T10 status:delivered': 1,
      'HOUR#2026-11-25T10 status:failed': 1,
      'HOUR#2026-11-25T10 status:read': 1,
      'HOUR#2026-11-25T10 status:sent': 1,
    });
  });

  it('a redelivered batch writes nothing, and changes no counter for the early warnings to judge', async () => {
    const store = new InMemoryTrafficStore();
    const processor = processorOn(store);
    const first = await processor.process(batchOf(facts));
    expect(first.changedCounters.size).toBeGreaterThan(0);
    const writes = store.itemWrites;
    expect(await processor.process(batchOf(facts))).toEqual({
      ledgersWritten: 0,
      changedCounters: new Map(),
    });
    expect(store.itemWrites).toBe(writes);
  });

  it('a late, earlier reply moves the response time (the sample is replaced, not added)', async () => {
    const store = new InMemoryTrafficStore();
    const processor = processorOn(store);
    await processor.process(batchOf(facts));
    // A reply sent 30 s after the question, whose status arrives last.
    await processor.process(
      batchOf([{ k: 'status', p: PHONE, c: 'alice', m: 'a0', s: 'sent', t: H10 + 30 }]),
    );
    const counters = store.countersOf(PHONE);
    expect(counters['HOUR#2026-11-25T10 response:count']).toBe(1);
    expect(counters['HOUR#2026-11-25T10 response:sum']).toBe(30);
    expect(counters['HOUR#2026-11-25T10 response:le:120']).toBeUndefined();
    expect(counters['HOUR#2026-11-25T10 response:le:30']).toBe(1);
  });
});
