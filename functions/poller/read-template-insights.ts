import { GraphApiError, type GraphClient } from '../../shared/graph/graph-client.ts';
import {
  insightDaysOf,
  insightsWindow,
  type TemplateInsightDay,
  type TemplateInsightsMessage,
  templateAnalyticsParams,
  templateIdChunks,
} from '../../shared/graph-records/template-insights.ts';
import type { AppLogger } from '../../shared/powertools/logger.ts';
import type { EventQueue } from '../../shared/queue/event-queue.ts';

export type InsightsReadStatus = 'ok' | 'unavailable' | 'throttled' | 'failed';

export interface InsightsReadResult {
  readonly status: InsightsReadStatus;
  readonly templates: number;
  readonly days: number;
  /** Meta's error, when insights are not available (not enabled, or a region Meta excludes). */
  readonly reason?: string;
}

export interface ReadInsightsDependencies {
  readonly graph: GraphClient;
  readonly queue: Pick<EventQueue, 'sendMessages'>;
  readonly logger: AppLogger;
  readonly now: () => number;
}

/**
 * Reads the WABA's template insights for the days since the last successful read, 10 templates per request,
 * and queues what it read as `template-insights` messages (one per request). A refusal of the kind Meta gives
 * when insights are not enabled or not offered (a permission or parameter error on this edge alone; the WABA's
 * other edges answered) is `unavailable`: the caller reports it once and never turns insights on by itself.
 */
export async function readTemplateInsights(
  wabaId: string,
  templateIds: readonly string[],
  lastReadAt: number | undefined,
  deps: ReadInsightsDependencies,
): Promise<InsightsReadResult> {
  const readAt = deps.now();
  const window = insightsWindow(lastReadAt, readAt);
  const messages: TemplateInsightsMessage[] = [];
  let days = 0;
  let skipped = 0;
  try {
    for (const chunk of templateIdChunks(templateIds)) {
      const entries = await deps.graph.listAll<unknown>(
        `${wabaId}/template_analytics`,
        templateAnalyticsParams(chunk, window),
      );
      const read = insightDaysOf(entries);
      skipped += read.skipped;
      days += read.days.length;
      if (read.days.length > 0) messages.push(messageOf(wabaId, readAt, window.start, chunk, read.days));
    }
  } catch (error) {
    if (!(error instanceof GraphApiError)) throw error;
    const { graph } = error;
    if (graph.class === 'permission') {
      const reason = `${graph.type ?? 'GraphError'} ${graph.code ?? ''}${graph.subcode ? `/${graph.subcode}` : ''}`;
      return { status: 'unavailable', templates: templateIds.length, days: 0, reason: reason.trim() };
    }
    deps.logger.warn('template insights not read this run', {
      wabaId,
      httpStatus: error.httpStatus,
      errorClass: graph.class,
      code: graph.code,
      fbtraceId: graph.fbtraceId,
    });
    return {
      status: graph.class === 'throttled' ? 'throttled' : 'failed',
      templates: templateIds.length,
      days: 0,
    };
  }
  if (skipped > 0) deps.logger.warn('unreadable template insights skipped', { wabaId, skipped });
  if (messages.length > 0) await deps.queue.sendMessages(messages);
  return { status: 'ok', templates: templateIds.length, days };
}

function messageOf(
  wabaId: string,
  readAt: number,
  windowStart: number,
  chunk: readonly string[],
  days: readonly TemplateInsightDay[],
): TemplateInsightsMessage {
  return {
    kind: 'template-insights',
    source: 'poll',
    // Names the read, for logs; applying is idempotent whatever the id.
    id: `insights:${wabaId}:${readAt}:${windowStart}:${chunk[0] ?? ''}`,
    wabaId,
    readAt,
    days,
  };
}
