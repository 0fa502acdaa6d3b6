import { describe, expect, it } from 'vitest';
import { metricsQueryOf, metricsSeriesOf } from '../../../console/src/metrics-data.ts';

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
