import type { EventVersion } from '../events/event-identity.ts';
import type { AccountRestriction, EntityKind } from '../events/quality-event.ts';
import type { ReadRateVerdict } from '../insights/read-rate-drop.ts';
import type {
  FailureShareVerdict,
  FirstResponseVerdict,
  OptOutSpikeVerdict,
} from '../traffic/early-warnings.ts';

/**
 * Every entity is a set of last-writer-wins attributes: each attribute remembers the version (event time, then
 * event id) of the event that last set it, and only a newer event may change it. That makes applying events
 * commutative and idempotent: any arrival order and any duplicates end in the state of in-order application.
 */
export interface EntityStateBase {
  readonly kind: EntityKind;
  readonly id: string;
  readonly wabaId: string;
  /** App Dashboard test entity (WABA "0"): recorded, never alerted. */
  readonly isTest: boolean;
  /** Epoch ms of the newest event applied. */
  readonly updatedAt: number;
  /** Attribute path → version of the event that last set it. */
  readonly versions: Readonly<Record<string, EventVersion>>;
}

/** Attribute values are JSON; null means "known to be absent" (e.g. a reason cleared by a newer status). */
export type AttributeValue =
  | string
  | number
  | boolean
  | null
  | readonly AccountRestriction[]
  | AccountAlertState
  | ReadRateVerdict
  | FailureShareVerdict
  | OptOutSpikeVerdict
  | FirstResponseVerdict;

export interface PhoneNumberState extends EntityStateBase {
  readonly kind: 'phone-number';
  readonly displayPhoneNumber?: string;
  readonly phoneNumberId?: string;
  readonly qualityRating?: string;
  readonly status?: string;
  readonly messagingLimit?: string;
  readonly throughput?: string;
  readonly verifiedName?: string;
  readonly nameStatus?: string;
  readonly requestedVerifiedName?: string | null;
  readonly nameRejectionReason?: string | null;
  readonly lastQualityEvent?: string;
  readonly flaggedAt?: string;
  readonly unflaggedAt?: string;
  readonly canSendMessage?: string;
  /** The latest verdicts on its own traffic (message tracking; shared/traffic/early-warnings.ts). */
  readonly failureShare?: FailureShareVerdict;
  readonly optOutSpike?: OptOutSpikeVerdict;
  readonly firstResponse?: FirstResponseVerdict;
}

/** One quality pause of a template (not pacing pauses): the 3rd RED disables it (docs/meta-quality-rules.md T2). */
export interface TemplatePause {
  readonly version: EventVersion;
  /** 1 or 2 when Meta's `other_info.title` said FIRST_PAUSE or SECOND_PAUSE. */
  readonly ordinal?: number;
}

export interface TemplateState extends EntityStateBase {
  readonly kind: 'template';
  readonly templateId: string;
  readonly name?: string;
  readonly language?: string;
  readonly status?: string;
  /**
   * Meta's `other_info.title` of the current status (FIRST_PAUSE, RATE_LIMITING_PAUSE, UNPAUSE...), kept only
   * from pause-related statuses: on a rejection `other_info` names the rejected component instead.
   */
  readonly pauseTitle?: string | null;
  readonly qualityScore?: string;
  readonly category?: string;
  readonly reason?: string | null;
  readonly disableDate?: string | null;
  /** `rejection_info.reason`: why Meta rejected the template. */
  readonly rejectionReason?: string | null;
  /** `rejection_info.recommendation`: what Meta suggests changing. */
  readonly rejectionRecommendation?: string | null;
  /** A rejection's `other_info`: the component it names (e.g. "Header") and what is wrong with it. */
  readonly rejectionTitle?: string | null;
  readonly rejectionDescription?: string | null;
  readonly pausedUntil?: string | null;
  readonly upcomingCategory?: string | null;
  readonly upcomingCategoryAt?: string | null;
  readonly categoryAppealStatus?: string;
  /** When the template was last edited (`message_template_components_update`): its quality starts over. */
  readonly lastEditedAt?: string;
  /** The latest verdict on its read rate from Meta's insights (shared/insights/read-rate-drop.ts). */
  readonly readRate?: ReadRateVerdict;
  /** Quality pauses seen so far (a grow-only set, so arrival order does not matter). */
  readonly pauses: readonly TemplatePause[];
  /** Quality pauses so far; derived from `pauses`. */
  readonly pauseCount: number;
  /**
   * Statuses Meta sent that are not in our vocabulary (upper-cased) → version of the first event that carried
   * each, so that each distinct one is shown to a person once. Absent on items stored before it existed.
   */
  readonly unknownStatuses?: Readonly<Record<string, EventVersion>>;
}

export interface AccountAlertState {
  readonly status: string;
  readonly severity: string;
  readonly description?: string;
}

export type PollerAccess = 'OK' | 'DENIED';

export interface BusinessState extends EntityStateBase {
  readonly kind: 'business';
  readonly messagingLimit?: string;
  readonly maxPhoneNumbers?: number;
  readonly lastAccountEvent?: string;
  readonly banState?: string;
  readonly banDate?: string | null;
  readonly restrictions?: readonly AccountRestriction[];
  readonly violationType?: string;
  /** Whether the poller can read this WABA (OK or DENIED), and the Graph API error when it cannot. */
  readonly pollerAccess?: PollerAccess;
  readonly pollerAccessError?: string | null;
  /** Meta `account_alerts` by alert type. */
  readonly accountAlerts: Readonly<Record<string, AccountAlertState>>;
}

export type EntityState = PhoneNumberState | TemplateState | BusinessState;
