import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { errorResponse, type HttpResponse, headerOf, jsonResponse } from '../../shared/http/responses.ts';
import type { ParkedChange, ParkedChangeStore } from '../../shared/parking/parked-changes.ts';
import type { AppLogger } from '../../shared/powertools/logger.ts';
import type { Counters } from '../../shared/powertools/metrics.ts';
import type { EventQueue } from '../../shared/queue/event-queue.ts';
import type { WebhookSecrets } from '../../shared/secrets/webhook-secrets.ts';
import { type ParsedDelivery, parseWebhook, type SkippedChange } from '../../shared/webhook/parse-webhook.ts';
import { isValidMetaSignature } from '../../shared/webhook/signature.ts';
import { WebhookParseError } from '../../shared/webhook/webhook-parse-error.ts';
import { TrafficCollector } from './traffic-collector.ts';
import { answerVerification } from './verification.ts';

/** Meta sends up to 3 MB; anything far beyond is not Meta (Lambda's own request limit is 6 MB). */
export const MAX_BODY_BYTES = 5 * 1024 * 1024;

export interface IngestDependencies {
  readonly secrets: Pick<WebhookSecrets, 'appSecret' | 'verifyToken' | 'refreshAppSecret'>;
  readonly queue: Pick<EventQueue, 'send'>;
  /** Where a change that cannot be queued as it is goes, whole, before the 200 (README, "Parked changes"). */
  readonly parking: Pick<ParkedChangeStore, 'park'>;
  readonly logger: AppLogger;
  readonly counters: Counters;
  readonly now?: () => number;
  /**
   * Message tracking (`trackMessages`): also queue the non-content facts of `messages` and `user_preferences`
   * changes (README, "Traffic signals"). Off: those changes are acknowledged unread, as before.
   */
  readonly tracking?: {
    readonly queue: Pick<EventQueue, 'sendMessages'>;
    /** The traffic key (a generated secret): the facts are sealed with a key derived from it. */
    readonly trafficKey: { value(): Promise<string> };
  };
}

export type IngestHandler = (event: APIGatewayProxyEventV2) => Promise<HttpResponse>;

/**
 * The webhook endpoint: answers Meta's handshake, and for deliveries checks the signature over the raw bytes,
 * parses, and answers 200 only once every quality event is on the queue and every quality change that cannot be
 * queued as it is (unreadable, too big, too deep) is parked with the body. Logs counts, never bodies or secrets.
 */
export function createIngestHandler(deps: IngestDependencies): IngestHandler {
  const now = deps.now ?? Date.now;
  return async (event) => {
    try {
      switch (event.requestContext.http.method) {
        case 'GET':
          return answerVerification(event.queryStringParameters, await deps.secrets.verifyToken());
        case 'POST':
          return await acceptDelivery(event, deps, now());
        default:
          return errorResponse(405, 'method_not_allowed', 'use GET for verification and POST for deliveries');
      }
    } catch (error) {
      // Secrets unreadable or the queue down: non-2xx so that Meta retries the delivery later.
      deps.logger.error('webhook request failed', { error: describe(error) });
      deps.counters.count('DeliveriesFailed', 1);
      return errorResponse(500, 'internal_error', 'the delivery could not be stored; it will be retried');
    } finally {
      deps.counters.flush();
    }
  };
}

