import { describe, expect, it } from 'vitest';
import {
  failureShareVerdict,
  firstResponseVerdict,
  optOutSpikeVerdict,
} from '../../../shared/traffic/early-warnings.ts';
import {
  type CounterBucket,
  metricsSeries,
  type PreferenceDay,
} from '../../../shared/traffic/phone-metrics.ts';

const HOUR = 3_600_000;
const JUDGED = Date.UTC(2026, 10, 25, 10);
const hourKey = (ms: number) => new Date(ms).toISOString().slice(0, 13);

/** Hourly counter items as the store holds them, summed into points like the read API does. */
const series = (buckets: CounterBucket[]) => metricsSeries(buckets, 'hour');
const hourItem = (ms: number, counters: Record<string, number>): CounterBucket => ({
  bucket: `HOUR#${hourKey(ms)}`,
  counters,
});

/** A week of ordinary hours before the judged one: 100 sent an hour, `failuresPerHour` of them 131049. */
function week(failuresPerHour: number): CounterBucket[] {
  return Array.from({ length: 7 * 24 }, (_, i) =>
    hourItem(JUDGED - (i + 1) * HOUR, { 'status:sent': 100, 'error:131049': failuresPerHour }),
  );
}

describe('an hour with an unusual share of 131049/131048/131050 failures', () => {
  it.each([
    // sent, failures in the hour by code, baseline failures per 100 sent, verdict
    { case: '8% against 1%: HIGH', sent: 100, codes: { 131049: 5, 131050: 3 }, base: 1, status: 'HIGH' },
    { case: 'exactly 5% and 3× the baseline: HIGH', sent: 60, codes: { 131048: 3 }, base: 0, status: 'HIGH' },
    { case: '4% is under 5%: NORMAL', sent: 100, codes: { 131049: 4 }, base: 0, status: 'NORMAL' },
    {
      case: '10% but under 3× a 4% week: NORMAL',
      sent: 100,
      codes: { 131049: 10 },
      base: 4,
      status: 'NORMAL',
    },
    { case: 'other error codes do not count', sent: 100, codes: { 131026: 20 }, base: 0, status: 'NORMAL' },
    { case: 'under 50 sent: no verdict', sent: 49, codes: { 131049: 20 }, base: 0, status: undefined },
  ])('$case', ({ sent, codes, base, status }) => {
    const counters: Record<string, number> = { 'status:sent': sent };
    for (const [code, n] of Object.entries(codes)) counters[`error:${code}`] = n;
    const verdict = failureShareVerdict(series([...week(base), hourItem(JUDGED, counters)]), hourKey(JUDGED));
    expect(verdict?.status).toBe(status);
  });

  it('says what it compared: the share and its volume against the 7 days before', () => {
    const verdict = failureShareVerdict(
      series([
        ...week(1),
        hourItem(JUDGED, { 'status:sent': 200, 'error:131049': 12, 'error:131050': 4, 'error:131026': 9 }),
        // Outside the baseline: after the hour, and more than 7 days before it.
        hourItem(JUDGED + HOUR, { 'status:sent': 100, 'error:131049': 100 }),
        hourItem(JUDGED - 8 * 24 * HOUR, { 'status:sent': 100, 'error:131049': 100 }),
      ]),
      hourKey(JUDGED),
    );
    expect(verdict).toEqual({
      status: 'HIGH',
      hour: '2026-11-25T10',
      sent: 200,
      failures: 16,
      byCode: { 131049: 12, 131050: 4 },
      share: 0.08,
      baselineShare: 0.01,
      baselineSent: 16_800,
    });
  });
});

const DAY = 86_400_000;
const dayKey = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const TODAY = Date.UTC(2026, 10, 25);

/** 14 days before today with the given marketing stops each (0: no item, as the store has none). */
function fortnight(stopsPerDay: number[]): PreferenceDay[] {
  return stopsPerDay
    .map((stops, i) => ({
      day: dayKey(TODAY - (i + 1) * DAY),
      category: 'marketing_messages',
      stops,
      resumes: 0,
    }))
    .filter((d) => d.stops > 0);
}

