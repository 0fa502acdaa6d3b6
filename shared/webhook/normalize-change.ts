import type * as z from 'zod/mini';
import { businessEntity, phoneNumberEntity, templateEntity } from '../events/entity-ids.ts';
import { eventIdOf } from '../events/event-identity.ts';
import type {
  AccountAlertEvent,
  AccountUpdateEvent,
  BusinessCapabilityEvent,
  EntityRef,
  EventEnvelope,
  EventSource,
  PhoneNameEvent,
  PhoneQualityEvent,
  QualityEvent,
  TemplateCategoryEvent,
  TemplateComponentsEvent,
  TemplateQualityEvent,
  TemplateStatusEvent,
} from '../events/quality-event.ts';
import { normalizeMessagingLimit } from '../meta/messaging-limit.ts';
import {
  ACCOUNT_ALERT_SEVERITIES,
  ACCOUNT_ALERT_STATUSES,
  ACCOUNT_UPDATE_EVENTS,
  type Coded,
  coded,
  NAME_DECISIONS,
  PHONE_QUALITY_EVENTS,
  QUALITY_RATINGS,
  TEMPLATE_CATEGORIES,
  TEMPLATE_PAUSE_STATUSES,
  TEMPLATE_PAUSE_TITLES,
  TEMPLATE_QUALITY_SCORES,
  TEMPLATE_STATUSES,
  type TemplateStatus,
  WABA_BAN_STATES,
} from '../meta/vocabulary.ts';
import {
  accountAlertValue,
  accountUpdateValue,
  businessCapabilityValue,
  phoneNameValue,
  phoneQualityValue,
  templateCategoryValue,
  templateComponentsValue,
  templateQualityValue,
  templateStatusValue,
} from './change-schemas.ts';
import { metaDateToIso } from './meta-dates.ts';
import { isQualityField, KNOWN_OTHER_FIELDS, type QualityField, resolveField } from './webhook-fields.ts';

/** Where one change sits, and what its entry says about it. */
export interface ChangeContext {
  readonly source: EventSource;
  readonly wabaId: string;
  /** `entry.time` in seconds, or null when absent or a 0 placeholder. */
  readonly entryTime: number | null;
  /** Epoch ms at which we received the delivery: the event time when Meta sent none. */
  readonly receivedAt: number;
  readonly isTest: boolean;
}

export type ChangeOutcome =
  | { readonly outcome: 'events'; readonly field: string; readonly events: readonly QualityEvent[] }
  | { readonly outcome: 'ignored'; readonly field: string; readonly reason: 'not-quality' | 'unknown-field' }
  | { readonly outcome: 'invalid'; readonly field: string; readonly reason: string };

/** Turns one `changes[]` item into normalized events, or says why it has none. Never throws on bad values. */
export function normalizeChange(label: string, value: unknown, ctx: ChangeContext): ChangeOutcome {
  const field = resolveField(label, value);
  if (!isQualityField(field)) {
    const known = (KNOWN_OTHER_FIELDS as readonly string[]).includes(field);
    return { outcome: 'ignored', field, reason: known ? 'not-quality' : 'unknown-field' };
  }
  try {
    const events = NORMALIZERS[field](value, new EventFactory(field, value, ctx));
    return { outcome: 'events', field, events };
  } catch (error) {
    if (error instanceof InvalidChangeError) return { outcome: 'invalid', field, reason: error.message };
    throw error;
  }
}

class InvalidChangeError extends Error {}

function read<S extends z.ZodMiniType>(schema: S, value: unknown, field: string): z.output<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  // Paths and expected types only: the value itself may hold content that must not reach logs.
  const problems = result.error.issues.map((issue) => `${issue.path.join('.') || 'value'}: ${issue.message}`);
  throw new InvalidChangeError(`${field} value is not valid (${problems.join('; ')})`);
}

/** Builds each event's envelope: deterministic id, event time, test flag. */
class EventFactory {
  constructor(
    private readonly field: string,
    private readonly value: unknown,
    private readonly ctx: ChangeContext,
  ) {}

  /** The event of one entity: envelope plus the kind's own fields. Object.assign, not a spread: the hot path. */
  event<E extends QualityEvent>(entity: EntityRef, body: Omit<E, keyof EventEnvelope>, facet?: string): E {
    return Object.assign(this.envelope(entity, facet), body) as E;
  }

  private envelope(entity: EntityRef, facet?: string): EventEnvelope {
    const { source, wabaId, entryTime, receivedAt, isTest } = this.ctx;
    const id = eventIdOf({ source, wabaId, field: this.field, entryTime, value: this.value, facet });
    const fromEntry = entryTime !== null;
    return {
      id,
      source,
      field: this.field,
      wabaId,
      eventTime: fromEntry ? entryTime * 1000 : receivedAt,
      eventTimeFrom: fromEntry ? 'entry' : 'received',
      isTest,
      entity,
      raw: this.value,
    };
  }

