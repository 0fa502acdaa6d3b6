import { readRateOf } from '../../shared/graph-records/template-insights.ts';
import { errorResponse, type HttpResponse, jsonResponse } from '../../shared/http/responses.ts';
import type { TemplateInsightsStore } from '../../shared/store/template-insights-store.ts';

const DAY_MS = 24 * 3_600_000;
/** Thirteen months of days at most per answer; by default Meta's own 90 days. */
const MAX_RANGE_MS = 400 * DAY_MS;
const DEFAULT_RANGE_MS = 90 * DAY_MS;

/**
 * `GET /v1/templates/{id}/metrics?from=&to=&granularity=day`: the template's daily insights as the poller read
 * them from Meta (sent, delivered, read, button clicks) with the read rate beside its volume, and the totals of
 * the range. Days only: Meta's template insights have no finer grain.
 */
export async function templateMetrics(
  store: Pick<TemplateInsightsStore, 'templateDays'>,
  entityId: string,
  query: Record<string, string | undefined> | undefined,
  now: number,
): Promise<HttpResponse> {
  const granularity = query?.granularity ?? 'day';
  if (granularity !== 'day')
    return errorResponse(400, 'bad_request', 'template insights are daily: granularity must be day');
  const to = timeOf(query?.to) ?? now;
  const from = timeOf(query?.from) ?? to - DEFAULT_RANGE_MS;
  if (Number.isNaN(to) || Number.isNaN(from))
    return errorResponse(400, 'bad_request', 'from and to must be ISO-8601 times or epoch milliseconds');
  if (from > to) return errorResponse(400, 'bad_request', 'from must not be after to');
  if (to - from > MAX_RANGE_MS)
    return errorResponse(400, 'bad_request', `a day series covers at most ${MAX_RANGE_MS / DAY_MS} days`);
  const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);
  const days = await store.templateDays(entityId, day(from), day(to));
  const total = { sent: 0, delivered: 0, read: 0, clicked: 0 };
  for (const d of days) {
    total.sent += d.sent;
    total.delivered += d.delivered;
    total.read += d.read;
    total.clicked += d.clicked;
  }
  return jsonResponse(200, {
    entityId,
    granularity,
    from: new Date(from).toISOString(),
    to: new Date(to).toISOString(),
    items: days.map((d) => ({
      start: `${d.day}T00:00:00.000Z`,
      sent: d.sent,
      delivered: d.delivered,
      read: d.read,
      clicked: d.clicked,
      readRate: readRateOf(d),
      readAt: new Date(d.readAt).toISOString(),
    })),
    total: { days: days.length, ...total, readRate: readRateOf(total) },
  });
}

function timeOf(value: string | undefined): number | undefined {
  if (value === undefined || value === '') return undefined;
  return /^\d+$/.test(value) ? Number(value) : Date.parse(value);
}
