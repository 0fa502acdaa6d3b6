import { APP_SECRET } from '../test/e2e/e2e-support.ts';
import { fuzzCases, runFuzz } from '../test/e2e/fuzz-support.ts';
import { withLocalPipeline } from './bench-setup.ts';
import { printTable } from './measure.ts';

/**
 * The long fuzz (issue 12): thousands of signed, seeded mutations of Meta's fixtures through the local pipeline
 * (BENCH_FUZZ_CASES, default 2,000; BENCH_FUZZ_SEED, default 2026; CI runs 600). Lost must be 0: every acknowledged change applied or parked.
 */
export async function benchFuzz(): Promise<void> {
  const count = Number(process.env.BENCH_FUZZ_CASES ?? '2000');
  const seed = Number(process.env.BENCH_FUZZ_SEED ?? '2026');
  await withLocalPipeline({ appSecret: APP_SECRET, visibilityTimeoutSeconds: 30 }, async (pipeline) => {
    console.log(`\nFuzz: ${count} signed mutated fixtures (seed ${seed}) through the local pipeline...`);
    const start = Date.now();
    // moto applies a few events a second: thousands of cases take a while to settle.
    const totals = await runFuzz(pipeline, fuzzCases(seed, count), { settleTimeoutMs: 3_600_000 });
    printTable('Fuzz: nothing acknowledged is lost (lost must be 0)', [
      { figure: 'deliveries sent', value: totals.deliveries },
      { figure: 'rejected whole (4xx: not a webhook)', value: totals.rejected },
      { figure: 'answered 5xx', value: totals.serverErrors },
      { figure: 'accepted (events + parked changes of 200 answers)', value: totals.accepted },
      { figure: 'events applied (state + history)', value: totals.applied },
      { figure: 'changes kept for replay (parked)', value: totals.keptForReplay },
      { figure: 'lost', value: totals.lost },
      { figure: 'left in the DLQ', value: totals.deadLettered },
      { figure: 'seconds', value: Math.round((Date.now() - start) / 1000) },
    ]);
    if (totals.lostSamples.length > 0) console.log('lost samples:', totals.lostSamples);
  });
}

if (import.meta.url === `file://${process.argv[1]}`) await benchFuzz();
