import { benchAlertDigest } from './alert-digest.ts';
import { benchBundles } from './bundles.ts';
import { benchEndToEnd } from './e2e-throughput.ts';
import { benchFuzz } from './fuzz.ts';
import { benchIngestCost } from './ingest-cost.ts';
import { benchAnswerTime } from './local-answer-time.ts';
import { benchSustained } from './local-sustained.ts';
import { benchPollerCalls } from './poller-calls.ts';
import { benchPollerScale } from './poller-scale.ts';
import { benchProcessor } from './processor-cost.ts';

/** `npm run bench`: figures and ratios against their floors. Never run in tests: this machine is noisy. */
console.log(`# whatsapp-quality-monitor benchmarks (${new Date().toISOString()}, node ${process.version})`);
await benchIngestCost();
await benchBundles();
await benchProcessor();
await benchAlertDigest();
await benchPollerCalls();
await benchAnswerTime();
await benchSustained();
await benchPollerScale();
await benchEndToEnd();
await benchFuzz();
