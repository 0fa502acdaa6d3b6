import { createHmac } from 'node:crypto';
import { TrafficCollector } from '../functions/ingest/traffic-collector.ts';
import { trafficBatchOf } from '../functions/processor/traffic-message.ts';
import { openTrafficBatch, TrafficKeyring } from '../functions/processor/traffic-opening.ts';
import { TrafficProcessor } from '../functions/processor/traffic-processor.ts';
import type { TrafficFact } from '../shared/traffic/traffic-facts.ts';
import { metaSignatureOf } from '../shared/webhook/signature.ts';
import { apiGatewayEvent } from '../test/support/api-gateway-events.ts';
import { InMemoryTrafficStore } from '../test/support/in-memory-traffic-store.ts';
import { webhookBody } from '../test/support/webhook-builders.ts';
import { BENCH_APP_SECRET, BENCH_TRAFFIC_KEY, benchIngestHandler, QUIET } from './bench-setup.ts';
import { fixed, microsPerCallInterleaved, printTable } from './measure.ts';
import { benchTrafficWarningReads } from './traffic-warning-reads.ts';

const ingest = (tracking: boolean) => benchIngestHandler({ tracking });

const STATUSES_PER_DELIVERY = 100;

interface BenchStatus {
  readonly message: number;
  readonly status: 'sent' | 'delivered' | 'read' | 'failed';
}

/** A delivery of statuses as Meta batches them, with pricing on the sent ones and 131049 on the failed. */
function deliveryBody(statuses: readonly BenchStatus[], at: number): string {
  return webhookBody({
    field: 'messages',
    time: 1_764_064_900 + at,
    value: {
      messaging_product: 'whatsapp',
      metadata: { display_phone_number: '15550783881', phone_number_id: '106540352242922' },
      statuses: statuses.map(({ message, status }, i) => ({
        // A wamid's shape (it encodes the recipient), unique per message.
        id: `wamid.HBgLMTY1MDM4Nzk0MzkVAgARGBI${String(message).padStart(9, '0')}QkE4OTJBMTE4RTUA`,
        status,
        timestamp: String(1_764_064_800 + at + i),
        recipient_id: `1650${String(message).padStart(7, '0')}`,
        ...(status === 'failed'
          ? {
              errors: [
                {
                  code: 131049,
                  title: 'This message was not delivered to maintain healthy ecosystem engagement.',
                },
              ],
            }
          : { pricing: { billable: true, pricing_model: 'PMP', category: 'marketing', type: 'regular' } }),
      })),
    },
  });
}

/**
 * Fresh deliveries, every status about a message (and customer) of its own: each call parses new text and hashes
 * new ids, as a busy number's deliveries do (a bench repeating one delivery would measure warm caches).
 */
function distinctDeliveries(count: number): string[] {
  return Array.from({ length: count }, (_, d) =>
    deliveryBody(
      Array.from({ length: STATUSES_PER_DELIVERY }, (_, i) => ({
        message: d * STATUSES_PER_DELIVERY + i,
        status: i % 10 === 9 ? 'failed' : ((['sent', 'delivered', 'read'] as const)[i % 3] ?? 'sent'),
      })),
      d,
    ),
  );
}

/** Calls a handler with the next delivery of `bodies` each time (each handler has its own place in the list). */
function cycling(bodies: readonly string[], handler: (event: never) => unknown) {
  const events = bodies.map((body) =>
    apiGatewayEvent({
      method: 'POST',
      body,
      headers: { 'x-hub-signature-256': metaSignatureOf(body, BENCH_APP_SECRET) },
    }),
  );
  let next = 0;
  return () => handler(events[next++ % events.length] as never);
}

/** Message traffic for the processor: `messages` outbound messages of 3 statuses each, one customer each. */
function statusFacts(messages: number): TrafficFact[] {
  const facts: TrafficFact[] = [];
  for (let i = 0; i < messages; i += 1) {
    for (const [step, s] of ['sent', 'delivered', 'read'].entries())
      facts.push({
        k: 'status',
        p: 'w:1',
        c: `c${i}`,
        m: `m${i}`,
        s,
        t: 1_764_064_800 + i + step * 60,
        pc: 'marketing',
      });
  }
  return facts;
}

