import { bucketLabel, quantileOf, RESPONSE_BUCKETS } from './response-times.ts';

/** One stored counter item: its bucket (`HOUR#2026-11-25T10` or `DAY#2026-11-25`) and counters. */
export interface CounterBucket {
  readonly bucket: string;
  readonly counters: Readonly<Record<string, number>>;
}

export type Granularity = 'hour' | 'day';

export interface ResponseTimeSummary {
  readonly count: number;
  readonly averageSeconds: number | null;
  /** Upper bound of the histogram bucket the percentile falls in; null without samples or beyond 24 h. */
  readonly p50Seconds: number | null;
  readonly p90Seconds: number | null;
}

export interface PhoneMetricsPoint {
  /** Start of the hour or day, ISO-8601 UTC. */
  readonly start: string;
  readonly sent: number;
  readonly delivered: number;
  readonly read: number;
  readonly failed: number;
  /** read ÷ delivered; null when nothing was delivered. Shown with `delivered`, its volume. */
  readonly readRate: number | null;
  /** Failed messages by Meta error code. */
  readonly failuresByCode: Readonly<Record<string, number>>;
  /** Delivered messages by pricing category (what Meta bills). */
  readonly deliveredByPricingCategory: Readonly<Record<string, number>>;
  /** Statuses other than the four above, as Meta named them. */
  readonly otherStatuses: Readonly<Record<string, number>>;
  readonly responseTime: ResponseTimeSummary;
  readonly firstResponseTime: ResponseTimeSummary;
}

export interface PreferenceDay {
  readonly day: string;
  readonly category: string;
  readonly stops: number;
  readonly resumes: number;
}

/** The hourly counters summed to the requested granularity, in time order, with only points that have data. */
export function metricsSeries(
  buckets: readonly CounterBucket[],
  granularity: Granularity,
): PhoneMetricsPoint[] {
  const sums = new Map<string, Record<string, number>>();
  for (const { bucket, counters } of buckets) {
    if (!bucket.startsWith('HOUR#')) continue;
    const hour = bucket.slice('HOUR#'.length);
    const start = granularity === 'hour' ? `${hour}:00:00.000Z` : `${hour.slice(0, 10)}T00:00:00.000Z`;
    const sum = sums.get(start) ?? {};
    for (const [name, value] of Object.entries(counters))
      if (typeof value === 'number') sum[name] = (sum[name] ?? 0) + value;
    sums.set(start, sum);
  }
  return [...sums.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([start, c]) => pointOf(start, c));
}

/** Marketing stops and resumes (`user_preferences`) per day and category. */
export function preferenceDays(buckets: readonly CounterBucket[]): PreferenceDay[] {
  const days = new Map<string, { stops: number; resumes: number }>();
  for (const { bucket, counters } of buckets) {
    if (!bucket.startsWith('DAY#')) continue;
    for (const [name, value] of Object.entries(counters)) {
      const match = /^preference:(.*):([^:]*)$/.exec(name);
      if (!match || typeof value !== 'number') continue;
      const key = `${bucket.slice('DAY#'.length)}|${match[1]}`;
      const day = days.get(key) ?? { stops: 0, resumes: 0 };
      if (match[2] === 'stop') day.stops += value;
      else if (match[2] === 'resume') day.resumes += value;
      days.set(key, day);
    }
  }
  return [...days.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([key, counts]) => {
      const [day = '', category = ''] = key.split('|');
      return { day, category, ...counts };
    });
}

function pointOf(start: string, c: Record<string, number>): PhoneMetricsPoint {
  const prefixed = (prefix: string) =>
    Object.fromEntries(
      Object.entries(c)
        .filter(([name, value]) => name.startsWith(prefix) && value !== 0)
        .map(([name, value]) => [name.slice(prefix.length), value]),
    );
  const statuses = prefixed('status:');
  const { sent = 0, delivered = 0, read = 0, failed = 0, ...otherStatuses } = statuses;
  return {
    start,
    sent,
    delivered,
    read,
    failed,
    readRate: delivered > 0 ? read / delivered : null,
    failuresByCode: prefixed('error:'),
    deliveredByPricingCategory: prefixed('pricing:'),
    otherStatuses,
    responseTime: summaryOf(c, 'response'),
    firstResponseTime: summaryOf(c, 'first'),
  };
}

function summaryOf(c: Record<string, number>, kind: 'response' | 'first'): ResponseTimeSummary {
  const count = c[`${kind}:count`] ?? 0;
  const histogram = Object.fromEntries(
    RESPONSE_BUCKETS.map((bound) => [bucketLabel(bound), c[`${kind}:le:${bucketLabel(bound)}`] ?? 0]),
  );
  const finite = (value: number | null) => (value === null || !Number.isFinite(value) ? null : value);
  return {
    count,
    averageSeconds: count > 0 ? (c[`${kind}:sum`] ?? 0) / count : null,
    p50Seconds: finite(quantileOf(histogram, 0.5)),
    p90Seconds: finite(quantileOf(histogram, 0.9)),
  };
}

/** Read rate over several points: total read ÷ total delivered (never an average of rates), with the volume. */
export function readRateOver(points: readonly Pick<PhoneMetricsPoint, 'read' | 'delivered'>[]): {
  readonly read: number;
  readonly delivered: number;
  readonly readRate: number | null;
} {
  const read = points.reduce((sum, p) => sum + p.read, 0);
  const delivered = points.reduce((sum, p) => sum + p.delivered, 0);
  return { read, delivered, readRate: delivered > 0 ? read / delivered : null };
}

/** `43.2% of 1,234 delivered`, or `—` without deliveries: a rate is never shown without its volume. */
export function describeReadRate(rate: ReturnType<typeof readRateOver>): string {
  if (rate.readRate === null) return '—';
  return `${(rate.readRate * 100).toFixed(1)}% of ${rate.delivered.toLocaleString('en-US')} delivered`;
}
