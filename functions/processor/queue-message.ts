import * as z from 'zod/mini';
import type { QualityEvent } from '../../shared/events/quality-event.ts';
import { isAwsEumNotification, parseAwsEumNotification } from '../../shared/webhook/parse-aws-eum.ts';

const EVENT_KINDS = [
  'phone-quality',
  'phone-name',
  'phone-snapshot',
  'template-status',
  'template-quality',
  'template-category',
  'template-components',
  'template-snapshot',
  'business-capability',
  'account-update',
  'account-alert',
  'poller-access',
] as const;

/** The envelope every queued event must have; the kind's own fields were validated where it was made. */
const queuedEvent = z.looseObject({
  id: z.string().check(z.minLength(1)),
  kind: z.enum(EVENT_KINDS),
  source: z.enum(['webhook', 'poll', 'aws-eum']),
  field: z.string(),
  wabaId: z.string().check(z.minLength(1)),
  eventTime: z.number(),
  isTest: z.boolean(),
  entity: z.object({
    kind: z.enum(['phone-number', 'template', 'business']),
    id: z.string().check(z.minLength(1)),
  }),
});

/** A queue message that is neither one of our events nor an End User Messaging Social notification. */
export class InvalidQueueMessageError extends Error {
  override readonly name = 'InvalidQueueMessageError';
}

/**
 * The events one SQS message carries: a normalized event from the ingest or the poller, or an AWS End User
 * Messaging Social notification (the queue subscribed to its SNS topic), normalized here.
 */
export function eventsOfMessage(body: string, receivedAt: number): QualityEvent[] {
  let message: unknown;
  try {
    message = JSON.parse(body);
  } catch {
    throw new InvalidQueueMessageError('message body is not JSON');
  }
  if (isAwsEumNotification(message)) return [...parseAwsEumNotification(message, { receivedAt }).events];
  const parsed = queuedEvent.safeParse(message);
  if (!parsed.success) {
    const problems = parsed.error.issues.map(
      (issue) => `${issue.path.join('.') || 'message'}: ${issue.message}`,
    );
    throw new InvalidQueueMessageError(`message is not a quality event (${problems.join('; ')})`);
  }
  return [parsed.data as unknown as QualityEvent];
}
