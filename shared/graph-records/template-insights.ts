import * as z from 'zod/mini';

/**
 * Meta's template insights (`GET /{WABA_ID}/template_analytics`): per template and UTC day, how many messages
 * were sent, delivered and read, and how often its buttons were clicked. Daily granularity only, at most 10
 * template ids per request, and Meta keeps 90 days (docs/meta-2026.md, "Template insights"). The monitor stores
 * every day it reads, forever.
 */
export const TEMPLATE_IDS_PER_CALL = 10;
export const INSIGHTS_LOOKBACK_DAYS = 90;
/** Read once a day per WABA: the figures are daily. */
export const INSIGHTS_READ_INTERVAL_MS = 24 * 3_600_000;
/**
 * Days read again before the last successful read: a day's read count keeps growing for a while after the day
 * (a message is read later), so the last few days are overwritten with Meta's newer figures.
 */
export const INSIGHTS_REREAD_DAYS = 3;
/** A WABA whose insights were not available is asked again this rarely (someone may have opted in). */
export const INSIGHTS_RECHECK_MS = 7 * 24 * 3_600_000;

const DAY_MS = 24 * 3_600_000;
/** No `cost`: Meta withholds it from businesses billed through a solution partner, and quality needs none. */
const METRIC_TYPES = 'sent,delivered,read,clicked';

/** One template's figures for one UTC day. */
export interface TemplateInsightDay {
  readonly templateId: string;
  /** yyyy-mm-dd (UTC). */
  readonly day: string;
  readonly sent: number;
  readonly delivered: number;
  readonly read: number;
  /** Button clicks of every button, summed (Meta counts them per button; MARKETING and UTILITY only). */
  readonly clicked: number;
}

/** The days to ask for, as Meta takes them (epoch seconds, UTC day boundaries; `end` excluded). */
export interface InsightsWindow {
  readonly start: number;
  readonly end: number;
}

/**
 * From the day of the last successful read (minus a few days Meta may still revise) to the end of today;
 * 90 days back on the first read, never further back than Meta keeps.
 */
export function insightsWindow(lastReadAt: number | undefined, now: number): InsightsWindow {
  const today = Math.floor(now / DAY_MS) * DAY_MS;
  const oldest = today - (INSIGHTS_LOOKBACK_DAYS - 1) * DAY_MS;
  const from =
    lastReadAt === undefined
      ? oldest
      : Math.max(oldest, Math.floor(lastReadAt / DAY_MS) * DAY_MS - INSIGHTS_REREAD_DAYS * DAY_MS);
  return { start: from / 1000, end: (today + DAY_MS) / 1000 };
}

/** Whether this run should read the WABA's insights. */
export function insightsDue(
  state: { readonly insightsReadAt?: number; readonly insightsUnavailableAt?: number } | undefined,
  now: number,
): boolean {
  if (state?.insightsUnavailableAt !== undefined && now - state.insightsUnavailableAt < INSIGHTS_RECHECK_MS)
    return false;
  return state?.insightsReadAt === undefined || now - state.insightsReadAt >= INSIGHTS_READ_INTERVAL_MS;
}

/** Template ids in groups of at most 10, one request each. */
export function templateIdChunks(templateIds: readonly string[]): string[][] {
  const unique = [...new Set(templateIds)].sort();
  const chunks: string[][] = [];
  for (let i = 0; i < unique.length; i += TEMPLATE_IDS_PER_CALL)
    chunks.push(unique.slice(i, i + TEMPLATE_IDS_PER_CALL));
  return chunks;
}

/**
 * Query parameters of one `template_analytics` request, spelled as Meta's example request spells them
 * (`metric_types=sent,delivered,read,clicked`, `template_ids=[id1,id2]`).
 */
export function templateAnalyticsParams(
  templateIds: readonly string[],
  window: InsightsWindow,
): Record<string, string> {
  return {
    start: String(window.start),
    end: String(window.end),
    granularity: 'DAILY',
    metric_types: METRIC_TYPES,
    template_ids: `[${templateIds.join(',')}]`,
  };
}

const count = z.optional(z.number());
const dataPoint = z.looseObject({
  template_id: z.union([z.string(), z.number()]),
  start: z.number(),
  end: z.optional(z.number()),
  sent: count,
  delivered: count,
  read: count,
  clicked: z.optional(z.array(z.looseObject({ count: z.optional(z.number()) }))),
});
/** One element of the answer's `data`: `{granularity, product_type, data_points:[...]}`. */
const analyticsEntry = z.looseObject({ data_points: z.optional(z.array(z.unknown())) });

/**
 * The days of the `data` elements of one or more answers. Unreadable data points are counted, not thrown:
 * one odd point must not cost the rest.
 */
export function insightDaysOf(entries: readonly unknown[]): { days: TemplateInsightDay[]; skipped: number } {
  const days: TemplateInsightDay[] = [];
  let skipped = 0;
  for (const entry of entries) {
    const parsed = analyticsEntry.safeParse(entry);
    if (!parsed.success) {
      skipped += 1;
      continue;
    }
    for (const point of parsed.data.data_points ?? []) {
      const p = dataPoint.safeParse(point);
      if (!p.success) {
        skipped += 1;
        continue;
      }
      days.push({
        templateId: String(p.data.template_id),
        day: new Date(p.data.start * 1000).toISOString().slice(0, 10),
        sent: p.data.sent ?? 0,
        delivered: p.data.delivered ?? 0,
        read: p.data.read ?? 0,
        clicked: (p.data.clicked ?? []).reduce((sum, c) => sum + (c.count ?? 0), 0),
      });
    }
  }
  return { days, skipped };
}

/** Read rate = read ÷ delivered; null without deliveries (never shown without its volume). */
export function readRateOf(day: { readonly read: number; readonly delivered: number }): number | null {
  return day.delivered > 0 ? day.read / day.delivered : null;
}

/**
 * The queue message a poll worker sends with the days it read (the processor is the table's only writer).
 * Applying it overwrites each day's item unless a later read is stored already: idempotent, and the last read
 * wins whatever order the messages arrive in.
 */
export interface TemplateInsightsMessage {
  readonly kind: 'template-insights';
  readonly source: 'poll';
  readonly id: string;
  readonly wabaId: string;
  /** When Meta answered (epoch ms). */
  readonly readAt: number;
  readonly days: readonly TemplateInsightDay[];
}
