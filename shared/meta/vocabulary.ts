/**
 * Meta's enum vocabularies for quality signals (docs/meta-webhooks.md, "Enum values by field").
 * Meta keeps adding values (quirk 13), so every enum is read as `Coded`: the raw string as received plus a
 * code that is UNKNOWN when the value is not one we know. Rules use the code; state keeps the raw value.
 */

export const QUALITY_RATINGS = ['GREEN', 'YELLOW', 'RED', 'NA', 'UNKNOWN'] as const;
export type QualityRating = (typeof QUALITY_RATINGS)[number];

/** `phone_number_quality_update.event`: current (ONBOARDING, THROUGHPUT_UPGRADE) and legacy values. */
export const PHONE_QUALITY_EVENTS = [
  'FLAGGED',
  'UNFLAGGED',
  'UPGRADE',
  'DOWNGRADE',
  'ONBOARDING',
  'THROUGHPUT_UPGRADE',
] as const;
export type PhoneQualityEventType = (typeof PHONE_QUALITY_EVENTS)[number];

/** Graph `status` of a phone number (plus OFFLINE seen in vendor enums). */
export const PHONE_STATUSES = [
  'PENDING',
  'DELETED',
  'MIGRATED',
  'BANNED',
  'RESTRICTED',
  'RATE_LIMITED',
  'FLAGGED',
  'CONNECTED',
  'DISCONNECTED',
  'UNVERIFIED',
  'OFFLINE',
] as const;
export type PhoneStatus = (typeof PHONE_STATUSES)[number];

export const TEMPLATE_STATUSES = [
  'APPROVED',
  'ARCHIVED',
  'UNARCHIVED',
  'DELETED',
  'DISABLED',
  'FLAGGED',
  'IN_APPEAL',
  'LIMIT_EXCEEDED',
  'LOCKED',
  'UNLOCKED',
  'PAUSED',
  'PENDING',
  'REINSTATED',
  'PENDING_DELETION',
  'REJECTED',
] as const;
export type TemplateStatus = (typeof TEMPLATE_STATUSES)[number];

/**
 * Statuses whose `other_info.title` is a pause title: a pause, its end (APPROVED, REINSTATED), the disable after
 * the third pause, and the lock / unlock of a pacing pause (docs/meta-quality-rules.md T3). On any other status
 * (a REJECTED one names the rejected component, e.g. "Header") the title is not about pausing.
 */
export const TEMPLATE_PAUSE_STATUSES: readonly TemplateStatus[] = [
  'PAUSED',
  'APPROVED',
  'REINSTATED',
  'DISABLED',
  'LOCKED',
  'UNLOCKED',
];

/** `other_info.title` on template status updates. */
export const TEMPLATE_PAUSE_TITLES = [
  'FIRST_PAUSE',
  'SECOND_PAUSE',
  'RATE_LIMITING_PAUSE',
  'UNPAUSE',
  'DISABLED',
] as const;
export type TemplatePauseTitle = (typeof TEMPLATE_PAUSE_TITLES)[number];

export const TEMPLATE_QUALITY_SCORES = ['GREEN', 'YELLOW', 'RED', 'UNKNOWN'] as const;
export type TemplateQualityScore = (typeof TEMPLATE_QUALITY_SCORES)[number];

/** SHIPPING_UPDATE is a legacy category still seen in old dashboard samples. */
export const TEMPLATE_CATEGORIES = ['MARKETING', 'UTILITY', 'AUTHENTICATION', 'SHIPPING_UPDATE'] as const;
export type TemplateCategory = (typeof TEMPLATE_CATEGORIES)[number];

export const NAME_DECISIONS = ['APPROVED', 'DEFERRED', 'PENDING', 'REJECTED'] as const;
export type NameDecision = (typeof NAME_DECISIONS)[number];

/**
 * A phone number's stored `nameStatus`: the webhook's decision, or the Graph `name_status` of a poll (which says
 * DECLINED where the webhook says REJECTED).
 */
export const NAME_STATUSES = [
  ...NAME_DECISIONS,
  'AVAILABLE_WITHOUT_REVIEW',
  'DECLINED',
  'EXPIRED',
  'PENDING_REVIEW',
  'NONE',
] as const;

/** `health_status.can_send_message` of a phone number (and of a WABA, business, app or template). */
export const CAN_SEND_MESSAGE = ['AVAILABLE', 'LIMITED', 'BLOCKED'] as const;

/** Graph `throughput.level` of a phone number: HIGH is 1,000 messages per second. */
export const THROUGHPUT_LEVELS = ['STANDARD', 'HIGH', 'NOT_APPLICABLE'] as const;

export const ACCOUNT_UPDATE_EVENTS = [
  'ACCOUNT_DELETED',
  'ACCOUNT_RESTRICTION',
  'ACCOUNT_VIOLATION',
  'AD_ACCOUNT_LINKED',
  'AUTH_INTL_PRICE_ELIGIBILITY_UPDATE',
  'BUSINESS_PRIMARY_LOCATION_COUNTRY_UPDATE',
  'DISABLED_UPDATE',
  'MM_LITE_TERMS_SIGNED',
  'PARTNER_ADDED',
  'PARTNER_APP_INSTALLED',
  'PARTNER_APP_UNINSTALLED',
  'PARTNER_CLIENT_CERTIFICATION_STATUS_UPDATE',
  'PARTNER_REMOVED',
  'VOLUME_BASED_PRICING_TIER_UPDATE',
  'ACCOUNT_OFFBOARDED',
  'ACCOUNT_RECONNECTED',
  'VERIFIED_ACCOUNT',
  'PARTNER_CLIENT_CERTIFICATION_NEEDED',
] as const;
export type AccountUpdateEventType = (typeof ACCOUNT_UPDATE_EVENTS)[number];

export const WABA_BAN_STATES = ['DISABLE', 'REINSTATE', 'SCHEDULE_FOR_DISABLE'] as const;
export type WabaBanState = (typeof WABA_BAN_STATES)[number];

export const ACCOUNT_ALERT_SEVERITIES = ['CRITICAL', 'WARNING', 'INFORMATIONAL'] as const;
export type AccountAlertSeverity = (typeof ACCOUNT_ALERT_SEVERITIES)[number];

export const ACCOUNT_ALERT_STATUSES = ['ACTIVE', 'NONE'] as const;
export type AccountAlertStatus = (typeof ACCOUNT_ALERT_STATUSES)[number];

/** A Meta enum value as received (`raw`) and as understood (`code`, UNKNOWN when new to us). */
export interface Coded<T extends string> {
  readonly code: T | 'UNKNOWN';
  readonly raw: string;
}

export function coded<T extends string>(known: readonly T[], raw: string): Coded<T> {
  const upper = raw.trim().toUpperCase();
  const code = (known as readonly string[]).includes(upper) ? (upper as T) : 'UNKNOWN';
  return { code, raw };
}

/** The code of a raw value that may be absent (state keeps raw strings; rules ask for codes). */
export function codeOf<T extends string>(known: readonly T[], raw: string | null | undefined): T | 'UNKNOWN' {
  return raw == null ? 'UNKNOWN' : coded(known, raw).code;
}

/** What state stores: the known value in Meta's upper case, or an unknown value exactly as received. */
export function storedValue(value: Coded<string>): string;
export function storedValue(value: Coded<string> | undefined): string | undefined;
export function storedValue(value: Coded<string> | undefined): string | undefined {
  if (value === undefined) return undefined;
  return value.code === 'UNKNOWN' ? value.raw : value.code;
}
