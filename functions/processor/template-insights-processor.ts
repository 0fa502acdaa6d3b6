import { templateEntity } from '../../shared/events/entity-ids.ts';
import type { TemplateInsightsMessage } from '../../shared/graph/template-insights.ts';
import type { AppLogger } from '../../shared/powertools/logger.ts';
import type { Counters } from '../../shared/powertools/metrics.ts';
import type { TemplateInsightsStore } from '../../shared/store/template-insights-store.ts';

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
