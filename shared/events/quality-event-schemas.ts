import * as z from 'zod/mini';
import { MESSAGING_LIMIT_TIERS } from '../meta/messaging-limit.ts';
import {
  ACCOUNT_ALERT_SEVERITIES,
  ACCOUNT_ALERT_STATUSES,
  ACCOUNT_UPDATE_EVENTS,
  NAME_DECISIONS,
  PHONE_QUALITY_EVENTS,
  PHONE_STATUSES,
  QUALITY_RATINGS,
  TEMPLATE_CATEGORIES,
  TEMPLATE_PAUSE_TITLES,
  TEMPLATE_QUALITY_SCORES,
  TEMPLATE_STATUSES,
  WABA_BAN_STATES,
} from '../meta/vocabulary.ts';
import type { EntityKind, EventOfKind, QualityEventKind } from './quality-event.ts';

/*
 * The shape of each kind of event, as the queue carries it (JSON: optional fields absent, never null). Objects are
 * strict: a field this code does not know means the message was written by a newer producer (a rolling deploy),
 * and applying it without that field would be a silent wrong write; refused, the record is retried and, after a
 * deploy or a DLQ redrive, applied whole. `raw` is Meta's value as received (stored as JSON text), so any JSON.
 */

const text = z.string();
const nonEmpty = z.string().check(z.minLength(1));
const count = z.number();
const optionalText = z.optional(text);

const coded = <const T extends string>(known: readonly T[]) =>
  z.strictObject({ code: z.enum([...known, 'UNKNOWN']), raw: text });

const messagingLimit = z.strictObject({
  tier: text,
  code: z.enum([...MESSAGING_LIMIT_TIERS, 'UNKNOWN']),
  raw: z.union([text, count]),
});

/** The fields every event has (EventEnvelope); the entity's kind is fixed by the event's kind. */
const envelope = <K extends QualityEventKind>(kind: K, entity: EntityKind) => ({
  kind: z.literal(kind),
  id: nonEmpty,
  source: z.enum(['webhook', 'poll', 'aws-eum']),
  field: text,
  wabaId: nonEmpty,
  eventTime: count,
  eventTimeFrom: z.enum(['entry', 'received']),
  isTest: z.boolean(),
  entity: z.strictObject({ kind: z.literal(entity), id: nonEmpty }),
  raw: z.unknown(),
});

const templateIdentity = { templateId: nonEmpty, name: optionalText, language: optionalText };

const warningStatus = z.enum(['HIGH', 'NORMAL']);
const trafficWarningFields = {
  ...envelope('phone-traffic-warning', 'phone-number'),
  displayPhoneNumber: optionalText,
  phoneNumberId: optionalText,
};

