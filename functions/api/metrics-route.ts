import { errorResponse, type HttpResponse, jsonResponse } from '../../shared/http/responses.ts';
import type { MetricsReader } from '../../shared/store/metrics-reader.ts';
import { type Granularity, metricsSeries, preferenceDays } from '../../shared/traffic/phone-metrics.ts';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
/** Longest range per granularity: a month of hours, thirteen months of days (bounded answer sizes). */
const MAX_RANGE_MS: Record<Granularity, number> = { hour: 31 * DAY_MS, day: 400 * DAY_MS };
const DEFAULT_RANGE_MS: Record<Granularity, number> = { hour: 7 * DAY_MS, day: 30 * DAY_MS };

/**
 * `GET /v1/phone-numbers/{id}/metrics?from=&to=&granularity=hour|day`: the phone number's message traffic
 * (message tracking on): statuses, read rate, failures by code, billed categories, response times, and
 * marketing stops and resumes per day. `from` and `to` are ISO-8601 times or epoch ms.
 */
export async function phoneNumberMetrics(
  reader: Pick<MetricsReader, 'phoneNumberBuckets'>,
  entityId: string,
  query: Record<string, string | undefined> | undefined,
  now: number,
): Promise<HttpResponse> {
  const granularity = query?.granularity ?? 'hour';
  if (granularity !== 'hour' && granularity !== 'day')
    return errorResponse(400, 'bad_request', 'granularity must be hour or day');
  const to = timeOf(query?.to) ?? now;
  const from = timeOf(query?.from) ?? to - DEFAULT_RANGE_MS[granularity];
  if (Number.isNaN(to) || Number.isNaN(from))
    return errorResponse(400, 'bad_request', 'from and to must be ISO-8601 times or epoch milliseconds');
  if (from > to) return errorResponse(400, 'bad_request', 'from must not be after to');
  if (to - from > MAX_RANGE_MS[granularity])
    return errorResponse(
      400,
      'bad_request',
      `a ${granularity} series covers at most ${MAX_RANGE_MS[granularity] / DAY_MS} days`,
    );
  const buckets = await reader.phoneNumberBuckets(entityId, from, to);
  return jsonResponse(200, {
    entityId,
    granularity,
    from: new Date(from).toISOString(),
    to: new Date(to).toISOString(),
    items: metricsSeries(buckets, granularity),
    preferences: preferenceDays(buckets),
  });
}

function timeOf(value: string | undefined): number | undefined {
  if (value === undefined || value === '') return undefined;
  return /^\d+$/.test(value) ? Number(value) : Date.parse(value);
}
