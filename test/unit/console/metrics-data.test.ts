import { describe, expect, it } from 'vitest';
import {
  metricsQueryOf,
  metricsSeriesOf,
  templateMetricsQueryOf,
  templateSeriesOf,
} from '../../../console/src/metrics-data.ts';

const DAY = 86_400_000;
const NOW = Date.UTC(2026, 10, 25, 12);

describe('the metrics lanes of the entity timeline', () => {
  it('asks for hours up to a month and days beyond, never more than 400 days', () => {
    expect(metricsQueryOf([NOW - 7 * DAY, NOW])).toMatchObject({ granularity: 'hour' });
    expect(metricsQueryOf([NOW - 90 * DAY, NOW])).toMatchObject({ granularity: 'day' });
    expect(metricsQueryOf([NOW - 1000 * DAY, NOW])).toEqual({
      granularity: 'day',
      from: new Date(NOW - 400 * DAY).toISOString(),
      to: new Date(NOW).toISOString(),
    });
  });

  it('draws read rate in percent where something was delivered, and p90 first response in minutes', () => {
    const series = metricsSeriesOf([
      {
        start: '2026-11-25T10:00:00.000Z',
        delivered: 40,
        failed: 2,
        readRate: 0.25,
        firstResponseTime: { count: 3, p90Seconds: 300 },
      },
      {
        start: '2026-11-25T11:00:00.000Z',
        delivered: 0,
        failed: 5,
        readRate: null,
        firstResponseTime: { count: 0, p90Seconds: null },
      },
    ]);
    const at10 = Date.UTC(2026, 10, 25, 10);
    const at11 = Date.UTC(2026, 10, 25, 11);
    expect(series).toEqual([
      { label: 'Read rate', unit: '%', points: [[at10, 25]] },
      {
        label: 'Delivered',
        unit: 'messages',
        points: [
          [at10, 40],
          [at11, 0],
        ],
      },
      {
        label: 'Failed',
        unit: 'messages',
        points: [
          [at10, 2],
          [at11, 5],
        ],
      },
      { label: 'First response p90', unit: 'min', points: [[at10, 5]] },
    ]);
  });

  it('without traffic there is no lane', () => {
    expect(metricsSeriesOf([])).toEqual([]);
  });
});

describe("a template's insight lanes", () => {
  const NOW_T = Date.UTC(2026, 10, 25, 12);
  const DAY_T = 86_400_000;

  it('asks for days, never more than 400 of them', () => {
    expect(templateMetricsQueryOf([NOW_T - 7 * DAY_T, NOW_T])).toMatchObject({ granularity: 'day' });
    expect(templateMetricsQueryOf([NOW_T - 1000 * DAY_T, NOW_T]).from).toBe(
      new Date(NOW_T - 400 * DAY_T).toISOString(),
    );
  });

  it('draws the read rate in percent beside the delivered volume, leaving out days without deliveries', () => {
    const series = templateSeriesOf([
      { start: '2026-11-23T00:00:00.000Z', sent: 110, delivered: 100, read: 45, readRate: 0.45 },
      { start: '2026-11-24T00:00:00.000Z', sent: 0, delivered: 0, read: 0, readRate: null },
    ]);
    expect(series.map((s) => s.label)).toEqual(['Read rate', 'Delivered']);
    expect(series[0]?.points).toEqual([[Date.UTC(2026, 10, 23), 45]]);
    expect(series[1]?.points).toHaveLength(2);
    expect(templateSeriesOf([])).toEqual([]);
  });
});
