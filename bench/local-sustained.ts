import { postWebhook } from '../local/webhook-client.ts';
import { withLocalPipeline } from './bench-setup.ts';
import { transactionsPerSecond } from './local-floors.ts';
import { fixed, printTable } from './measure.ts';

const SECRET = 'bench-secret';
const WABA = '555000000000001';

/** One delivery of `count` template status changes, each for its own template: every event is a state change. */
export function templateDelivery(first: number, count: number, time: number): string {
  const changes = Array.from({ length: count }, (_, i) => ({
    field: 'message_template_status_update',
    value: {
      message_template_id: 8_000_000 + first + i,
      message_template_name: `bench_${first + i}`,
      message_template_language: 'en_US',
      event: 'APPROVED',
      reason: 'NONE',
    },
  }));
  return JSON.stringify({ object: 'whatsapp_business_account', entry: [{ id: WABA, time, changes }] });
}

/**
 * The local pipeline applying a backlog of `BENCH_SUSTAINED_EVENTS` (20,000) events, each a state change of its
 * own template: events/s over the whole backlog, and the time of the last 1,000 against the first 1,000, which
 * shows whether the emulator slows down as the table grows. The backlog is queued before the processor starts.
 */
export async function benchSustained(): Promise<void> {
  const total = Number(process.env.BENCH_SUSTAINED_EVENTS ?? '20000');
  await withLocalPipeline({ appSecret: SECRET }, async (pipeline) => {
    await pipeline.eventSource.stop();
    for (let first = 0; first < total; first += 1000) {
      const status = (
        await postWebhook(
          pipeline.url,
          templateDelivery(first, Math.min(1000, total - first), 1_780_000_000),
          SECRET,
        )
      ).status;
      if (status !== 200) throw new Error(`delivery answered ${status}`);
    }
    const applied = () => pipeline.eventSource.stats.records - pipeline.eventSource.stats.failedRecords;
    const marks = new Map<number, number>();
    const start = performance.now();
    pipeline.eventSource.start();
    while (applied() < total) {
      const done = applied();
      for (const mark of [1000, total - 1000, total])
        if (done >= mark && !marks.has(mark)) marks.set(mark, performance.now());
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const end = performance.now();
    for (const mark of [1000, total - 1000]) if (!marks.has(mark)) marks.set(mark, end);
    // The floor, on the same (now full) table, at the processor's concurrency: an event costs at least one.
    const floor = await transactionsPerSecond(pipeline, 2000, 4);
    const firstThousand = (marks.get(1000) ?? end) - start;
    const lastThousand = end - (marks.get(total - 1000) ?? start);
    printTable(`Local pipeline, sustained: ${total} queued events applied`, [
      { figure: 'events applied per second (target >= 100)', value: fixed(total / ((end - start) / 1000)) },
      { figure: 'floor: raw 3-item TransactWriteItems per second (4 at a time)', value: fixed(floor) },
      { figure: 'events per second / floor', value: fixed(total / ((end - start) / 1000) / floor, 2) },
      { figure: 'first 1,000 events, s', value: fixed(firstThousand / 1000, 2) },
      { figure: 'last 1,000 events, s', value: fixed(lastThousand / 1000, 2) },
      { figure: 'last / first (target <= 1.2)', value: fixed(lastThousand / firstThousand, 2) },
      { figure: 'failed records (retried)', value: pipeline.eventSource.stats.failedRecords },
    ]);
  });
}

if (import.meta.url === `file://${process.argv[1]}`) await benchSustained();
