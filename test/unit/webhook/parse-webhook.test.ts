import { describe, expect, it } from 'vitest';
import type { QualityEvent, TemplateStatusEvent } from '../../../shared/events/quality-event.ts';
import { parseWebhook } from '../../../shared/webhook/parse-webhook.ts';
import { WebhookParseError } from '../../../shared/webhook/webhook-parse-error.ts';
import { change, eventOf, eventsOf, RECEIVED_AT, WABA, webhookBody } from '../../support/webhook-builders.ts';

const parse = (body: string | unknown) => parseWebhook(body, { receivedAt: RECEIVED_AT });

function parseError(body: string | unknown): WebhookParseError {
  try {
    parse(body);
  } catch (error) {
    if (error instanceof WebhookParseError) return error;
    throw error;
  }
  throw new Error('expected a WebhookParseError');
}

describe('parseWebhook: bodies that are not webhooks', () => {
  it.each([
    ['not JSON', 'hello', 'INVALID_JSON', /not valid JSON/],
    [
      'truncated JSON',
      '{"object":"whatsapp_business_account","entry":[{"id"',
      'INVALID_JSON',
      /not valid JSON/,
    ],
    ['empty body', '', 'INVALID_JSON', /not valid JSON/],
    ['a JSON array', '[]', 'NOT_A_WEBHOOK', /not a JSON object/],
    ['a JSON string', '"entry"', 'NOT_A_WEBHOOK', /not a JSON object/],
    ['no entry', '{"object":"whatsapp_business_account"}', 'NOT_A_WEBHOOK', /no entry array/],
    ['entry not an array', '{"entry":{}}', 'NOT_A_WEBHOOK', /no entry array/],
    ['another product', '{"object":"page","entry":[]}', 'UNSUPPORTED_OBJECT', /object is "page"/],
  ])('%s → %s', (_, body, code, message) => {
    const error = parseError(body);
    expect(error.code).toBe(code);
    expect(error.message).toMatch(message);
  });

  it('never echoes the body in its message', () => {
    const secret = 'customer says: my card number is 4111';
    const error = parseError(`{"object":"whatsapp_business_account","entry":[{"id":"${secret}"`);
    expect(error.message).not.toContain('4111');
  });
});

describe('parseWebhook: an unreadable entry', () => {
  it.each([
    ['without id', { changes: [] }, /entry\[0\]\.id is missing/],
    ['that is not an object', 1, /entry\[0\] is not an object/],
    ['whose time is not a number', { id: '1', time: 'x' }, /entry\[0\]\.time is not a Unix time/],
    ['whose time is far beyond any real date', { id: '1', time: 1e13 }, /entry\[0\]\.time/],
    ['whose changes are not an array', { id: '1', changes: {} }, /changes is not an array/],
  ])('%s is skipped as invalid, and the other entries are read', (_, bad, detail) => {
    const good = JSON.parse(webhookBody(change.templateQuality(5, 'RED'))).entry[0];
    const parsed = parse({ object: 'whatsapp_business_account', entry: [bad, good] });
    expect(parsed.events).toHaveLength(1);
    expect(parsed.skipped).toEqual([
      { path: 'entry[0]', field: '', reason: 'invalid', detail: expect.stringMatching(detail) },
    ]);
  });
});

describe('parseWebhook: envelope tolerance', () => {
  it('accepts a body without `object` and without `entry.time`', () => {
    const [event] = parse({ entry: [{ id: WABA, changes: [change.templateQuality(0, 'RED')] }] }).events;
    expect(event?.eventTime).toBe(RECEIVED_AT);
    expect(event?.eventTimeFrom).toBe('received');
  });

  it('takes entry.time (seconds) as the event time, and treats 0 as missing', () => {
    expect(eventOf(change.templateQuality(1_758_499_200, 'RED')).eventTime).toBe(1_758_499_200_000);
    expect(eventOf(change.templateQuality(0, 'RED')).eventTime).toBe(RECEIVED_AT);
  });

  it('reads every entry and every change of a batch, in order', () => {
    const body = webhookBody(
      change.templateQuality(10, 'RED'),
      { field: 'messages', value: { messages: [] }, time: 11 },
      change.phoneQuality(12, 'FLAGGED'),
    );
    const parsed = parse(body);
    expect(parsed.changeCount).toBe(3);
    expect(parsed.events.map((e) => e.kind)).toEqual(['template-quality', 'phone-quality']);
    expect(parsed.skipped).toEqual([
      { path: 'entry[1].changes[0]', field: 'messages', reason: 'not-quality' },
    ]);
  });

  it('classifies unknown fields as ignored, not errors', () => {
    const parsed = parse(webhookBody({ field: 'brand_new_field_2027', value: { x: 1 }, time: 1 }));
    expect(parsed.events).toEqual([]);
    expect(parsed.skipped).toEqual([
      { path: 'entry[0].changes[0]', field: 'brand_new_field_2027', reason: 'unknown-field' },
    ]);
  });

  it('reports an unreadable quality change as skipped and keeps the rest of the delivery', () => {
    const body = webhookBody(
      { field: 'message_template_quality_update', value: { new_quality_score: 'RED' }, time: 1 },
      { field: 'phone_number_quality_update', value: 'FLAGGED', time: 1 },
      change.templateQuality(2, 'GREEN'),
    );
    const parsed = parse(body);
    expect(parsed.events).toHaveLength(1);
    expect(parsed.skipped.map((s) => [s.reason, s.field])).toEqual([
      ['invalid', 'message_template_quality_update'],
      ['invalid', 'phone_number_quality_update'],
    ]);
    expect(parsed.skipped[0]?.detail).toMatch(/message_template_id/);
  });

  it('reports a change without a field name as skipped', () => {
    const parsed = parse({ entry: [{ id: WABA, changes: [{ value: {} }, 7] }] });
    expect(parsed.skipped.map((s) => s.reason)).toEqual(['invalid', 'invalid']);
  });

  it('marks App Dashboard test deliveries (entry.id "0") as tests', () => {
    expect(eventOf({ ...change.phoneQuality(1, 'FLAGGED'), waba: '0' }).isTest).toBe(true);
    expect(eventOf(change.phoneQuality(1, 'FLAGGED')).isTest).toBe(false);
  });
});

