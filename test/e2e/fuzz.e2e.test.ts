import { describe, expect, it } from 'vitest';
import { useE2e } from './e2e-fixture.ts';
import { fuzzCases, runFuzz } from './fuzz-support.ts';

/*
 * Issue 12: a seeded fuzz of signed mutations of Meta's fixtures, end to end through the local pipeline. Every
 * change the ingest acknowledged is applied or kept for replay; none waits unread in the DLQ; no 5xx.
 * (`npm run bench` runs a longer one.)
 */

const e2e = useE2e();

describe('fuzzed deliveries: nothing acknowledged is lost', () => {
  it('applies or parks every change of 600 signed mutated fixtures', async () => {
    const totals = await runFuzz(e2e.pipeline, fuzzCases(12, Number(process.env.FUZZ_CASES ?? '600')));
    expect(totals.lostSamples).toEqual([]);
    expect(totals).toMatchObject({ serverErrors: 0, lost: 0, deadLettered: 0 });
    // The fuzz does reach both outcomes.
    expect(totals.applied).toBeGreaterThan(100);
    expect(totals.keptForReplay).toBeGreaterThan(10);
  });
});
