import { describe, expect, it } from 'vitest';
import {
  InvalidQueueMessageError,
  type QueueMessageProblem,
} from '../../../functions/processor/invalid-queue-message.ts';
import { readQueueMessage } from '../../../functions/processor/queue-message.ts';
import {
  type EventOfKind,
  QUALITY_EVENT_KINDS,
  type QualityEvent,
  type QualityEventKind,
} from '../../../shared/events/quality-event.ts';
import {
  phoneSnapshotOf,
  polledPhoneNumber,
  polledTemplate,
  pollerAccessEventOf,
  templateSnapshotOf,
} from '../../../shared/graph-records/polled-records.ts';
import { templateReadRateEventOf } from '../../../shared/insights/read-rate-event.ts';
import { queueMessageBody } from '../../../shared/queue/queue-message.ts';
import { sealKeyFromSecret, sealText } from '../../../shared/traffic/sealed-text.ts';
import { phoneTrafficWarningEventOf } from '../../../shared/traffic/warning-event.ts';
import { parseWebhook } from '../../../shared/webhook/parse-webhook.ts';
import { eventsOfMessage } from '../../support/events-of-message.ts';
import { readFixture } from '../../support/fixtures.ts';
import { FIXTURE_PHONE_NUMBERS, FIXTURE_TEMPLATES } from '../../support/graph-fixtures.ts';
import { change, eventOf, WABA } from '../../support/webhook-builders.ts';

const T = Date.UTC(2026, 0, 1);
const POLL = { wabaId: WABA, polledAt: T };
const KEY = sealKeyFromSecret('app-secret');

function ofKind<K extends QualityEventKind>(kind: K, events: readonly QualityEvent[]): EventOfKind<K> {
  const event = events.find((e): e is EventOfKind<K> => e.kind === kind);
  if (!event) throw new Error(`no ${kind} event`);
  return event;
}
const fromFixture = <K extends QualityEventKind>(kind: K, name: string) =>
  ofKind(kind, parseWebhook(readFixture(name), { receivedAt: T }).events);

/** One event of every kind, as its producer makes it (keyed by the kind list: a new kind needs a sample). */
const SAMPLES: { readonly [K in QualityEventKind]: () => EventOfKind<K> } = {
  'phone-quality': () => ofKind('phone-quality', [eventOf(change.phoneQuality(1_760_000_000, 'FLAGGED'))]),
  'phone-name': () => ofKind('phone-name', [eventOf(change.phoneName(1_760_000_000, 'APPROVED'))]),
  'phone-snapshot': () => phoneSnapshotOf(polledPhoneNumber.parse(FIXTURE_PHONE_NUMBERS[0]), POLL),
  'phone-traffic-warning': () =>
    phoneTrafficWarningEventOf(
      `${WABA}:15550783881`,
      {
        warning: 'firstResponse',
        verdict: { status: 'HIGH', hour: '2026-01-01T10', samples: 20, p90Seconds: null, targetSeconds: 900 },
      },
      T,
    ),
  'template-status': () =>
    fromFixture('template-status', 'message_template_status_update.rejected_invalid_format.meta-docs.json'),
  'template-quality': () =>
    ofKind('template-quality', [eventOf(change.templateQuality(1_760_000_000, 'RED'))]),
  'template-category': () =>
    fromFixture(
      'template-category',
      'template_category_update.impending_utility_to_marketing.meta-docs.json',
    ),
  'template-components': () =>
    fromFixture(
      'template-components',
      'message_template_components_update.order_confirmation.meta-docs.json',
    ),
  'template-read-rate': () =>
    templateReadRateEventOf(WABA, '1304694804498707', {
      status: 'LOW',
      day: '2026-01-01',
      readRate: 0.2,
      delivered: 400,
      baselineMedian: 0.7,
      baselineDays: 14,
    }),
  'template-snapshot': () => templateSnapshotOf(polledTemplate.parse(FIXTURE_TEMPLATES[0]), POLL),
  'business-capability': () =>
    fromFixture('business-capability', 'business_capability_update.portfolio_limit_int.meta-docs.json'),
  'account-update': () =>
    fromFixture('account-update', 'account_update.account_restriction.pywa-copy-of-meta-docs.json'),
  'account-alert': () =>
    fromFixture('account-alert', 'account_alerts.increased_capabilities_deferred.meta-docs.json'),
  'poller-access': () => pollerAccessEventOf(POLL, 'denied', 'auth 190/463'),
};

/** A field each kind cannot do without (beyond the envelope). */
const REQUIRED: { readonly [K in QualityEventKind]: keyof EventOfKind<K> & string } = {
  'phone-quality': 'event',
  'phone-name': 'decision',
  'phone-snapshot': 'phoneNumberId',
  'phone-traffic-warning': 'verdict',
  'template-status': 'status',
  'template-quality': 'qualityScore',
  'template-category': 'stage',
  'template-components': 'templateId',
  'template-read-rate': 'verdict',
  'template-snapshot': 'templateId',
  'business-capability': 'wabaId',
  'account-update': 'event',
  'account-alert': 'severity',
  'poller-access': 'access',
};

