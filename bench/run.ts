import { execFileSync } from 'node:child_process';
import { benchAlertDigest } from './alert-digest.ts';
import { benchBundles } from './bundles.ts';
import { benchIngestCost } from './ingest-cost.ts';
import { benchPollerCalls } from './poller-calls.ts';
import { benchPollerScale } from './poller-scale.ts';
import { benchProcessor } from './processor-cost.ts';
import { benchTrafficCost } from './traffic-cost.ts';

/** `npm run bench`: figures and ratios against their floors. Never run in tests: this machine is noisy. */
console.log(`# whatsapp-quality-monitor benchmarks (${new Date().toISOString()}, node ${process.version})`);
await benchIngestCost();
await benchBundles();
await benchProcessor();
await benchTrafficCost();
await benchAlertDigest();
await benchPollerCalls();
await benchPollerScale();
// One process per local pipeline: the handler modules read their environment (queue URL, table, endpoints)
// once, at import, as on Lambda.
for (const bench of [
  'local-answer-time.ts',
  'local-sustained.ts',
  'e2e-throughput.ts',
  'fuzz.ts',
  'console-render.ts',
])
  execFileSync(process.execPath, ['--import', 'tsx', `bench/${bench}`], { stdio: 'inherit' });
