import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalPipeline, startLocalPipeline } from '../../local/pipeline.ts';
import { postWebhook } from '../../local/webhook-client.ts';
import { generateLoad, sendConcurrently } from '../support/load-generator.ts';
import {
  APP_SECRET,
  actualReadModel,
  asJson,
  deadLetterDepth,
  expectedReadModel,
  fetchAll,
  VERIFY_TOKEN,
  waitUntilQuiet,
} from './e2e-support.ts';

/*
 * Faults while traffic flows: the processor crashing after doing its work, DynamoDB throttling a share of
 * writes, SNS failing for a while, and the emulator unreachable for a moment. Nothing may be lost or doubled.
 */

let pipeline: LocalPipeline;

beforeAll(async () => {
  pipeline = await startLocalPipeline({
    port: 0,
    appSecret: APP_SECRET,
    verifyToken: VERIFY_TOKEN,
    visibilityTimeoutSeconds: 3,
  });
});

afterAll(async () => {
  await pipeline?.stop();
});

describe('faults', () => {
  it('lose nothing and double nothing', async () => {
    const load = generateLoad({ deliveries: 25, maxChangesPerDelivery: 6, duplicateShare: 0.1, seed: 11 });
    pipeline.eventSource.crashRate = 0.25;
    pipeline.eventSource.crashNext(2);
    pipeline.proxy.faults.dynamoThrottleRate = 0.2;
    pipeline.proxy.faults.snsFailuresLeft = 6;
    const sending = sendConcurrently(
      load.bodies,
      4,
      async (body) => (await postWebhook(pipeline.url, body, APP_SECRET, { retries: 20 })).status,
    );
    // Halfway through, the emulator is unreachable for a moment: the ingest answers 5xx and the sender retries.
    await new Promise((resolve) => setTimeout(resolve, 300));
    pipeline.proxy.faults.outageUntil = Date.now() + 1500;
    const statuses = await sending;
    expect(statuses.every((s) => s === 200)).toBe(true);

    // Faults go on for a while, then stop, as they do.
    await new Promise((resolve) => setTimeout(resolve, 5000));
    pipeline.eventSource.crashRate = 0;
    pipeline.proxy.faults.dynamoThrottleRate = 0;
    await waitUntilQuiet(pipeline);

    const { injected, faults } = pipeline.proxy;
    expect(injected.dynamoThrottles).toBeGreaterThan(0);
    expect(injected.snsFailures).toBe(6);
    expect(faults.snsFailuresLeft).toBe(0);
    expect(pipeline.eventSource.stats.crashes).toBeGreaterThan(0);

    expect(await actualReadModel(pipeline.url)).toEqual(asJson(expectedReadModel(load.events)));
    const published = pipeline.alerts.received.map((a) => a.id);
    expect(new Set(published).size).toBe(published.length);
    const stored = (await fetchAll(pipeline.url, '/v1/alerts')).map((a) => String(a.id));
    expect([...published].sort()).toEqual(stored.sort());
    expect(await deadLetterDepth(pipeline)).toBe(0);
  });
});