/** Every kind's schema, keyed by the one list of kinds: a kind without a schema, or a wrong one, does not compile. */
export const QUALITY_EVENT_SCHEMAS = {
  'phone-quality': z.strictObject({
    ...envelope('phone-quality', 'phone-number'),
    event: coded(PHONE_QUALITY_EVENTS),
    displayPhoneNumber: optionalText,
    phoneNumberId: optionalText,
    messagingLimit: z.optional(messagingLimit),
    previousMessagingLimit: z.optional(messagingLimit),
    qualityRating: z.optional(coded(QUALITY_RATINGS)),
  }),
  'phone-name': z.strictObject({
    ...envelope('phone-name', 'phone-number'),
    decision: coded(NAME_DECISIONS),
    displayPhoneNumber: optionalText,
    phoneNumberId: optionalText,
    requestedVerifiedName: optionalText,
    rejectionReason: optionalText,
  }),
  'phone-snapshot': z.strictObject({
    ...envelope('phone-snapshot', 'phone-number'),
    phoneNumberId: nonEmpty,
    displayPhoneNumber: optionalText,
    verifiedName: optionalText,
    qualityRating: z.optional(coded(QUALITY_RATINGS)),
    status: z.optional(coded(PHONE_STATUSES)),
    nameStatus: optionalText,
    messagingLimit: z.optional(messagingLimit),
    throughput: optionalText,
    canSendMessage: optionalText,
  }),
  'phone-traffic-warning': z.discriminatedUnion('warning', [
    z.strictObject({
      ...trafficWarningFields,
      warning: z.literal('failureShare'),
      verdict: z.strictObject({
        status: warningStatus,
        hour: text,
        sent: count,
        failures: count,
        byCode: z.record(text, count),
        share: count,
        baselineShare: count,
        baselineSent: count,
      }),
    }),
    z.strictObject({
      ...trafficWarningFields,
      warning: z.literal('optOutSpike'),
      verdict: z.strictObject({
        status: warningStatus,
        day: text,
        stops: count,
        baselineMedian: count,
        baselineDays: count,
      }),
    }),
    z.strictObject({
      ...trafficWarningFields,
      warning: z.literal('firstResponse'),
      verdict: z.strictObject({
        status: warningStatus,
        hour: text,
        samples: count,
        p90Seconds: z.nullable(count),
        targetSeconds: count,
      }),
    }),
  ]),
  'template-status': z.strictObject({
    ...envelope('template-status', 'template'),
    ...templateIdentity,
    status: coded(TEMPLATE_STATUSES),
    reason: optionalText,
    category: z.optional(coded(TEMPLATE_CATEGORIES)),
    pauseTitle: z.optional(coded(TEMPLATE_PAUSE_TITLES)),
    pauseDescription: optionalText,
    disableDate: optionalText,
    rejectionReason: optionalText,
    rejectionRecommendation: optionalText,
    rejectionTitle: optionalText,
    rejectionDescription: optionalText,
  }),
  'template-quality': z.strictObject({
    ...envelope('template-quality', 'template'),
    ...templateIdentity,
    qualityScore: coded(TEMPLATE_QUALITY_SCORES),
    previousQualityScore: z.optional(coded(TEMPLATE_QUALITY_SCORES)),
  }),
  'template-category': z.strictObject({
    ...envelope('template-category', 'template'),
    ...templateIdentity,
    stage: z.enum(['completed', 'impending']),
    category: z.optional(coded(TEMPLATE_CATEGORIES)),
    previousCategory: z.optional(coded(TEMPLATE_CATEGORIES)),
    upcomingCategory: z.optional(coded(TEMPLATE_CATEGORIES)),
    upcomingAt: optionalText,
    appealStatus: optionalText,
  }),
  'template-components': z.strictObject({
    ...envelope('template-components', 'template'),
    ...templateIdentity,
  }),
  'template-read-rate': z.strictObject({
    ...envelope('template-read-rate', 'template'),
    ...templateIdentity,
    verdict: z.strictObject({
      status: z.enum(['LOW', 'NORMAL']),
      day: text,
      readRate: count,
      delivered: count,
      baselineMedian: count,
      baselineDays: count,
    }),
  }),
  'template-snapshot': z.strictObject({
    ...envelope('template-snapshot', 'template'),
    ...templateIdentity,
    status: z.optional(coded(TEMPLATE_STATUSES)),
    qualityScore: z.optional(coded(TEMPLATE_QUALITY_SCORES)),
    category: z.optional(coded(TEMPLATE_CATEGORIES)),
  }),
  'business-capability': z.strictObject({
    ...envelope('business-capability', 'business'),
    messagingLimit: z.optional(messagingLimit),
    maxPhoneNumbers: z.optional(count),
  }),
  'account-update': z.strictObject({
    ...envelope('account-update', 'business'),
    event: coded(ACCOUNT_UPDATE_EVENTS),
    banState: z.optional(coded(WABA_BAN_STATES)),
    banDate: optionalText,
    restrictions: z.optional(z.array(z.strictObject({ type: text, expiresAt: optionalText }))),
    violationType: optionalText,
  }),
  'account-alert': z.strictObject({
    ...envelope('account-alert', 'business'),
    alertType: text,
    severity: coded(ACCOUNT_ALERT_SEVERITIES),
    status: coded(ACCOUNT_ALERT_STATUSES),
    subjectType: optionalText,
    subjectId: optionalText,
    description: optionalText,
  }),
  'poller-access': z.strictObject({
    ...envelope('poller-access', 'business'),
    access: z.enum(['ok', 'denied']),
    error: optionalText,
  }),
} satisfies { readonly [K in QualityEventKind]: z.ZodMiniType<EventOfKind<K>> };
