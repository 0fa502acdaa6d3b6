import { PAGE_SIZE } from '../functions/poller/poll-waba.ts';
import { startGraphApiStub } from '../local/graph-api-stub.ts';
import { createLocalPoller } from '../local/local-poller.ts';
import { QUIET, syntheticWaba } from './bench-setup.ts';
import { fixed, printTable } from './measure.ts';

/**
 * A solution provider's size on the local runtime's poller: WABAs found by discovery, one job each, polled by
 * the local worker pool against the Graph API stand-in answering every call after an injected latency.
 * Prints the wall time next to the ideal (total calls × latency ÷ concurrency) as a ratio, and the calls per
 * WABA next to the paging minimum. Events go to an in-memory sink that counts them (the local queue and
 * processor are measured by the end-to-end bench); the WABA registry is the in-memory one `npm start` uses.
 */
export async function benchPollerScale(): Promise<void> {
  const wabaCount = Number(process.env.BENCH_POLL_WABAS ?? 10_000);
  const numbers = 2;
  const templates = 20;
  const latencyMs = Number(process.env.BENCH_POLL_LATENCY_MS ?? 150);
  // 100 polls in flight: 20,000 calls of 150 ms take 30 s at best, well inside a 15-minute period, and a
  // Lambda fleet gets the same with pollConcurrency=10 (ten jobs of a batch are polled side by side).
  const concurrency = Number(process.env.BENCH_POLL_CONCURRENCY ?? 100);
  const token = 'bench-token';
  const waba = syntheticWaba(numbers, templates);
  const wabas = Object.fromEntries(Array.from({ length: wabaCount }, (_, i) => [String(3e14 + i), waba]));
  const stub = await startGraphApiStub({ token, wabas, latencyMs, recordRequests: false });
  let events = 0;
  try {
    const poller = createLocalPoller({
      settings: {
        wabaIds: [],
        excludeWabaIds: [],
        businessIds: [],
        version: 'v24.0',
        baseUrl: stub.url,
        intervalMinutes: 15,
        hourlyCallBudget: 200,
      },
      token,
      queue: {
        send: async (sent) => {
          events += sent.length;
          return { batches: 0 };
        },
      },
      ...QUIET,
      concurrency,
    });
    const rows = [];
    // The first run sends every record; the next one (the steady state) only what changed: nothing here.
    for (const label of ['first run (full snapshot)', 'next run (nothing changed)']) {
      events = 0;
      const started = process.hrtime.bigint();
      const run = await poller.poll();
      const wallSeconds = Number(process.hrtime.bigint() - started) / 1e9;
      const polled = run.results.filter((r) => r.status === 'ok').length;
      const discoveryCalls = 1;
      const perWaba = (run.calls - discoveryCalls) / Math.max(1, polled);
      const minimum = Math.ceil(numbers / PAGE_SIZE) + Math.ceil(templates / PAGE_SIZE);
      const idealSeconds = (run.calls * latencyMs) / 1000 / concurrency;
      rows.push({
        run: label,
        'WABAs polled ok': polled,
        concurrency,
        'most in flight (stand-in)': stub.maxInFlight,
        'wall time s': fixed(wallSeconds),
        'total calls': run.calls,
        'calls per WABA': fixed(perWaba, 2),
        'paging minimum': minimum,
        'ideal s (calls × latency ÷ concurrency)': fixed(idealSeconds),
        'ratio to ideal': fixed(wallSeconds / idealSeconds, 2),
        'within 15 min': wallSeconds < 900 ? 'yes' : 'NO',
        'events sent': events,
      });
    }
    printTable(
      `Poller at scale: ${wabaCount} WABAs × ${numbers} numbers × ${templates} templates, ${latencyMs} ms per call, local worker pool (events to an in-memory sink)`,
      rows,
    );
  } finally {
    await stub.close();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await benchPollerScale();
