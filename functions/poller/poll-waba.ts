import { createHash } from 'node:crypto';
import type { QualityEvent } from '../../shared/events/quality-event.ts';
import { GraphApiError, type GraphClient } from '../../shared/graph/graph-client.ts';
import {
  phoneSnapshotOf,
  polledPhoneNumber,
  polledTemplate,
  pollerAccessEventOf,
  templateSnapshotOf,
} from '../../shared/graph-records/polled-records.ts';
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
  /** Records left out because they read exactly as in the previous poll (see `previous`). */
  readonly unchangedRecords: number;
  /** One per record read, to compare the next poll with. */
  readonly fingerprints: readonly string[];
  /** Meta's ids of the templates read (changed or not): whose insights to read. */
  readonly templateIds: readonly string[];
}

/** What the previous poll of the WABA saw: records that read the same are not sent again. */
export interface PreviousPoll {
  readonly fingerprints: ReadonlySet<string>;
  /** The previous poll could read the WABA: an `ok` access event would tell the processor nothing new. */
  readonly accessOk: boolean;
}

export interface PollWabaDependencies {
  readonly graph: GraphClient;
  readonly queue: Pick<EventQueue, 'send'>;
  readonly logger: AppLogger;
  readonly version: string;
  readonly now: () => number;
  readonly pageSize?: number;
  /** Leave out records unchanged since this poll; without it every record is sent. */
  readonly previous?: PreviousPoll;
}

/** A short, stable digest of one record as Graph returned it (with the edge it came from). */
export function recordFingerprint(edge: string, record: unknown): string {
  return createHash('sha256')
    .update(edge)
    .update('\0')
    .update(JSON.stringify(record))
    .digest('base64url')
    .slice(0, 16);
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
    unchangedRecords = 0,
    fingerprints: readonly string[] = [],
    templateIds: readonly string[] = [],
  ): WabaPollResult => ({
    wabaId,
    status,
    phoneNumbers,
    templates,
    skippedRecords,
    calls: deps.graph.callCount,
    unchangedRecords,
    fingerprints,
    templateIds,
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
    const fingerprints: string[] = [];
    const templateIds: string[] = [];
    let skipped = 0;
    let unchanged = 0;
    // Unchanged since the last poll: the processor would only record it again (a marker and a history item
    // per record and run, the bulk of the cost at thousands of WABAs), so it is left out.
    const isNew = (edge: string, record: unknown) => {
      const fingerprint = recordFingerprint(edge, record);
      fingerprints.push(fingerprint);
      if (deps.previous?.fingerprints.has(fingerprint)) {
        unchanged += 1;
        return false;
      }
      return true;
    };
    for (const record of phoneRecords) {
      const parsed = polledPhoneNumber.safeParse(record);
      if (!parsed.success) skipped += 1;
      else if (isNew('phone_numbers', record)) events.push(phoneSnapshotOf(parsed.data, ctx));
    }
    for (const record of templateRecords) {
      const parsed = polledTemplate.safeParse(record);
      if (!parsed.success) skipped += 1;
      else {
        templateIds.push(parsed.data.id);
        if (isNew('message_templates', record)) events.push(templateSnapshotOf(parsed.data, ctx));
      }
    }
    if (skipped > 0) deps.logger.warn('unreadable Graph API records skipped', { wabaId, skipped });
    if (!deps.previous?.accessOk) events.push(pollerAccessEventOf(ctx, 'ok'));
    if (events.length > 0) await deps.queue.send(events);
    return result(
      'ok',
      phoneRecords.length,
      templateRecords.length,
      skipped,
      unchanged,
      fingerprints,
      templateIds,
    );
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