describe('a spike of marketing opt-outs', () => {
  const quiet = [2, 2, 3, 1, 2, 4, 2, 3, 2, 1, 2, 2, 3, 2];
  it.each([
    { case: '12 stops against a median of 2: HIGH', baseline: quiet, stops: 12, status: 'HIGH' },
    { case: '10 stops, exactly the minimum: HIGH', baseline: quiet, stops: 10, status: 'HIGH' },
    { case: '9 stops is under 10: NORMAL', baseline: quiet, stops: 9, status: 'NORMAL' },
    {
      case: '20 stops but under 3× a median of 8: NORMAL',
      baseline: Array(14).fill(8),
      stops: 20,
      status: 'NORMAL',
    },
    {
      case: 'missing days count as 0, so a few busy days do not raise the median',
      baseline: [30, 30, 30, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
      stops: 10,
      status: 'HIGH',
    },
    { case: 'no stops today: no verdict', baseline: quiet, stops: 0, status: undefined },
  ])('$case', ({ baseline, stops, status }) => {
    const days = [
      ...fortnight(baseline),
      ...(stops > 0 ? [{ day: dayKey(TODAY), category: 'marketing_messages', stops, resumes: 1 }] : []),
    ];
    expect(optOutSpikeVerdict(days, dayKey(TODAY))?.status).toBe(status);
  });

  it('counts only marketing stops and says what it compared', () => {
    const days = [
      ...fortnight([1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1]),
      { day: dayKey(TODAY), category: 'marketing_messages', stops: 11, resumes: 0 },
      { day: dayKey(TODAY), category: 'utility_messages', stops: 50, resumes: 0 },
    ];
    expect(optOutSpikeVerdict(days, dayKey(TODAY))).toEqual({
      status: 'HIGH',
      day: '2026-11-25',
      stops: 11,
      baselineMedian: 1,
      baselineDays: 14,
    });
  });
});

/** First responses in the hour: `count` samples in the histogram bucket of `bound` seconds. */
const firstResponses = (buckets: Readonly<Record<string, number | undefined>>) => {
  const counters: Record<string, number> = {};
  let count = 0;
  for (const [bound, n = 0] of Object.entries(buckets)) {
    counters[`first:le:${bound}`] = n;
    count += n;
  }
  counters['first:count'] = count;
  counters['first:sum'] = 0;
  return series([hourItem(JUDGED, counters)]);
};

describe('p90 first response time above the target', () => {
  it.each([
    {
      case: 'p90 in the 30-minute bucket, target 15 min: HIGH',
      buckets: { 120: 8, 1800: 2 },
      target: 900,
      status: 'HIGH',
    },
    {
      case: 'p90 in the 15-minute bucket, target 15 min: NORMAL',
      buckets: { 120: 8, 900: 2 },
      target: 900,
      status: 'NORMAL',
    },
    {
      case: 'a 5-minute target is missed by the same hour',
      buckets: { 120: 8, 900: 2 },
      target: 300,
      status: 'HIGH',
    },
    {
      case: 'one slow answer in ten is not the p90',
      buckets: { 120: 9, 86400: 1 },
      target: 900,
      status: 'NORMAL',
    },
    { case: 'beyond 24 hours: HIGH', buckets: { inf: 5 }, target: 900, status: 'HIGH' },
    { case: 'fewer than 5 samples: no verdict', buckets: { 7200: 4 }, target: 900, status: undefined },
  ])('$case', ({ buckets, target, status }) => {
    expect(firstResponseVerdict(firstResponses(buckets), hourKey(JUDGED), target)?.status).toBe(status);
  });

  it('says what it compared', () => {
    expect(firstResponseVerdict(firstResponses({ 60: 3, 3600: 3 }), hourKey(JUDGED), 900)).toEqual({
      status: 'HIGH',
      hour: '2026-11-25T10',
      samples: 6,
      p90Seconds: 3600,
      targetSeconds: 900,
    });
  });
});
