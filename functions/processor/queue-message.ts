import type { QualityEvent, QualityEventKind } from '../../shared/events/quality-event.ts';
import { QUALITY_EVENT_SCHEMAS } from '../../shared/events/quality-event-schemas.ts';
import type { TemplateInsightsMessage } from '../../shared/graph-records/template-insights.ts';
import { versionProblem } from '../../shared/queue/queue-message.ts';
import { isAwsEumNotification, parseAwsEumNotification } from '../../shared/webhook/parse-aws-eum.ts';
import { WebhookParseError } from '../../shared/webhook/webhook-parse-error.ts';
import { InvalidQueueMessageError, problemsOf } from './invalid-queue-message.ts';
import { templateInsightsOf } from './template-insights-message.ts';
import { type QueuedTrafficBatch, trafficBatchOf } from './traffic-message.ts';

/** What one SQS message asks the processor to do, checked against its kind's schema. */
export type QueuedWork =
  | { readonly kind: 'events'; readonly events: readonly QualityEvent[] }
  | { readonly kind: 'traffic'; readonly batch: QueuedTrafficBatch }
  | { readonly kind: 'template-insights'; readonly insights: TemplateInsightsMessage };

const isEventKind = (kind: unknown): kind is QualityEventKind =>
  typeof kind === 'string' && Object.hasOwn(QUALITY_EVENT_SCHEMAS, kind);

/**
 * Reads one SQS message body: a quality event, a traffic batch or template insights from our producers (version
 * and shape checked), or an AWS End User Messaging Social notification (the queue subscribed to its SNS topic;
 * written by AWS, so it has no version of ours, and normalized here). Throws InvalidQueueMessageError otherwise.
 */
export function readQueueMessage(body: string, receivedAt: number): QueuedWork {
  let message: unknown;
  try {
    message = JSON.parse(body);
  } catch {
    throw new InvalidQueueMessageError('not-json', 'message body is not JSON');
  }
  if (isAwsEumNotification(message)) return { kind: 'events', events: awsEumEventsOf(message, receivedAt) };
  if (typeof message !== 'object' || message === null || Array.isArray(message)) {
    throw new InvalidQueueMessageError('shape', 'message is not a JSON object');
  }
  const version = versionProblem(message);
  if (version) throw new InvalidQueueMessageError('version', version);
  const { v: _version, ...content } = message as { v?: unknown; kind?: unknown };
  if (content.kind === 'traffic') return { kind: 'traffic', batch: trafficBatchOf(content) };
  if (content.kind === 'template-insights') {
    return { kind: 'template-insights', insights: templateInsightsOf(content) };
  }
  if (!isEventKind(content.kind)) {
    throw new InvalidQueueMessageError(
      'kind',
      `message is not a quality event (kind: ${kindShown(content.kind)} is not a kind this code reads)`,
    );
  }
  const parsed = QUALITY_EVENT_SCHEMAS[content.kind].safeParse(content);
  if (!parsed.success) {
    throw new InvalidQueueMessageError(
      'shape',
      `message is not a valid ${content.kind} event (${problemsOf(parsed.error)})`,
    );
  }
  return { kind: 'events', events: [parsed.data] };
}

/** A notification AWS wrote that is not readable (e.g. its entry is not JSON) is refused and counted like ours. */
function awsEumEventsOf(message: unknown, receivedAt: number): readonly QualityEvent[] {
  try {
    return parseAwsEumNotification(message, { receivedAt }).events;
  } catch (error) {
    if (!(error instanceof WebhookParseError)) throw error;
    throw new InvalidQueueMessageError(
      'shape',
      `message is not a readable End User Messaging Social notification (${error.message})`,
    );
  }
}

/** A kind is ours to name in a log only when it looks like one; anything else is described, not echoed. */
function kindShown(kind: unknown): string {
  if (kind === undefined) return '(none)';
  return typeof kind === 'string' && /^[a-z][a-z-]{0,39}$/.test(kind)
    ? `"${kind}"`
    : `of type ${typeof kind}`;
}