async function acceptDelivery(event: APIGatewayProxyEventV2, deps: IngestDependencies, receivedAt: number) {
  deps.counters.count('DeliveriesReceived', 1);
  const body = rawBodyOf(event);
  if (body.byteLength > MAX_BODY_BYTES) {
    return reject(deps, 413, 'payload_too_large', `body is larger than ${MAX_BODY_BYTES} bytes`);
  }
  if (!(await hasValidSignature(body, headerOf(event.headers, 'x-hub-signature-256'), deps))) {
    return reject(deps, 401, 'invalid_signature', 'X-Hub-Signature-256 is missing or does not match');
  }
  let delivery: ParsedDelivery;
  const traffic = deps.tracking ? new TrafficCollector(await deps.tracking.trafficKey.value()) : undefined;
  try {
    delivery = parseWebhook(body.toString('utf8'), { receivedAt, onOtherChange: traffic?.collect });
  } catch (error) {
    if (!(error instanceof WebhookParseError)) throw error;
    return reject(deps, 400, error.code.toLowerCase(), error.message);
  }
  const { events, skipped, changeCount } = delivery;
  const parked = skipped.filter(isParked);
  const trafficBatches = traffic?.batches(event.requestContext.requestId) ?? [];
  // All before the 200: once Meta has it acknowledged, only we hold it. Any failing answers 500 (retried).
  await Promise.all([
    events.length > 0 ? deps.queue.send(events) : undefined,
    trafficBatches.length > 0 ? deps.tracking?.queue.sendMessages(trafficBatches) : undefined,
    parked.length > 0
      ? deps.parking.park({ requestId: event.requestContext.requestId, receivedAt, changes: parked, body })
      : undefined,
  ]);

  const ignored = skipped.length - parked.length;
  const invalid = parked.filter((s) => s.reason === 'invalid').length;
  const unstorable = parked.length - invalid;
  const tests = events.filter((e) => e.isTest).length;
  deps.counters.count('EventsEnqueued', events.length);
  deps.counters.count('ChangesIgnored', ignored);
  deps.counters.count('ChangesInvalid', invalid);
  deps.counters.count('ChangesUnstorable', unstorable);
  deps.counters.count('ChangesParked', parked.length);
  deps.counters.count('TestEventsEnqueued', tests);
  if (traffic) {
    deps.counters.count('TrafficFactsEnqueued', traffic.factCount - traffic.droppedCount);
    deps.counters.count('TrafficFactsDropped', traffic.droppedCount);
  }
  for (const change of parked) {
    // Path, field and the reason only: the value may hold customer data.
    deps.logger.warn('quality change parked for replay', {
      path: change.path,
      field: change.field,
      reason: change.reason,
      detail: change.detail,
    });
  }
  deps.logger.info('webhook delivery accepted', {
    changes: changeCount,
    enqueued: events.length,
    ignored,
    parked: parked.length,
    testEvents: tests,
    ...(traffic ? { trafficFacts: traffic.factCount, trafficFactsDropped: traffic.droppedCount } : {}),
  });
  return jsonResponse(200, {
    received: changeCount,
    enqueued: events.length,
    ignored,
    invalid,
    parked: parked.length,
  });
}

function isParked(change: SkippedChange): change is SkippedChange & ParkedChange {
  return change.reason === 'invalid' || change.reason === 'unstorable';
}

/** Checks with the cached app secret, then once more with a fresh one in case the secret was rotated. */
async function hasValidSignature(
  body: Buffer,
  header: string | undefined,
  deps: IngestDependencies,
): Promise<boolean> {
  if (header === undefined) return false;
  if (isValidMetaSignature(body, header, await deps.secrets.appSecret())) return true;
  // If Secrets Manager cannot answer now, the signature stays unproven: 401, not a 5xx an attacker could cause.
  const refreshed = await deps.secrets.refreshAppSecret().catch(() => undefined);
  return refreshed !== undefined && isValidMetaSignature(body, header, refreshed);
}

function rawBodyOf(event: APIGatewayProxyEventV2): Buffer {
  const body = event.body ?? '';
  return event.isBase64Encoded ? Buffer.from(body, 'base64') : Buffer.from(body, 'utf8');
}

function reject(deps: IngestDependencies, status: number, reason: string, message: string): HttpResponse {
  deps.counters.count('DeliveriesRejected', 1, { name: 'reason', value: reason });
  deps.logger.warn('webhook delivery rejected', { status, reason });
  return errorResponse(status, reason, message);
}

function describe(error: unknown): { name: string; message: string } {
  return error instanceof Error
    ? { name: error.name, message: error.message }
    : { name: 'Unknown', message: '' };
}
