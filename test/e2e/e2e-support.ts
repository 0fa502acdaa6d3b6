import { GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { phoneNumberOf, templateOf } from '../../functions/api/api-items.ts';
import type { LocalPipeline } from '../../local/pipeline.ts';
import { fetchAllItems } from '../../local/read-client.ts';
import { eventVersionOf } from '../../shared/events/event-identity.ts';
import type { QualityEvent } from '../../shared/events/quality-event.ts';
import type { PhoneNumberState, TemplateState } from '../../shared/state/entity-state.ts';
import { foldEvents } from '../support/fold-events.ts';

export const APP_SECRET = 'e2e-app-secret';
export const VERIFY_TOKEN = 'e2e-verify-token';

/** Every item of a paginated read route. */
export const fetchAll = fetchAllItems;

async function queueDepth(sqs: SQSClient, queueUrl: string): Promise<number> {
  const { Attributes = {} } = await sqs.send(
    new GetQueueAttributesCommand({
      QueueUrl: queueUrl,
      AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
    }),
  );
  return (
    Number(Attributes.ApproximateNumberOfMessages ?? 0) +
    Number(Attributes.ApproximateNumberOfMessagesNotVisible ?? 0)
  );
}

/**
 * Waits until the event queue is empty (nothing waiting, nothing in flight), alerts stopped arriving, and every
 * alert recorded in the table has come off the topic (on a busy machine the last ones can trail the queue).
 */
export async function waitUntilQuiet(pipeline: LocalPipeline, timeoutMs = 180_000): Promise<void> {
  const sqs = new SQSClient({});
  const deadline = Date.now() + timeoutMs;
  let quietChecks = 0;
  let alertsSeen = pipeline.alerts.received.length;
  while (Date.now() < deadline) {
    const depth = await queueDepth(sqs, pipeline.resources.eventQueueUrl).catch(() => 1);
    const alerts = pipeline.alerts.received.length;
    const stored = await fetchAll(pipeline.url, '/v1/alerts').then(
      (items) => items.length,
      () => -1,
    );
    quietChecks = depth === 0 && alerts === alertsSeen && stored <= alerts ? quietChecks + 1 : 0;
    alertsSeen = alerts;
    if (quietChecks >= 4) return;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  throw new Error('the pipeline did not settle in time');
}

export async function deadLetterDepth(pipeline: LocalPipeline): Promise<number> {
  return queueDepth(new SQSClient({}), pipeline.resources.deadLetterQueueUrl);
}

/** What the read API must show once the events are applied, computed by applying them once in event-time order. */
export function expectedReadModel(events: readonly QualityEvent[]) {
  const unique = [...new Map(events.map((e) => [e.id, e])).values()];
  const ordered = unique.sort((a, b) => (eventVersionOf(a) < eventVersionOf(b) ? -1 : 1));
  const states = [...foldEvents(ordered).states.values()];
  const byId = (a: { id: string }, b: { id: string }) => (a.id < b.id ? -1 : 1);
  return {
    phoneNumbers: states
      .filter((s): s is PhoneNumberState => s.kind === 'phone-number')
      .map(phoneNumberOf)
      .sort(byId),
    templates: states
      .filter((s): s is TemplateState => s.kind === 'template')
      .map(templateOf)
      .sort(byId),
  };
}

/** JSON round trip: what the HTTP answer holds (undefined members gone). */
export const asJson = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

export async function actualReadModel(baseUrl: string) {
  const byId = (a: Record<string, unknown>, b: Record<string, unknown>) =>
    String(a.id) < String(b.id) ? -1 : 1;
  return {
    phoneNumbers: (await fetchAll(baseUrl, '/v1/phone-numbers')).sort(byId),
    templates: (await fetchAll(baseUrl, '/v1/templates')).sort(byId),
  };
}
