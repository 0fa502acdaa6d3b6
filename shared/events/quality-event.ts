import type { ReadRateVerdict } from '../insights/read-rate-drop.ts';
import type { MessagingLimit } from '../meta/messaging-limit.ts';
import type {
  AccountAlertSeverity,
  AccountAlertStatus,
  AccountUpdateEventType,
  Coded,
  NameDecision,
  PhoneQualityEventType,
  PhoneStatus,
  QualityRating,
  TemplateCategory,
  TemplatePauseTitle,
  TemplateQualityScore,
  TemplateStatus,
  WabaBanState,
} from '../meta/vocabulary.ts';
import type {
  FailureShareVerdict,
  FirstResponseVerdict,
  OptOutSpikeVerdict,
} from '../traffic/early-warnings.ts';

/** Where an event was observed: Meta's webhook, our Graph API poll, or AWS End User Messaging Social. */
export type EventSource = 'webhook' | 'poll' | 'aws-eum';

export type EntityKind = 'phone-number' | 'template' | 'business';

export interface EntityRef {
  readonly kind: EntityKind;
  /** Stable key of the entity, unique across WABAs (see entity-ids.ts). */
  readonly id: string;
}

/** What every normalized event carries, whatever its kind. */
export interface EventEnvelope {
  /** Deterministic: the same change gets the same id whichever delivery or retry carried it. */
  readonly id: string;
  readonly source: EventSource;
  /** The webhook field this event was routed as (after correcting a mislabelled field). */
  readonly field: string;
  /** `entry.id`: the WABA id (a business portfolio id for some partner events). */
  readonly wabaId: string;
  /** Event time in epoch milliseconds: `entry.time`, or the time we received it when Meta sent none. */
  readonly eventTime: number;
  readonly eventTimeFrom: 'entry' | 'received';
  /** App Dashboard test deliveries (`entry.id` "0"): processed and recorded, never alerted. */
  readonly isTest: boolean;
  readonly entity: EntityRef;
  /** The change's `value` (or the polled record) exactly as received, for the history: nothing is dropped. */
  readonly raw: unknown;
}

export interface PhoneQualityEvent extends EventEnvelope {
  readonly kind: 'phone-quality';
  readonly event: Coded<PhoneQualityEventType>;
  readonly displayPhoneNumber?: string;
  readonly phoneNumberId?: string;
  /** `current_limit` (per number, legacy; removed by Meta in Feb 2026). Not set on THROUGHPUT_UPGRADE. */
  readonly messagingLimit?: MessagingLimit;
  readonly previousMessagingLimit?: MessagingLimit;
  /** Only some integrations send the new rating; Meta's webhook says that quality moved, not to what. */
  readonly qualityRating?: Coded<QualityRating>;
}

export interface PhoneNameEvent extends EventEnvelope {
  readonly kind: 'phone-name';
  readonly decision: Coded<NameDecision>;
  readonly displayPhoneNumber?: string;
  readonly phoneNumberId?: string;
  readonly requestedVerifiedName?: string;
  readonly rejectionReason?: string;
}

/** A phone number as read from `GET /{WABA_ID}/phone_numbers` (source `poll`). */
export interface PhoneSnapshotEvent extends EventEnvelope {
  readonly kind: 'phone-snapshot';
  readonly phoneNumberId: string;
  readonly displayPhoneNumber?: string;
  readonly verifiedName?: string;
  readonly qualityRating?: Coded<QualityRating>;
  readonly status?: Coded<PhoneStatus>;
  readonly nameStatus?: string;
  readonly messagingLimit?: MessagingLimit;
  readonly throughput?: string;
  readonly canSendMessage?: string;
}

export interface TemplateIdentity {
  /** Always a string: webhook ids are JSON integers that can exceed 2^53. */
  readonly templateId: string;
  readonly name?: string;
  readonly language?: string;
}

export interface TemplateStatusEvent extends EventEnvelope, TemplateIdentity {
  readonly kind: 'template-status';
  readonly status: Coded<TemplateStatus>;
  /** Absent when Meta sent none, null or "NONE". */
  readonly reason?: string;
  readonly category?: Coded<TemplateCategory>;
  /** `other_info` of a pause-related status only (see TEMPLATE_PAUSE_STATUSES). */
  readonly pauseTitle?: Coded<TemplatePauseTitle>;
  readonly pauseDescription?: string;
  /** ISO-8601 when Meta's date could be read (Unix seconds or "January 31, 2021"), else as received. */
  readonly disableDate?: string;
  /** `rejection_info.reason` and `.recommendation`. */
  readonly rejectionReason?: string;
  readonly rejectionRecommendation?: string;
  /** `other_info` of a REJECTED status: the rejected component (e.g. "Header") and what is wrong with it. */
  readonly rejectionTitle?: string;
  readonly rejectionDescription?: string;
}

export interface TemplateQualityEvent extends EventEnvelope, TemplateIdentity {
  readonly kind: 'template-quality';
  readonly qualityScore: Coded<TemplateQualityScore>;
  readonly previousQualityScore?: Coded<TemplateQualityScore>;
}

export interface TemplateCategoryEvent extends EventEnvelope, TemplateIdentity {
  readonly kind: 'template-category';
  /**
   * `completed`: the category is now `category`. `impending`: `category` is still current and Meta will
   * change it to `upcomingCategory` at `upcomingAt` (docs/meta-webhooks.md quirk 8).
   */
  readonly stage: 'completed' | 'impending';
  readonly category?: Coded<TemplateCategory>;
  readonly previousCategory?: Coded<TemplateCategory>;
  readonly upcomingCategory?: Coded<TemplateCategory>;
  readonly upcomingAt?: string;
  readonly appealStatus?: string;
}

