import { describe, expect, it } from 'vitest';
import { generateLoad, sendConcurrently } from '../support/load-generator.ts';
import { useE2e } from './e2e-fixture.ts';
import {
  actualReadModel,
  asJson,
  deadLetterDepth,
  expectedReadModel,
  fetchAll,
  waitUntilQuiet,
} from './e2e-support.ts';

/*
 * Faults while traffic flows: the processor crashing after doing its work, DynamoDB throttling a share of
 * writes, SNS failing for a while, and the emulator unreachable for a moment. Nothing may be lost or doubled.
 */

const e2e = useE2e({ visibilityTimeoutSeconds: 3 });

describe('faults', () => {
  it('lose nothing and double nothing', async () => {
    const load = generateLoad({ deliveries: 25, maxChangesPerDelivery: 6, duplicateShare: 0.1, seed: 11 });
    e2e.pipeline.eventSource.crashRate = 0.25;
    e2e.pipeline.eventSource.crashNext(2);
    e2e.pipeline.proxy.faults.dynamoThrottleRate = 0.2;
    e2e.pipeline.proxy.faults.snsFailuresLeft = 6;
    const sending = sendConcurrently(
      load.bodies,
      4,
      async (body) => (await e2e.post(body, { retries: 20 })).status,
    );
    // Halfway through, the emulator is unreachable for a moment: the ingest answers 5xx and the sender retries.
    await new Promise((resolve) => setTimeout(resolve, 300));
    e2e.pipeline.proxy.faults.outageUntil = Date.now() + 1500;
    const statuses = await sending;
    expect(statuses.every((s) => s === 200)).toBe(true);

    // Faults go on for a while, then stop, as they do.
    await new Promise((resolve) => setTimeout(resolve, 5000));
    e2e.pipeline.eventSource.crashRate = 0;
    e2e.pipeline.proxy.faults.dynamoThrottleRate = 0;
    await waitUntilQuiet(e2e.pipeline);

    const { injected, faults } = e2e.pipeline.proxy;
    expect(injected.dynamoThrottles).toBeGreaterThan(0);
    expect(injected.snsFailures).toBe(6);
    expect(faults.snsFailuresLeft).toBe(0);
    expect(e2e.pipeline.eventSource.stats.crashes).toBeGreaterThan(0);

    expect(await actualReadModel(e2e.pipeline.url)).toEqual(asJson(expectedReadModel(load.events)));
    const published = e2e.pipeline.alerts.received.map((a) => a.id);
    expect(new Set(published).size).toBe(published.length);
    const stored = (await fetchAll(e2e.pipeline.url, '/v1/alerts')).map((a) => String(a.id));
    expect([...published].sort()).toEqual(stored.sort());
    expect(await deadLetterDepth(e2e.pipeline)).toBe(0);
  });
});