describe('parseWebhook: deterministic event ids', () => {
  const quality = change.templateQuality(1_700_000_000, 'RED', 'YELLOW');

  it('gives the same change the same id in any delivery, batch position, envelope key order or formatting', () => {
    const alone = eventOf(quality);
    const inBatch = parse(webhookBody(change.phoneQuality(5, 'FLAGGED'), quality)).events[1];
    // Quirk 11: `field` after `value`, `object` last, tabs and newlines.
    const reformatted = parse(
      `{"entry":[{"changes":[{"value":{\n\t"message_template_id":1304694804498707,"message_template_name":"cart_reminder",` +
        `"message_template_language":"en","new_quality_score":"RED","previous_quality_score":"YELLOW"},\n` +
        `"field":"message_template_quality_update"}],"time":1700000000,"id":"${WABA}"}],"object":"whatsapp_business_account"}`,
    ).events[0];
    expect(inBatch?.id).toBe(alone.id);
    expect(reformatted?.id).toBe(alone.id);
  });

  it('gives a different id to the same value at another time, in another WABA or from another source', () => {
    const base = eventOf(quality);
    expect(eventOf({ ...quality, time: 1_700_000_001 }).id).not.toBe(base.id);
    expect(eventOf({ ...quality, waba: '999' }).id).not.toBe(base.id);
    const viaEum = parseWebhook(webhookBody(quality), { receivedAt: RECEIVED_AT, source: 'aws-eum' })
      .events[0];
    expect(viaEum?.id).not.toBe(base.id);
  });

  it('keeps the id of a change without entry.time stable across redeliveries', () => {
    const body = webhookBody(change.templateQuality(0, 'RED'));
    const first = parseWebhook(body, { receivedAt: 1 }).events[0];
    const retry = parseWebhook(body, { receivedAt: 999_999 }).events[0];
    expect(retry?.id).toBe(first?.id);
  });
});

