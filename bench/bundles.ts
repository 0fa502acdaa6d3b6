import { execFileSync } from 'node:child_process';
import { mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { fixed, median, printTable } from './measure.ts';

/** The bundling the CDK functions use: ESM, SDK bundled, minified, Node 22. */
async function bundle(entry: string, outfile: string): Promise<number> {
  await build({
    entryPoints: [entry],
    outfile,
    bundle: true,
    platform: 'node',
    target: 'node22',
    format: 'esm',
    minify: true,
    mainFields: ['module', 'main'],
    // Some dependencies still call require(); give ESM bundles one.
    banner: {
      js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);",
    },
    logLevel: 'silent',
  });
  return statSync(outfile).size;
}

/** Median wall time of a fresh `node` process importing the bundle, minus an empty import. */
function coldImportMs(file: string, env: Record<string, string>, runs = 9): number {
  const script = `const t = performance.now(); await import(${JSON.stringify(file)}); console.log(performance.now() - t);`;
  const samples = Array.from({ length: runs }, () =>
    Number(
      execFileSync(process.execPath, ['--input-type=module', '-e', script], {
        env: { ...process.env, NODE_NO_WARNINGS: '1', ...env },
      }).toString(),
    ),
  );
  return median(samples);
}

export const LAMBDA_ENTRIES: Record<string, string> = {
  ingest: 'functions/ingest/handler.ts',
  processor: 'functions/processor/handler.ts',
  poller: 'functions/poller/handler.ts',
  'poll-worker': 'functions/poller/worker-handler.ts',
  api: 'functions/api/handler.ts',
};

const ENV = {
  AWS_REGION: 'us-east-1',
  EVENT_QUEUE_URL: 'https://sqs.us-east-1.amazonaws.com/123456789012/events',
  APP_SECRET_NAME: 'app',
  VERIFY_TOKEN_SECRET_NAME: 'token',
  TABLE_NAME: 'table',
  ALERT_TOPIC_ARN: 'arn:aws:sns:us-east-1:123456789012:alerts',
  GRAPH_TOKEN_SECRET_NAME: 'graph',
  WABA_IDS: '1',
  WABA_REGISTRY_TABLE: 'registry',
  POLL_JOB_QUEUE_URL: 'https://sqs.us-east-1.amazonaws.com/123456789012/poll-jobs',
  POWERTOOLS_LOG_LEVEL: 'SILENT',
};

export async function benchBundles(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'wqm-bench-'));
  const baselineFile = join(dir, 'sqs-only.mjs');
  const baselineSize = await bundle('bench/fixtures/sqs-only.ts', baselineFile);
  const baselineMs = coldImportMs(baselineFile, ENV);
  const rows: Record<string, string | number>[] = [
    {
      bundle: 'baseline: @aws-sdk/client-sqs only',
      'size KiB': fixed(baselineSize / 1024),
      'cold import ms': fixed(baselineMs),
      'ratio (target ≤ 1.3)': 1,
    },
  ];
  for (const [name, entry] of Object.entries(LAMBDA_ENTRIES)) {
    const file = join(dir, `${name}.mjs`);
    const size = await bundle(entry, file);
    const ms = coldImportMs(file, ENV);
    rows.push({
      bundle: `${name} (${entry})`,
      'size KiB': fixed(size / 1024),
      'cold import ms': fixed(ms),
      'ratio (target ≤ 1.3)': fixed(ms / baselineMs, 2),
    });
  }
  printTable('Lambda bundles: size and cold import time', rows);
}
