import type { QualityEvent } from '../../shared/events/quality-event.ts';
import { GraphApiError, type GraphClient } from '../../shared/graph/graph-client.ts';
import {
  phoneSnapshotOf,
  polledPhoneNumber,
  polledTemplate,
  pollerAccessEventOf,
  templateSnapshotOf,
} from '../../shared/graph/polled-records.ts';
import type { AppLogger } from '../../shared/powertools/logger.ts';
import type { EventQueue } from '../../shared/queue/event-queue.ts';

/** Items per page: Graph's cursor paging; fewer pages means fewer calls against the hourly budget. */
export const PAGE_SIZE = 100;

/**
 * The fields asked for explicitly (most are not returned by default). From v24.0 the messaging limit is the
 * portfolio's `whatsapp_business_manager_messaging_limit`; `messaging_limit_tier` is the older, per-number one.
 */
export function phoneNumberFields(version: string): string {
  const major = Number(/^v?(\d+)/.exec(version)?.[1] ?? '0');
  const limit = major >= 24 ? 'whatsapp_business_manager_messaging_limit' : 'messaging_limit_tier';
  return [
    'id',
    'display_phone_number',
    'verified_name',
    'quality_rating',
    'status',
    'name_status',
    'throughput',
    limit,
    'health_status',
  ].join(',');
}

export const TEMPLATE_FIELDS = 'id,name,language,status,category,quality_score';

export type WabaPollStatus = 'ok' | 'denied' | 'throttled' | 'failed';

export interface WabaPollResult {
  readonly wabaId: string;
  readonly status: WabaPollStatus;
  readonly phoneNumbers: number;
  readonly templates: number;
  readonly skippedRecords: number;
  readonly calls: number;
}

export interface PollWabaDependencies {
  readonly graph: GraphClient;
  readonly queue: Pick<EventQueue, 'send'>;
  readonly logger: AppLogger;
  readonly version: string;
  readonly now: () => number;
  readonly pageSize?: number;
}

/**
 * Reads one WABA's phone numbers and templates and queues them as `poll` events, plus whether access worked.
 * A denial (expired token, missing permission) is queued too, so the processor alerts once; a throttle or a
 * transient failure just ends this WABA's poll until the next run.
 */
export async function pollWaba(wabaId: string, deps: PollWabaDependencies): Promise<WabaPollResult> {
  const polledAt = deps.now();
  const ctx = { wabaId, polledAt };
  const result = (
    status: WabaPollStatus,
    phoneNumbers = 0,
    templates = 0,
    skippedRecords = 0,
  ): WabaPollResult => ({
    wabaId,
    status,
    phoneNumbers,
    templates,
    skippedRecords,
    calls: deps.graph.callCount,
  });
  try {
    const phoneRecords = await deps.graph.listAll<unknown>(`${wabaId}/phone_numbers`, {
      fields: phoneNumberFields(deps.version),
      limit: String(deps.pageSize ?? PAGE_SIZE),
    });
    const templateRecords = await deps.graph.listAll<unknown>(`${wabaId}/message_templates`, {
      fields: TEMPLATE_FIELDS,
      limit: String(deps.pageSize ?? PAGE_SIZE),
    });
    const events: QualityEvent[] = [];
    let skipped = 0;
    for (const record of phoneRecords) {
      const parsed = polledPhoneNumber.safeParse(record);
      if (parsed.success) events.push(phoneSnapshotOf(parsed.data, ctx));
      else skipped += 1;
    }
    for (const record of templateRecords) {
      const parsed = polledTemplate.safeParse(record);
      if (parsed.success) events.push(templateSnapshotOf(parsed.data, ctx));
      else skipped += 1;
    }
    if (skipped > 0) deps.logger.warn('unreadable Graph API records skipped', { wabaId, skipped });
    events.push(pollerAccessEventOf(ctx, 'ok'));
    await deps.queue.send(events);
    return result('ok', phoneRecords.length, templateRecords.length, skipped);
  } catch (error) {
    if (!(error instanceof GraphApiError)) throw error;
    const { graph } = error;
    deps.logger.warn('Graph API refused the poll', {
      wabaId,
      httpStatus: error.httpStatus,
      errorClass: graph.class,
      code: graph.code,
      subcode: graph.subcode,
      fbtraceId: graph.fbtraceId,
    });
    if (graph.class === 'auth' || graph.class === 'permission') {
      const detail = `${graph.class} ${graph.code ?? ''}${graph.subcode ? `/${graph.subcode}` : ''}`.trim();
      await deps.queue.send([pollerAccessEventOf(ctx, 'denied', detail)]);
      return result('denied');
    }
    return result(graph.class === 'throttled' ? 'throttled' : 'failed');
  }
}