describe('parseWebhook: payload quirks', () => {
  it('routes a quality update that Meta labelled message_template_status_update by its shape', () => {
    const wrong = eventOf({
      ...change.templateQuality(5, 'YELLOW', 'GREEN'),
      field: 'message_template_status_update',
    });
    const right = eventOf(change.templateQuality(5, 'YELLOW', 'GREEN'));
    expect(wrong.kind).toBe('template-quality');
    expect(wrong.field).toBe('message_template_quality_update');
    expect(wrong.id).toBe(right.id);
  });

  it('keeps every digit of a template id beyond 2^53', () => {
    const body = `{"entry":[{"id":"1","time":5,"changes":[{"field":"message_template_status_update","value":{"event":"APPROVED","message_template_id":123456789012345678901}}]}]}`;
    const [event] = parse(body).events as TemplateStatusEvent[];
    expect(event?.templateId).toBe('123456789012345678901');
    expect(event?.entity.id).toBe('1:123456789012345678901');
  });

  it('reads ids given as numbers or strings as the same entity', () => {
    const asNumber = eventOf(change.templateStatus(5, 'APPROVED', { message_template_id: 806312974732579 }));
    const asString = eventOf(
      change.templateStatus(5, 'APPROVED', { message_template_id: '806312974732579' }),
    );
    expect(asNumber.entity).toEqual(asString.entity);
  });

  it.each([
    ['"NONE"', 'NONE'],
    ['null', null],
    ['absent', undefined],
  ])('reads reason %s as no reason', (_, reason) => {
    const event = eventOf(change.templateStatus(5, 'APPROVED', { reason })) as TemplateStatusEvent;
    expect(event.reason).toBeUndefined();
  });

  it('keeps an unknown enum value raw and codes it UNKNOWN', () => {
    const event = eventOf(change.templateStatus(5, 'QUARANTINED')) as TemplateStatusEvent;
    expect(event.status).toEqual({ code: 'UNKNOWN', raw: 'QUARANTINED' });
  });

  it('puts a webhook (bare digits) and a formatted display number on the same phone entity', () => {
    const digits = eventOf(change.phoneQuality(5, 'FLAGGED', { display_phone_number: '15550783881' }));
    const formatted = eventOf(change.phoneQuality(5, 'FLAGGED', { display_phone_number: '+1 555-078-3881' }));
    expect(formatted.entity).toEqual(digits.entity);
    expect(digits.entity.id).toBe(`${WABA}:15550783881`);
  });

  it('reads legacy and 2025+ limit fields side by side: current_limit for the number, the portfolio field for the business', () => {
    const events = eventsOf(
      change.phoneQuality(5, 'UPGRADE', {
        old_limit: 'TIER_1K',
        current_limit: 'TIER_10K',
        max_daily_conversations_per_business: 'TIER_100K',
      }),
    );
    expect(events.map((e) => e.kind)).toEqual(['phone-quality', 'business-capability']);
    const [phone, business] = events as [
      QualityEvent & { messagingLimit?: { tier: string } },
      QualityEvent & { messagingLimit?: { tier: string } },
    ];
    expect(phone.messagingLimit?.tier).toBe('TIER_10K');
    expect(business.messagingLimit?.tier).toBe('TIER_100K');
    expect(business.id).not.toBe(phone.id);
  });

  it('does not read TIER_UNLIMITED on THROUGHPUT_UPGRADE as a messaging limit', () => {
    const event = eventOf(change.phoneQuality(5, 'THROUGHPUT_UPGRADE', { current_limit: 'TIER_UNLIMITED' }));
    expect(event).toMatchObject({ kind: 'phone-quality', messagingLimit: undefined });
  });

  it.each([
    [{ max_daily_conversations_per_business: 2000 }, 'TIER_2K'],
    [{ max_daily_conversations_per_business: 'TIER_10K' }, 'TIER_10K'],
    [{ max_daily_conversation_per_phone: -1 }, 'TIER_UNLIMITED'],
    [{ max_daily_conversation_per_phone: 1000 }, 'TIER_1K'],
  ])('reads business capability %j as %s', (value, tier) => {
    expect(eventOf(change.capability(5, value))).toMatchObject({ messagingLimit: { tier } });
  });

  it('reads the impending category notice: new_category is current, correct_category is coming', () => {
    const event = eventOf(
      change.templateCategory(5, {
        new_category: 'UTILITY',
        correct_category: 'MARKETING',
        category_update_timestamp: 1746169200,
      }),
    );
    expect(event).toMatchObject({
      stage: 'impending',
      category: { code: 'UTILITY' },
      upcomingCategory: { code: 'MARKETING' },
      upcomingAt: '2025-05-02T07:00:00.000Z',
    });
  });

  it('reads account_alerts in the documented nested shape and in the flat dashboard shape', () => {
    const nested = eventOf(
      change.accountAlert(5, {
        alert_type: 'OBA_APPROVED',
        alert_severity: 'INFORMATIONAL',
        alert_status: 'NONE',
      }),
    );
    const flat = eventOf({
      field: 'account_alerts',
      time: 5,
      value: {
        entity_id: 123456,
        entity_type: 'WABA',
        alert_type: 'OBA_APPROVED',
        alert_severity: 'INFORMATIONAL',
        alert_status: 'NONE',
      },
    });
    for (const event of [nested, flat]) {
      expect(event).toMatchObject({
        kind: 'account-alert',
        alertType: 'OBA_APPROVED',
        severity: { code: 'INFORMATIONAL' },
      });
    }
    expect(flat).toMatchObject({ subjectId: '123456' });
  });

  it.each(['', '  '])('reads an account alert whose type is %j as type UNKNOWN', (alertType) => {
    const event = eventOf(change.accountAlert(5, { alert_type: alertType, alert_severity: 'INFORMATIONAL' }));
    expect(event).toMatchObject({ kind: 'account-alert', alertType: 'UNKNOWN' });
  });

  it.each([
    [1739400000, '2025-02-12T22:40:00.000Z'],
    ['January 31, 2021', '2021-01-31T00:00:00.000Z'],
    ['<TIMESTAMP>', '<TIMESTAMP>'],
    [1e17, '100000000000000000'],
    ['99999999999999999', '99999999999999999'],
  ])('reads the disable date %j', (disableDate, expected) => {
    const event = eventOf(
      change.templateStatus(5, 'FLAGGED', { disable_info: { disable_date: disableDate } }),
    );
    expect(event).toMatchObject({ disableDate: expected });
  });

  it('keeps locale codes as sent', () => {
    const event = eventOf(change.templateStatus(5, 'APPROVED', { message_template_language: 'pt_BR' }));
    expect(event).toMatchObject({ language: 'pt_BR' });
  });
});