/** The event as the queue hands it back: what JSON keeps of it. */
const asJson = (event: QualityEvent): unknown => JSON.parse(JSON.stringify(event));
const withVersion = (v: unknown, message: object) => JSON.stringify({ v, ...message });

function refusal(body: string): { problem: QueueMessageProblem; message: string } {
  try {
    readQueueMessage(body, 0);
  } catch (error) {
    if (error instanceof InvalidQueueMessageError) return { problem: error.problem, message: error.message };
    throw error;
  }
  throw new Error('the message was accepted');
}

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

  it('refuses a traffic batch: it holds no quality event', () => {
    const batch = { kind: 'traffic', source: 'webhook', id: 'r:0', facts: [] };
    expect(() => eventsOfMessage(queueMessageBody(batch), 0)).toThrow(
      /traffic message holds no quality event/,
    );
  });
});

describe('queue messages, every kind', () => {
  it('has a sample and a required field for every kind of the one list', () => {
    expect(Object.keys(SAMPLES).sort()).toEqual([...QUALITY_EVENT_KINDS].sort());
  });

  describe.each(QUALITY_EVENT_KINDS)('%s', (kind) => {
    const sample = () => SAMPLES[kind]() as QualityEvent;
    const required = REQUIRED[kind];

    it('reads back what its producer wrote, through queueMessageBody', () => {
      const body = queueMessageBody(sample());
      expect(body.startsWith('{"v":1,')).toBe(true);
      expect(readQueueMessage(body, 0)).toEqual({ kind: 'events', events: [asJson(sample())] });
    });

    // Written before versions existed (one may wait 14 days in the DLQ): today's shape is version 1 without `v`.
    it('reads a message without a version as version 1', () => {
      expect(readQueueMessage(JSON.stringify(sample()), 0)).toEqual({
        kind: 'events',
        events: [asJson(sample())],
      });
    });

    it.each([
      [2, /unknown message version 2 \(this code reads version 1\)/],
      [0, /unknown message version 0/],
      ['1', /unknown message version of type string/],
      [null, /unknown message version of type object/],
    ])('refuses version %j', (v, reason) => {
      const refused = refusal(withVersion(v, sample()));
      expect(refused.problem).toBe('version');
      expect(refused.message).toMatch(reason);
    });

    it(`refuses it without its ${required}, naming the field`, () => {
      const { [required]: _, ...rest } = sample() as unknown as Record<string, unknown>;
      const refused = refusal(withVersion(1, rest));
      expect(refused.problem).toBe('shape');
      expect(refused.message).toContain(`not a valid ${kind} event`);
      expect(refused.message).toMatch(new RegExp(`\\b${required}\\b`));
    });

    it(`refuses a ${required} of the wrong type`, () => {
      const refused = refusal(withVersion(1, { ...sample(), [required]: 42 }));
      expect(refused.problem).toBe('shape');
      expect(refused.message).toMatch(new RegExp(`\\b${required}\\b`));
    });

    it('refuses an eventTime that is text, and an id that is empty', () => {
      expect(refusal(withVersion(1, { ...sample(), eventTime: '1760000000' })).message).toMatch(/eventTime/);
      expect(refusal(withVersion(1, { ...sample(), id: '' })).message).toMatch(/\bid\b/);
    });

    // Strict: a field this code does not know comes from a newer producer; dropping it would be a silent wrong write.
    it('refuses a field it does not know', () => {
      const refused = refusal(withVersion(1, { ...sample(), mood: 'gloomy' }));
      expect(refused.problem).toBe('shape');
      expect(refused.message).toMatch(/message: unknown field "mood"/);
    });

    it('refuses an entity of another kind than the event', () => {
      const event = sample();
      const other = event.entity.kind === 'business' ? 'template' : 'business';
      const refused = refusal(withVersion(1, { ...event, entity: { ...event.entity, kind: other } }));
      expect(refused.message).toMatch(/entity\.kind/);
    });
  });
});

