import { templateEntity } from '../../shared/events/entity-ids.ts';
import type { TemplateReadRateEvent } from '../../shared/events/quality-event.ts';
import type { TemplateInsightsMessage } from '../../shared/graph-records/template-insights.ts';
import { READ_RATE_DROP, readRateVerdict } from '../../shared/insights/read-rate-drop.ts';
import { templateReadRateEventOf } from '../../shared/insights/read-rate-event.ts';
import type { AppLogger } from '../../shared/powertools/logger.ts';
import type { Counters } from '../../shared/powertools/metrics.ts';
import type { TemplateInsightsStore } from '../../shared/store/template-insights-store.ts';

const DAY_MS = 86_400_000;

/**
 * Stores the days of template insights a poll worker read: each template's day overwrites what was stored for
 * that day unless a later read is stored. Applying a message twice, or two reads in either order, ends with the
 * figures of the latest read.
 */
export async function applyTemplateInsights(
  message: TemplateInsightsMessage,
  deps: { readonly store: TemplateInsightsStore; readonly logger: AppLogger; readonly counters: Counters },
): Promise<{ written: number; stale: number }> {
  const result = await deps.store.putDays(
    message.days.map((day) => ({
      templateEntityId: templateEntity(message.wabaId, day.templateId).id,
      day,
      readAt: message.readAt,
    })),
  );
  deps.counters.count('TemplateInsightDaysStored', result.written);
  if (result.stale > 0)
    deps.logger.info('template insight days older than the stored read, skipped', {
      wabaId: message.wabaId,
      stale: result.stale,
    });
  return result;
}

/**
 * The read-rate verdict of each template the message touched, as events for the state machine: the latest
 * complete day (before the day of the read) against the stored days before it. No event where there is nothing
 * to judge (too few deliveries, too short a history).
 */
export async function readRateEventsOf(
  message: TemplateInsightsMessage,
  store: Pick<TemplateInsightsStore, 'templateDays'>,
): Promise<TemplateReadRateEvent[]> {
  const today = new Date(message.readAt).toISOString().slice(0, 10);
  const from = new Date(message.readAt - (READ_RATE_DROP.baselineDays + 2) * DAY_MS)
    .toISOString()
    .slice(0, 10);
  const events: TemplateReadRateEvent[] = [];
  for (const templateId of new Set(message.days.map((d) => d.templateId))) {
    const days = await store.templateDays(templateEntity(message.wabaId, templateId).id, from, today);
    const verdict = readRateVerdict(days, today);
    if (verdict) events.push(templateReadRateEventOf(message.wabaId, templateId, verdict));
  }
  return events;
}
