import { describe, expect, it } from 'vitest';
import { isAwsEumNotification, parseAwsEumNotification } from '../../../shared/webhook/parse-aws-eum.ts';
import { parseWebhook } from '../../../shared/webhook/parse-webhook.ts';
import { WebhookParseError } from '../../../shared/webhook/webhook-parse-error.ts';
import { readFixture } from '../../support/fixtures.ts';

const RECEIVED_AT = Date.UTC(2026, 10, 1);

/** The End User Messaging Social event around one Meta entry, as its documentation shows it. */
function eumNotification(entry: unknown) {
  return {
    context: {
      MetaWabaIds: [
        { wabaId: '102290129340398', arn: 'arn:aws:social-messaging:us-east-1:123456789012:waba/fb25' },
      ],
      MetaPhoneNumberIds: [],
    },
    whatsAppWebhookEntry: JSON.stringify(entry),
    aws_account_id: '123456789012',
    message_timestamp: '2025-01-08T23:30:43.271279391Z',
    messageId: '6d69f07a-c317-4278-9d5c-6a84078419ec',
  };
}

const fixture = JSON.parse(
  readFixture('message_template_status_update.paused_first_pause.synthetic-constructed.json'),
);
const entry = fixture.entry[0];

describe('parseAwsEumNotification', () => {
  it('reads the Meta entry inside whatsAppWebhookEntry with source aws-eum', () => {
    const parsed = parseAwsEumNotification(JSON.stringify(eumNotification(entry)), {
      receivedAt: RECEIVED_AT,
    });
    const direct = parseWebhook(fixture, { receivedAt: RECEIVED_AT }).events[0];
    expect(parsed.events).toHaveLength(1);
    expect(parsed.events[0]).toMatchObject({
      kind: 'template-status',
      source: 'aws-eum',
      entity: direct?.entity,
    });
  });

  it('unwraps the SNS envelope of a non-raw subscription', () => {
    const envelope = {
      Type: 'Notification',
      MessageId: 'x',
      TopicArn: 'arn:aws:sns:...',
      Message: JSON.stringify(eumNotification(entry)),
    };
    expect(isAwsEumNotification(envelope)).toBe(true);
    expect(parseAwsEumNotification(envelope, { receivedAt: RECEIVED_AT }).events).toHaveLength(1);
  });

  it('keeps big template ids exact inside the JSON string', () => {
    const raw = `{"whatsAppWebhookEntry":"{\\"id\\":\\"1\\",\\"time\\":5,\\"changes\\":[{\\"field\\":\\"message_template_quality_update\\",\\"value\\":{\\"message_template_id\\":123456789012345678901,\\"new_quality_score\\":\\"RED\\"}}]}"}`;
    expect(parseAwsEumNotification(raw, { receivedAt: RECEIVED_AT }).events[0]).toMatchObject({
      templateId: '123456789012345678901',
    });
  });

  it.each([
    ['a Meta webhook body', JSON.stringify(fixture), 'NOT_A_WEBHOOK'],
    ['not JSON', 'nope', 'INVALID_JSON'],
    ['an entry that is not JSON', JSON.stringify({ whatsAppWebhookEntry: '{broken' }), 'INVALID_JSON'],
  ])('rejects %s with a clear error', (_, body, code) => {
    try {
      parseAwsEumNotification(body, { receivedAt: RECEIVED_AT });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(WebhookParseError);
      expect((error as WebhookParseError).code).toBe(code);
    }
  });

  it('tells our own queue messages apart from End User Messaging Social ones', () => {
    expect(isAwsEumNotification(eumNotification(entry))).toBe(true);
    expect(isAwsEumNotification({ kind: 'template-status', id: 'x' })).toBe(false);
    expect(isAwsEumNotification('text')).toBe(false);
  });
});