describe('queue messages, refusals', () => {
  it.each([
    ['an unknown kind', { kind: 'weather' }, /kind: "weather" is not a kind this code reads/],
    ['no kind', { kind: undefined }, /kind: \(none\)/],
    ['a kind that is not text', { kind: 7 }, /kind: of type number/],
  ])('refuses %s, as a kind problem', (_, fields, reason) => {
    const refused = refusal(withVersion(1, { ...SAMPLES['template-quality'](), ...fields }));
    expect(refused.problem).toBe('kind');
    expect(refused.message).toMatch(reason);
  });

  it('never echoes message content: a phone number in a wrong place is named by its field only', () => {
    const phone = SAMPLES['phone-quality']();
    for (const body of [
      withVersion(1, { ...phone, kind: '+15550783881' }),
      withVersion(1, { ...phone, displayPhoneNumber: 15550783881 }),
      withVersion('15550783881', phone),
      withVersion(1, { ...phone, event: { code: '15550783881', raw: 'x' } }),
    ]) {
      const refused = refusal(body);
      expect(refused.message).not.toContain('15550783881');
    }
  });

  it.each([
    ['entry is not JSON', { whatsAppWebhookEntry: '{oops' }],
    ['SNS message is not JSON', { Type: 'Notification', Message: '{whatsAppWebhookEntry' }],
  ])('refuses an End User Messaging Social notification whose %s, as a shape problem', (_, notification) => {
    const refused = refusal(JSON.stringify(notification));
    expect(refused.problem).toBe('shape');
    expect(refused.message).toMatch(
      /not a readable End User Messaging Social notification \(.* is not valid JSON\)/,
    );
  });

  it.each([
    ['not JSON', '{oops', 'not-json'],
    ['a JSON array', '[1]', 'shape'],
    ['a JSON string', '"x"', 'shape'],
  ])('refuses a body that is %s', (_, body, problem) => {
    expect(refusal(body).problem).toBe(problem);
  });

  it('reads a traffic batch and template insights of version 1, and refuses other versions', () => {
    const batch = { kind: 'traffic', source: 'webhook', id: 'r:0', facts: [] };
    const insights = {
      kind: 'template-insights',
      source: 'poll',
      id: 'i',
      wabaId: WABA,
      readAt: T,
      days: [],
    };
    const sealed = {
      kind: 'traffic',
      source: 'webhook',
      id: 'r:1',
      phones: ['1:2'],
      sealed: sealText('', KEY, 'r:1'),
    };
    expect(readQueueMessage(queueMessageBody(sealed), 0)).toEqual({
      kind: 'traffic',
      batch: { form: 'sealed', id: 'r:1', phones: ['1:2'], sealed: sealed.sealed },
    });
    expect(readQueueMessage(queueMessageBody(batch), 0)).toEqual({
      kind: 'traffic',
      batch: { form: 'pseudonymous', batch },
    });
    expect(readQueueMessage(queueMessageBody(insights), 0)).toEqual({ kind: 'template-insights', insights });
    expect(refusal(withVersion(2, batch)).problem).toBe('version');
    expect(refusal(withVersion(2, insights)).problem).toBe('version');
    expect(refusal(withVersion(1, { ...batch, facts: [{ k: 'status' }] }))).toMatchObject({
      problem: 'shape',
      message: expect.stringMatching(/not a traffic batch \(facts\.0\b/),
    });
  });
  // Strict like the events: a field this code does not know comes from a newer producer.
  const statusFact = { k: 'status', p: '1', c: 'c', m: 'm', s: 'read', t: 1_760_000_000 };
  const day = { templateId: '7', day: '2026-01-01', sent: 3, delivered: 2, read: 1, clicked: 0 };
  const batchOf = (facts: unknown[], extra: object = {}) =>
    withVersion(1, { kind: 'traffic', source: 'webhook', id: 'r:0', facts, ...extra });
  const insightsOf = (days: unknown[], extra: object = {}) =>
    withVersion(1, {
      kind: 'template-insights',
      source: 'poll',
      id: 'i',
      wabaId: WABA,
      readAt: T,
      days,
      ...extra,
    });

  it.each([
    ['a traffic batch', batchOf([], { mood: 'x' }), /not a traffic batch \(message: unknown field "mood"/],
    [
      'a sealed traffic batch',
      withVersion(1, {
        kind: 'traffic',
        source: 'webhook',
        id: 'r',
        phones: [],
        sealed: 'g1.k.x',
        mood: 'x',
      }),
      /not a sealed traffic batch \(message: unknown field "mood"/,
    ],
    [
      'a traffic fact in the object form',
      batchOf([{ ...statusFact, mood: 'x' }]),
      /not a traffic batch \(facts\.0: /,
    ],
    [
      'template insights',
      insightsOf([], { mood: 'x' }),
      /not template insights \(message: unknown field "mood"/,
    ],
    [
      'a day of template insights',
      insightsOf([{ ...day, mood: 'x' }]),
      /not template insights \(days\.0: unknown field "mood"/,
    ],
  ])('refuses a field it does not know in %s', (_, body, reason) => {
    const refused = refusal(body);
    expect(refused.problem).toBe('shape');
    expect(refused.message).toMatch(reason);
  });

  it('still reads a traffic fact in the object form written before the compact one, and a day of insights', () => {
    expect(readQueueMessage(batchOf([statusFact]), 0)).toEqual({
      kind: 'traffic',
      batch: {
        form: 'pseudonymous',
        batch: { kind: 'traffic', source: 'webhook', id: 'r:0', facts: [statusFact] },
      },
    });
    expect(readQueueMessage(insightsOf([day]), 0)).toMatchObject({ insights: { days: [day] } });
  });
});
