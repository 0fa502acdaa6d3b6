import type { Series } from './timeline-data.ts';

/** One point of `GET /v1/phone-numbers/{id}/metrics` (the fields the chart uses). */
export interface MetricsPoint {
  readonly start: string;
  readonly delivered: number;
  readonly failed: number;
  readonly readRate: number | null;
  readonly firstResponseTime: { readonly count: number; readonly p90Seconds: number | null };
}

export interface MetricsAnswer {
  readonly items: readonly MetricsPoint[];
}

const DAY_MS = 86_400_000;

/**
 * The metrics request for a timeline window: hours for up to a month (the route's limit), days beyond, and never
 * more than the route's 400 days.
 */
export function metricsQueryOf([from, to]: readonly [number, number]): Record<string, string> {
  const granularity = to - from <= 31 * DAY_MS ? 'hour' : 'day';
  const start = Math.max(from, to - 400 * DAY_MS);
  return { from: new Date(start).toISOString(), to: new Date(to).toISOString(), granularity };
}

/** A day or hour of figures with a read rate (read ÷ delivered, null without deliveries). */
interface RatedPoint {
  readonly start: string;
  readonly delivered: number;
  readonly readRate: number | null;
}

const at = (point: RatedPoint) => Date.parse(point.start);

/** The read rate in percent, where something was delivered, and the delivered volume it is a rate of. */
function readRateAndDelivered(points: readonly RatedPoint[]): Series[] {
  return [
    {
      label: 'Read rate',
      unit: '%',
      points: points
        .filter((p) => p.readRate !== null)
        .map((p) => [at(p), Math.round((p.readRate ?? 0) * 1000) / 10] as const),
    },
    { label: 'Delivered', unit: 'messages', points: points.map((p) => [at(p), p.delivered] as const) },
  ];
}

/**
 * The numeric lanes drawn under the quality bands: read rate (read ÷ delivered, where something was delivered),
 * delivered volume, failed messages, and the p90 first response time in minutes. A lane without any point is left
 * out.
 */
export function metricsSeriesOf(points: readonly MetricsPoint[]): Series[] {
  const series: Series[] = [
    ...readRateAndDelivered(points),
    { label: 'Failed', unit: 'messages', points: points.map((p) => [at(p), p.failed] as const) },
    {
      label: 'First response p90',
      unit: 'min',
      points: points
        .filter((p) => p.firstResponseTime.p90Seconds !== null)
        .map((p) => [at(p), (p.firstResponseTime.p90Seconds ?? 0) / 60] as const),
    },
  ];
  return series.filter((s) => s.points.length > 0);
}

/** One day of `GET /v1/templates/{id}/metrics` (Meta's template insights, read by the poller). */
export interface TemplateMetricsPoint {
  readonly start: string;
  readonly sent: number;
  readonly delivered: number;
  readonly read: number;
  readonly readRate: number | null;
}

export interface TemplateMetricsAnswer {
  readonly items: readonly TemplateMetricsPoint[];
}

/** Template insights are daily; at most the route's 400 days. */
export function templateMetricsQueryOf([from, to]: readonly [number, number]): Record<string, string> {
  const start = Math.max(from, to - 400 * DAY_MS);
  return { from: new Date(start).toISOString(), to: new Date(to).toISOString(), granularity: 'day' };
}

/**
 * A template's lanes under its quality bands: the daily read rate (Meta now turns templates YELLOW or RED on low
 * read rates) and the delivered volume it is a rate of.
 */
export function templateSeriesOf(points: readonly TemplateMetricsPoint[]): Series[] {
  return readRateAndDelivered(points).filter((s) => s.points.length > 0);
}
