import { describe, expect, it } from 'vitest';
import {
  INSIGHTS_RECHECK_MS,
  insightDaysOf,
  insightsDue,
  insightsWindow,
  readRateOf,
  templateAnalyticsParams,
  templateIdChunks,
} from '../../../shared/graph-records/template-insights.ts';
import { readFixture } from '../../support/fixtures.ts';

const DAY = 86_400_000;
const NOW = Date.UTC(2026, 10, 25, 12, 30);

describe("reading Meta's template_analytics answer", () => {
  it("gives each template's day from Meta's documented example, clicks summed over buttons", () => {
    const body = JSON.parse(readFixture('api.template_analytics.daily_two_templates.meta-docs.json')) as {
      data: unknown[];
    };
    const { days, skipped } = insightDaysOf(body.data);
    expect(skipped).toBe(0);
    expect(days).toEqual([
      { templateId: '1421988012088524', day: '2024-06-11', sent: 1, delivered: 1, read: 1, clicked: 0 },
      { templateId: '2632273056924580', day: '2024-06-11', sent: 1, delivered: 1, read: 1, clicked: 124 },
    ]);
  });

  it('skips an unreadable data point and keeps the others', () => {
    const { days, skipped } = insightDaysOf([
      {
        data_points: [
          { template_id: '1', start: 'yesterday' },
          { template_id: 2, start: 1718064000, read: 3 },
        ],
      },
    ]);
    expect(skipped).toBe(1);
    expect(days).toEqual([
      { templateId: '2', day: '2024-06-11', sent: 0, delivered: 0, read: 3, clicked: 0 },
    ]);
  });

  it('gives the read rate as read over delivered, none without deliveries', () => {
    expect(readRateOf({ read: 45, delivered: 100 })).toBe(0.45);
    expect(readRateOf({ read: 3, delivered: 0 })).toBeNull();
  });
});

describe('what to ask Meta for', () => {
  it('asks for 90 days up to the end of today on the first read, on UTC day boundaries', () => {
    const window = insightsWindow(undefined, NOW);
    expect(new Date(window.end * 1000).toISOString()).toBe('2026-11-26T00:00:00.000Z');
    expect((window.end - window.start) * 1000).toBe(90 * DAY);
    expect(window.start % 86_400).toBe(0);
  });

  it('asks again from three days before the last read, so recent days Meta still revises are refreshed', () => {
    const window = insightsWindow(NOW - DAY, NOW);
    expect(new Date(window.start * 1000).toISOString()).toBe('2026-11-21T00:00:00.000Z');
  });

  it('never asks further back than the 90 days Meta keeps, however old the last read', () => {
    expect(insightsWindow(NOW - 400 * DAY, NOW)).toEqual(insightsWindow(undefined, NOW));
  });

  it('asks for at most 10 templates per request, each template once', () => {
    const ids = Array.from({ length: 23 }, (_, i) => String(1000 + i));
    const chunks = templateIdChunks([...ids, ids[0] as string]);
    expect(chunks.map((c) => c.length)).toEqual([10, 10, 3]);
    expect(new Set(chunks.flat()).size).toBe(23);
  });

  it("spells the request as Meta's example does", () => {
    expect(templateAnalyticsParams(['1', '2'], { start: 10, end: 20 })).toEqual({
      start: '10',
      end: '20',
      granularity: 'DAILY',
      metric_types: 'sent,delivered,read,clicked',
      template_ids: '[1,2]',
    });
  });

  it('reads once a day, and a WABA without insights only weekly', () => {
    expect(insightsDue(undefined, NOW)).toBe(true);
    expect(insightsDue({ insightsReadAt: NOW - DAY + 60_000 }, NOW)).toBe(false);
    expect(insightsDue({ insightsReadAt: NOW - DAY }, NOW)).toBe(true);
    expect(insightsDue({ insightsUnavailableAt: NOW - 2 * DAY }, NOW)).toBe(false);
    expect(insightsDue({ insightsUnavailableAt: NOW - INSIGHTS_RECHECK_MS }, NOW)).toBe(true);
  });
});
