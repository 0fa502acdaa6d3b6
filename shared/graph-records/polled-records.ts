import * as z from 'zod/mini';
import { businessEntity, phoneNumberEntity, templateEntity } from '../events/entity-ids.ts';
import { eventIdOf } from '../events/event-identity.ts';
import type {
  EntityRef,
  EventEnvelope,
  PhoneSnapshotEvent,
  PollerAccessEvent,
  TemplateSnapshotEvent,
} from '../events/quality-event.ts';
import { normalizeMessagingLimit } from '../meta/messaging-limit.ts';
import {
  coded,
  PHONE_STATUSES,
  QUALITY_RATINGS,
  TEMPLATE_CATEGORIES,
  TEMPLATE_QUALITY_SCORES,
  TEMPLATE_STATUSES,
} from '../meta/vocabulary.ts';
import { idLike as id, optionalText } from '../webhook/change-schemas.ts';

/** One item of `GET /{WABA_ID}/phone_numbers` (or `GET /{PHONE_NUMBER_ID}`), with the fields we ask for. */
export const polledPhoneNumber = z.looseObject({
  id,
  display_phone_number: optionalText,
  verified_name: optionalText,
  quality_rating: optionalText,
  status: optionalText,
  name_status: optionalText,
  // v24.0+ reads the portfolio limit here; messaging_limit_tier is the deprecated per-number one (L6).
  whatsapp_business_manager_messaging_limit: z.nullish(z.union([z.string(), z.number()])),
  messaging_limit_tier: z.nullish(z.union([z.string(), z.number()])),
  throughput: z.nullish(z.looseObject({ level: optionalText })),
  health_status: z.nullish(z.looseObject({ can_send_message: optionalText })),
});
export type PolledPhoneNumber = z.output<typeof polledPhoneNumber>;

/** One item of `GET /{WABA_ID}/message_templates`. */
export const polledTemplate = z.looseObject({
  id,
  name: optionalText,
  language: optionalText,
  status: optionalText,
  category: optionalText,
  quality_score: z.nullish(z.looseObject({ score: optionalText })),
});
export type PolledTemplate = z.output<typeof polledTemplate>;

export interface PollContext {
  readonly wabaId: string;
  /** Epoch ms at which the Graph API answered: the event time of what it said. */
  readonly polledAt: number;
}

function envelope(field: string, entity: EntityRef, record: unknown, ctx: PollContext): EventEnvelope {
  const id = eventIdOf({
    source: 'poll',
    wabaId: ctx.wabaId,
    field,
    // Milliseconds: two polls within one second are still two observations.
    entryTime: ctx.polledAt,
    value: record,
  });
  return {
    id,
    source: 'poll',
    field,
    wabaId: ctx.wabaId,
    eventTime: ctx.polledAt,
    eventTimeFrom: 'received',
    isTest: false,
    entity,
    raw: record,
  };
}

/** A polled phone number as an event (source `poll`): the processor stays the only writer of state. */
export function phoneSnapshotOf(record: PolledPhoneNumber, ctx: PollContext): PhoneSnapshotEvent {
  const limit =
    normalizeMessagingLimit(record.whatsapp_business_manager_messaging_limit) ??
    normalizeMessagingLimit(record.messaging_limit_tier);
  return {
    ...envelope(
      'phone_numbers',
      phoneNumberEntity(ctx.wabaId, record.display_phone_number, record.id),
      record,
      ctx,
    ),
    kind: 'phone-snapshot',
    phoneNumberId: record.id,
    displayPhoneNumber: record.display_phone_number,
    verifiedName: record.verified_name,
    qualityRating: record.quality_rating ? coded(QUALITY_RATINGS, record.quality_rating) : undefined,
    status: record.status ? coded(PHONE_STATUSES, record.status) : undefined,
    nameStatus: record.name_status,
    messagingLimit: limit,
    throughput: record.throughput?.level ?? undefined,
    canSendMessage: record.health_status?.can_send_message ?? undefined,
  };
}

export function templateSnapshotOf(record: PolledTemplate, ctx: PollContext): TemplateSnapshotEvent {
  const score = record.quality_score?.score;
  return {
    ...envelope('message_templates', templateEntity(ctx.wabaId, record.id), record, ctx),
    kind: 'template-snapshot',
    templateId: record.id,
    name: record.name,
    language: record.language,
    status: record.status ? coded(TEMPLATE_STATUSES, record.status) : undefined,
    qualityScore: score ? coded(TEMPLATE_QUALITY_SCORES, score) : undefined,
    category: record.category ? coded(TEMPLATE_CATEGORIES, record.category) : undefined,
  };
}

/** The poller's word on whether it could read a WABA this run (see PollerAccessEvent). */
export function pollerAccessEventOf(
  ctx: PollContext,
  access: 'ok' | 'denied',
  error?: string,
): PollerAccessEvent {
  const record = { access, ...(error ? { error } : {}) };
  return {
    ...envelope('poller_access', businessEntity(ctx.wabaId), record, ctx),
    kind: 'poller-access',
    access,
    ...(error ? { error } : {}),
  };
}