/**
 * A template was edited (`message_template_components_update`, 2025): Meta re-reviews it and its quality starts
 * over, so the edit is recorded in the template's history. The new text itself is kept only in the history's
 * raw value.
 */
export interface TemplateComponentsEvent extends EventEnvelope, TemplateIdentity {
  readonly kind: 'template-components';
}

/**
 * The monitor's own verdict on a template's read rate, from Meta's insights (source `poll`, field
 * `template_analytics`): the latest complete day against the median of the 14 before it (shared/insights).
 */
export interface TemplateReadRateEvent extends EventEnvelope, TemplateIdentity {
  readonly kind: 'template-read-rate';
  readonly verdict: ReadRateVerdict;
}

/**
 * The monitor's own verdict on one of a phone number's traffic warnings (shared/traffic/early-warnings.ts), from
 * its message-tracking counters (source `webhook`, field `messages`): one hour's failure share or first response
 * time, or one day's marketing opt-outs.
 */
export type PhoneTrafficWarning =
  | { readonly warning: 'failureShare'; readonly verdict: FailureShareVerdict }
  | { readonly warning: 'optOutSpike'; readonly verdict: OptOutSpikeVerdict }
  | { readonly warning: 'firstResponse'; readonly verdict: FirstResponseVerdict };

export type PhoneTrafficWarningEvent = EventEnvelope & {
  readonly kind: 'phone-traffic-warning';
  readonly displayPhoneNumber?: string;
  readonly phoneNumberId?: string;
} & PhoneTrafficWarning;

/** A template as read from `GET /{WABA_ID}/message_templates` (source `poll`). */
export interface TemplateSnapshotEvent extends EventEnvelope, TemplateIdentity {
  readonly kind: 'template-snapshot';
  readonly status?: Coded<TemplateStatus>;
  readonly qualityScore?: Coded<TemplateQualityScore>;
  readonly category?: Coded<TemplateCategory>;
}

/** The business portfolio's messaging limit (business_capability_update, or the portfolio field of a phone update). */
export interface BusinessCapabilityEvent extends EventEnvelope {
  readonly kind: 'business-capability';
  readonly messagingLimit?: MessagingLimit;
  readonly maxPhoneNumbers?: number;
}

export interface AccountRestriction {
  readonly type: string;
  /** ISO-8601, or the value as received when it is not a timestamp. */
  readonly expiresAt?: string;
}

export interface AccountUpdateEvent extends EventEnvelope {
  readonly kind: 'account-update';
  readonly event: Coded<AccountUpdateEventType>;
  readonly banState?: Coded<WabaBanState>;
  readonly banDate?: string;
  readonly restrictions?: readonly AccountRestriction[];
  readonly violationType?: string;
}

export interface AccountAlertEvent extends EventEnvelope {
  readonly kind: 'account-alert';
  readonly alertType: string;
  readonly severity: Coded<AccountAlertSeverity>;
  readonly status: Coded<AccountAlertStatus>;
  readonly subjectType?: string;
  readonly subjectId?: string;
  readonly description?: string;
}

/**
 * Whether the poller could read a WABA. Sent on every poll, so the processor (the one writer) alerts once when
 * access is lost, and once when it is back, instead of on every run.
 */
export interface PollerAccessEvent extends EventEnvelope {
  readonly kind: 'poller-access';
  readonly access: 'ok' | 'denied';
  /** e.g. `auth 190/463`: the class of the Graph API error and its codes, never its message. */
  readonly error?: string;
}

/**
 * Every kind of event, written once. The union below must name exactly these kinds (checked by
 * `_UnionHasEveryKindAndNoOther`), and the queue's schemas are a table keyed by them (quality-event-schemas.ts),
 * so a kind added in one place and not the other is a compile error rather than an event the queue refuses or
 * applies unchecked.
 */
export const QUALITY_EVENT_KINDS = [
  'phone-quality',
  'phone-name',
  'phone-snapshot',
  'phone-traffic-warning',
  'template-status',
  'template-quality',
  'template-category',
  'template-components',
  'template-read-rate',
  'template-snapshot',
  'business-capability',
  'account-update',
  'account-alert',
  'poller-access',
] as const;

export type QualityEvent =
  | PhoneQualityEvent
  | PhoneNameEvent
  | PhoneSnapshotEvent
  | PhoneTrafficWarningEvent
  | TemplateStatusEvent
  | TemplateQualityEvent
  | TemplateCategoryEvent
  | TemplateComponentsEvent
  | TemplateReadRateEvent
  | TemplateSnapshotEvent
  | BusinessCapabilityEvent
  | AccountUpdateEvent
  | AccountAlertEvent
  | PollerAccessEvent;

export type QualityEventKind = (typeof QUALITY_EVENT_KINDS)[number];

/** The event of one kind, e.g. `EventOfKind<'template-status'>` is `TemplateStatusEvent`. */
export type EventOfKind<K extends QualityEventKind> = Extract<QualityEvent, { readonly kind: K }>;

/** Compiles only for `true`: the alias below fails to compile while the union and QUALITY_EVENT_KINDS differ. */
type Holds<T extends true> = T;
type _UnionHasEveryKindAndNoOther = Holds<
  [QualityEvent['kind']] extends [QualityEventKind]
    ? [QualityEventKind] extends [QualityEvent['kind']]
      ? true
      : false
    : false
>;