  get wabaId(): string {
    return this.ctx.wabaId;
  }

  phoneEntity(displayPhoneNumber?: string, phoneNumberId?: string): EntityRef {
    if (!displayPhoneNumber?.replace(/\D/g, '') && !phoneNumberId) {
      throw new InvalidChangeError(
        `${this.field} names no phone number (display_phone_number or phone_number_id)`,
      );
    }
    return phoneNumberEntity(this.ctx.wabaId, displayPhoneNumber, phoneNumberId);
  }
}

type Normalizer = (value: unknown, factory: EventFactory) => QualityEvent[];

const NORMALIZERS: Record<QualityField, Normalizer> = {
  phone_number_quality_update(value, factory) {
    const v = read(phoneQualityValue, value, 'phone_number_quality_update');
    const event = coded(PHONE_QUALITY_EVENTS, v.event);
    // On THROUGHPUT_UPGRADE, TIER_UNLIMITED means 1,000 mps throughput, not an unlimited limit (docs/meta-webhooks.md quirk 7).
    const isThroughput = event.code === 'THROUGHPUT_UPGRADE';
    const phone = factory.event<PhoneQualityEvent>(
      factory.phoneEntity(v.display_phone_number, v.phone_number_id),
      {
        kind: 'phone-quality',
        event,
        displayPhoneNumber: v.display_phone_number,
        phoneNumberId: v.phone_number_id,
        messagingLimit: isThroughput ? undefined : normalizeMessagingLimit(v.current_limit),
        previousMessagingLimit: isThroughput ? undefined : normalizeMessagingLimit(v.old_limit),
        qualityRating: v.new_quality_rating ? coded(QUALITY_RATINGS, v.new_quality_rating) : undefined,
      },
    );
    const portfolioLimit = isThroughput
      ? undefined
      : normalizeMessagingLimit(v.max_daily_conversations_per_business);
    if (!portfolioLimit) return [phone];
    // Since Oct 2025 limits belong to the business portfolio (docs/meta-quality-rules.md L1, L6).
    const portfolio = factory.event<BusinessCapabilityEvent>(
      businessEntity(factory.wabaId),
      { kind: 'business-capability', messagingLimit: portfolioLimit },
      'business',
    );
    return [phone, portfolio];
  },

  phone_number_name_update(value, factory) {
    const v = read(phoneNameValue, value, 'phone_number_name_update');
    const event = factory.event<PhoneNameEvent>(
      factory.phoneEntity(v.display_phone_number, v.phone_number_id),
      {
        kind: 'phone-name',
        decision: coded(NAME_DECISIONS, v.decision),
        displayPhoneNumber: v.display_phone_number,
        phoneNumberId: v.phone_number_id,
        requestedVerifiedName: v.requested_verified_name,
        rejectionReason: v.rejection_reason,
      },
    );
    return [event];
  },

  message_template_status_update(value, factory) {
    const v = read(templateStatusValue, value, 'message_template_status_update');
    const status = coded(TEMPLATE_STATUSES, v.event);
    // `other_info` is about a pause only on pause-related statuses; on a rejection it names the rejected part.
    const pause = isPauseRelated(status) ? v.other_info : undefined;
    const rejection = status.code === 'REJECTED' ? v.other_info : undefined;
    const event = factory.event<TemplateStatusEvent>(templateEntity(factory.wabaId, v.message_template_id), {
      templateId: v.message_template_id,
      name: v.message_template_name,
      // Locales stay as sent (en_US vs en-US): normalizing them would split or merge templates wrongly.
      language: v.message_template_language,
      kind: 'template-status',
      status,
      reason: meaningfulReason(v.reason),
      category: v.message_template_category
        ? coded(TEMPLATE_CATEGORIES, v.message_template_category)
        : undefined,
      pauseTitle: pause?.title ? coded(TEMPLATE_PAUSE_TITLES, pause.title) : undefined,
      pauseDescription: pause?.description,
      disableDate: metaDateToIso(v.disable_info?.disable_date),
      rejectionReason: v.rejection_info?.reason,
      rejectionRecommendation: v.rejection_info?.recommendation,
      rejectionTitle: rejection?.title,
      rejectionDescription: rejection?.description,
    });
    return [event];
  },

  message_template_quality_update(value, factory) {
    const v = read(templateQualityValue, value, 'message_template_quality_update');
    const event = factory.event<TemplateQualityEvent>(templateEntity(factory.wabaId, v.message_template_id), {
      templateId: v.message_template_id,
      name: v.message_template_name,
      // Locales stay as sent (en_US vs en-US): normalizing them would split or merge templates wrongly.
      language: v.message_template_language,
      kind: 'template-quality',
      qualityScore: coded(TEMPLATE_QUALITY_SCORES, v.new_quality_score),
      previousQualityScore: v.previous_quality_score
        ? coded(TEMPLATE_QUALITY_SCORES, v.previous_quality_score)
        : undefined,
    });
    return [event];
  },

  message_template_components_update(value, factory) {
    const v = read(templateComponentsValue, value, 'message_template_components_update');
    const event = factory.event<TemplateComponentsEvent>(
      templateEntity(factory.wabaId, v.message_template_id),
      {
        templateId: v.message_template_id,
        name: v.message_template_name,
        language: v.message_template_language,
        kind: 'template-components',
      },
    );
    return [event];
  },

  template_category_update(value, factory) {
    const v = read(templateCategoryValue, value, 'template_category_update');
    const category = (raw: string | undefined) => (raw ? coded(TEMPLATE_CATEGORIES, raw) : undefined);
    // The impending notice names the current category `new_category` and the future one `correct_category`.
    const impending = v.category_update_timestamp != null && v.previous_category === undefined;
    const event = factory.event<TemplateCategoryEvent>(
      templateEntity(factory.wabaId, v.message_template_id),
      {
        templateId: v.message_template_id,
        name: v.message_template_name,
        // Locales stay as sent (en_US vs en-US): normalizing them would split or merge templates wrongly.
        language: v.message_template_language,
        kind: 'template-category',
        stage: impending ? 'impending' : 'completed',
        category: category(v.new_category),
        previousCategory: category(v.previous_category),
        upcomingCategory: impending ? category(v.correct_category) : undefined,
        upcomingAt: impending ? metaDateToIso(v.category_update_timestamp) : undefined,
        appealStatus: v.category_appeal_status,
      },
    );
    return [event];
  },

  business_capability_update(value, factory) {
    const v = read(businessCapabilityValue, value, 'business_capability_update');
    // v24.0+ sends the portfolio field; older versions the per-phone one, where -1 means unlimited.
    const limit =
      normalizeMessagingLimit(v.max_daily_conversations_per_business) ??
      normalizeMessagingLimit(v.max_daily_conversation_per_phone);
    const maxPhones = Number(v.max_phone_numbers_per_business ?? v.max_phone_numbers_per_waba);
    const event = factory.event<BusinessCapabilityEvent>(businessEntity(factory.wabaId), {
      kind: 'business-capability',
      messagingLimit: limit,
      maxPhoneNumbers: Number.isFinite(maxPhones) ? maxPhones : undefined,
    });
    return [event];
  },

  account_update(value, factory) {
    const v = read(accountUpdateValue, value, 'account_update');
    const event = factory.event<AccountUpdateEvent>(businessEntity(factory.wabaId), {
      kind: 'account-update',
      event: coded(ACCOUNT_UPDATE_EVENTS, v.event),
      banState: v.ban_info?.waba_ban_state ? coded(WABA_BAN_STATES, v.ban_info.waba_ban_state) : undefined,
      banDate: metaDateToIso(v.ban_info?.waba_ban_date),
      restrictions: v.restriction_info?.map((r) => ({
        type: r.restriction_type,
        expiresAt: metaDateToIso(r.expiration),
      })),
      violationType: v.violation_info?.violation_type,
    });
    return [event];
  },

  account_alerts(value, factory) {
    const v = read(accountAlertValue, value, 'account_alerts');
    const info = v.alert_info ?? v;
    const event = factory.event<AccountAlertEvent>(businessEntity(factory.wabaId), {
      kind: 'account-alert',
      // The type names the state attribute this alert is kept in: DynamoDB refuses an empty attribute name.
      alertType: info.alert_type?.trim() || 'UNKNOWN',
      severity: coded(ACCOUNT_ALERT_SEVERITIES, info.alert_severity ?? ''),
      // Without a status, an alert Meta raises is taken as active.
      status: coded(ACCOUNT_ALERT_STATUSES, info.alert_status ?? 'ACTIVE'),
      subjectType: v.entity_type,
      subjectId: v.entity_id,
      description: info.alert_description,
    });
    return [event];
  },
};

function isPauseRelated(status: Coded<TemplateStatus>): boolean {
  return status.code !== 'UNKNOWN' && TEMPLATE_PAUSE_STATUSES.includes(status.code);
}

/** `reason` is "NONE", null or absent when there is none (docs/meta-webhooks.md quirk 5). */
function meaningfulReason(reason: string | undefined): string | undefined {
  return reason && reason.toUpperCase() !== 'NONE' ? reason : undefined;
}
