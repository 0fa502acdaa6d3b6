import { describe, expect, it } from 'vitest';
import { eventsOfMessage, InvalidQueueMessageError } from '../../../functions/processor/queue-message.ts';
import { readFixture } from '../../support/fixtures.ts';
import { change, eventOf } from '../../support/webhook-builders.ts';

describe('eventsOfMessage', () => {
  it('reads a queued normalized event back', () => {
    const event = eventOf(change.templateQuality(5, 'RED'));
    expect(eventsOfMessage(JSON.stringify(event), 0)).toEqual([JSON.parse(JSON.stringify(event))]);
  });

  it('normalizes an End User Messaging Social notification delivered through SNS', () => {
    const entry = JSON.parse(readFixture('phone_number_quality_update.flagged.meta-manage-webhooks.json'))
      .entry[0];
    const envelope = {
      Type: 'Notification',
      Message: JSON.stringify({ whatsAppWebhookEntry: JSON.stringify(entry) }),
    };
    expect(eventsOfMessage(JSON.stringify(envelope), 0)).toMatchObject([
      { kind: 'phone-quality', source: 'aws-eum' },
    ]);
  });

  it.each([
    ['not JSON', '{oops', /not JSON/],
    ['no kind', JSON.stringify({ id: 'x' }), /not a quality event \(kind/],
    [
      'an unknown kind',
      JSON.stringify({ ...eventOf(change.templateQuality(5, 'RED')), kind: 'weather' }),
      /kind/,
    ],
    [
      'no entity',
      JSON.stringify({ ...eventOf(change.templateQuality(5, 'RED')), entity: undefined }),
      /entity/,
    ],
  ])('rejects %s with a reason', (_, body, reason) => {
    expect(() => eventsOfMessage(body, 0)).toThrow(InvalidQueueMessageError);
    expect(() => eventsOfMessage(body, 0)).toThrow(reason);
  });
});