/** DynamoDB on-demand list prices (us-east-1, USD): $0.625 per million write units, $0.125 per million reads. */
const WRITE_UNIT_USD = 0.625 / 1e6;
const READ_UNIT_USD = 0.125 / 1e6;

export async function benchTrafficCost(): Promise<void> {
  // 1,500 distinct deliveries, cycled: each handler sees a delivery again only after 1,499 others (nothing in the
  // ingest remembers ids, so a cycle this long measures what a stream of fresh deliveries costs). Long rounds and a
  // warm-up of 1,000 calls each, so that the ratio is the optimized code's and not the JIT's (runs of 200 calls
  // after 20 of warm-up gave ratios 0.2 apart on the same code).
  const iterations = 500;
  const bodies = distinctDeliveries(1500);
  const off = ingest(false);
  const on = ingest(true);
  for (const handler of [off, on]) {
    const check = await cycling([bodies[0] ?? ''], handler)();
    if ((check as { statusCode: number }).statusCode !== 200) throw new Error('bench payload rejected');
  }
  // Where the keyed hashes went: the processor opens each sealed batch and hashes its ids, off the answer path.
  const keyring = new TrafficKeyring({
    value: async () => BENCH_TRAFFIC_KEY,
    refresh: async () => undefined,
  });
  const queued = bodies.map((body, d) => {
    const collector = new TrafficCollector(BENCH_TRAFFIC_KEY);
    const change = JSON.parse(body).entry[0].changes[0];
    collector.collect(change.field, change.value, '102290129340398');
    return JSON.stringify(collector.batches(`bench-${d}`)[0]);
  });
  let floorAt = 0;
  let openAt = 0;
  const measured = [
    () => {
      const body = bodies[floorAt++ % bodies.length] ?? '';
      createHmac('sha256', BENCH_APP_SECRET).update(Buffer.from(body)).digest();
      JSON.parse(body);
    },
    cycling(bodies, off),
    cycling(bodies, on),
    () => openTrafficBatch(trafficBatchOf(JSON.parse(queued[openAt++ % queued.length] ?? '')), keyring),
  ];
  for (const fn of measured) for (let i = 0; i < 1000; i += 1) await fn();
  const [floor = 0, offCost = 0, onCost = 0, openCost = 0] = await microsPerCallInterleaved(measured, {
    iterations,
    rounds: 9,
  });
  const rows = [
    {
      'tracking off µs': fixed(offCost),
      'tracking on µs': fixed(onCost),
      'on ÷ off (target ≤ 1.5)': fixed(onCost / offCost, 2),
      'floor µs (HMAC + JSON.parse)': fixed(floor),
      'processor: read, open, 200 keyed hashes µs': fixed(openCost),
    },
  ];
  printTable('Message tracking: ingest cost of a 100-status delivery', rows);

  // Writes per 1,000 statuses: Meta usually sends one status per delivery (one queue message each); a busy
  // number's deliveries carry many. Each committed item of a transaction costs 2 write units (items < 1 KB).
  const writeRows = [];
  for (const perBatch of [1, 10, 100]) {
    const store = new InMemoryTrafficStore();
    const processor = new TrafficProcessor({ store, ...QUIET });
    const facts = statusFacts(1000 / 3 + 1).slice(0, 1000);
    let reads = 0;
    const read = store.readLedgers.bind(store);
    store.readLedgers = async (keys) => {
      reads += keys.length;
      return read(keys);
    };
    for (let at = 0; at < facts.length; at += perBatch)
      await processor.process({
        kind: 'traffic',
        source: 'webhook',
        id: `b${at}`,
        facts: facts.slice(at, at + perBatch),
      });
    const writeUnits = store.itemWrites * 2;
    // A message is 3 statuses: cost per million messages = per 1,000 statuses × 3,000.
    writeRows.push({
      'statuses per queue message': perBatch,
      'TransactWriteItems requests': store.commits,
      'items written': store.itemWrites,
      'write units': writeUnits,
      'ledger reads': reads,
      'USD per million messages (DynamoDB)': fixed(
        (writeUnits * WRITE_UNIT_USD + reads * READ_UNIT_USD) * 3000,
        2,
      ),
    });
  }
  printTable('Message tracking: processor DynamoDB writes per 1,000 statuses', writeRows);
  await benchTrafficWarningReads();
}
