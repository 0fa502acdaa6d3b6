import { execFileSync } from 'node:child_process';
import { mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import type { FunctionEnvironment } from '../shared/contracts/env-vars.ts';
import { fixed, median, printTable } from './measure.ts';

/**
 * The bundling the CDK functions use (infra/constructs/monitor-function.ts): ESM, SDK bundled, minified, Node 22,
 * with a source map, which the functions load at start (NODE_OPTIONS=--enable-source-maps).
 */
async function bundle(entry: string, outfile: string): Promise<number> {
  await build({
    entryPoints: [entry],
    outfile,
    bundle: true,
    platform: 'node',
    target: 'node22',
    format: 'esm',
    minify: true,
    sourcemap: true,
    mainFields: ['module', 'main'],
    // Some dependencies still call require(); give ESM bundles one.
    banner: {
      js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);",
    },
    logLevel: 'silent',
  });
  return statSync(outfile).size;
}

/** Wall time of a fresh `node` process (with the flag the functions run with) importing the bundle. */
function coldImportOnceMs(file: string, env: Record<string, string>): number {
  const script = `const t = performance.now(); await import(${JSON.stringify(file)}); console.log(performance.now() - t);`;
  return Number(
    execFileSync(process.execPath, ['--enable-source-maps', '--input-type=module', '-e', script], {
      env: { ...process.env, NODE_NO_WARNINGS: '1', ...env },
    }).toString(),
  );
}

/** Median cold import of each file; the files take turns within each round, so noise hits them alike. */
function coldImportsMs(files: readonly string[], env: Record<string, string>, rounds = 9): number[] {
  const samples = files.map(() => [] as number[]);
  for (let round = 0; round < rounds; round += 1)
    for (const [i, file] of files.entries()) samples[i]?.push(coldImportOnceMs(file, env));
  return samples.map(median);
}

export const LAMBDA_ENTRIES: Record<string, string> = {
  ingest: 'functions/ingest/handler.ts',
  processor: 'functions/processor/handler.ts',
  poller: 'functions/poller/handler.ts',
  'poll-worker': 'functions/poller/worker-handler.ts',
  api: 'functions/api/handler.ts',
};

// What the stack sets, by contract name (a misspelt one would leave a cold start failing on requiredEnv).
const FUNCTION_ENV: FunctionEnvironment = {
  EVENT_QUEUE_URL: 'https://sqs.us-east-1.amazonaws.com/123456789012/events',
  APP_SECRET_NAME: 'app',
  VERIFY_TOKEN_SECRET_NAME: 'token',
  TABLE_NAME: 'table',
  PARKED_CHANGES_BUCKET: 'parked',
  ALERT_TOPIC_ARN: 'arn:aws:sns:us-east-1:123456789012:alerts',
  GRAPH_TOKEN_SECRET_NAME: 'graph',
  WABA_IDS: '1',
  WABA_REGISTRY_TABLE: 'registry',
  POLL_JOB_QUEUE_URL: 'https://sqs.us-east-1.amazonaws.com/123456789012/poll-jobs',
  POWERTOOLS_LOG_LEVEL: 'SILENT',
};
const ENV = { AWS_REGION: 'us-east-1', ...FUNCTION_ENV };

export async function benchBundles(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'wqm-bench-'));
  const baselineFile = join(dir, 'sqs-only.mjs');
  const baselineSize = await bundle('bench/fixtures/sqs-only.ts', baselineFile);
  const bundles = [] as { name: string; entry: string; file: string; size: number }[];
  for (const [name, entry] of Object.entries(LAMBDA_ENTRIES)) {
    const file = join(dir, `${name}.mjs`);
    bundles.push({ name, entry, file, size: await bundle(entry, file) });
  }
  const [baselineMs = 0, ...ms] = coldImportsMs([baselineFile, ...bundles.map((b) => b.file)], ENV);
  const rows: Record<string, string | number>[] = [
    {
      bundle: 'baseline: @aws-sdk/client-sqs only',
      'size KiB': fixed(baselineSize / 1024),
      'cold import ms': fixed(baselineMs),
      'ratio (target ≤ 1.3)': 1,
    },
    ...bundles.map((b, i) => ({
      bundle: `${b.name} (${b.entry})`,
      'size KiB': fixed(b.size / 1024),
      'cold import ms': fixed(ms[i] ?? 0),
      'ratio (target ≤ 1.3)': fixed((ms[i] ?? 0) / baselineMs, 2),
    })),
  ];
  printTable('Lambda bundles as deployed (source maps on): size and cold import time, interleaved', rows);
}
