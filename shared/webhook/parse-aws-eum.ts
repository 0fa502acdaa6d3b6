import { parseJsonPreservingLargeIntegers } from './json-body.ts';
import { type ParsedDelivery, parseWebhook, WHATSAPP_OBJECT } from './parse-webhook.ts';
import { WebhookParseError } from './webhook-parse-error.ts';

/**
 * AWS End User Messaging Social delivers Meta's webhooks to an SNS topic, one Meta `entry` per notification,
 * as a JSON *string* in `whatsAppWebhookEntry` (docs/meta-quality-rules.md W4). Accepts the notification itself, or the
 * SNS envelope around it (`{"Type":"Notification","Message":"..."}`) when the queue's subscription is not raw.
 */
export function parseAwsEumNotification(
  body: string | unknown,
  options: { receivedAt: number },
): ParsedDelivery {
  let notification = typeof body === 'string' ? parseJson(body, 'notification') : body;
  if (
    isRecord(notification) &&
    notification.Type === 'Notification' &&
    typeof notification.Message === 'string'
  ) {
    notification = parseJson(notification.Message, 'SNS Message');
  }
  if (!isRecord(notification) || typeof notification.whatsAppWebhookEntry !== 'string') {
    throw new WebhookParseError(
      'NOT_A_WEBHOOK',
      'not an End User Messaging Social notification (no whatsAppWebhookEntry string)',
    );
  }
  const entry = parseJson(notification.whatsAppWebhookEntry, 'whatsAppWebhookEntry');
  return parseWebhook({ object: WHATSAPP_OBJECT, entry: [entry] }, { ...options, source: 'aws-eum' });
}

/** True when a queue message looks like an End User Messaging Social notification, wrapped or not. */
export function isAwsEumNotification(message: unknown): boolean {
  if (!isRecord(message)) return false;
  if (typeof message.whatsAppWebhookEntry === 'string') return true;
  return (
    message.Type === 'Notification' &&
    typeof message.Message === 'string' &&
    message.Message.includes('whatsAppWebhookEntry')
  );
}

function parseJson(text: string, what: string): unknown {
  try {
    return parseJsonPreservingLargeIntegers(text);
  } catch {
    throw new WebhookParseError('INVALID_JSON', `${what} is not valid JSON`);
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
