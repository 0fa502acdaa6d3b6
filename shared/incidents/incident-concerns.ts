import type { AlertSeverity } from '../alerts/alert.ts';
import type { EntityKind, QualityEvent } from '../events/quality-event.ts';
import { messagingLimitCapacity } from '../meta/messaging-limit.ts';

/**
 * What can be wrong with an entity, one concern per attribute that can be in trouble. An incident is one
 * stretch of trouble of one concern: YELLOW → RED of a template's quality, or a first pause then a second, is one
 * incident that worsens, not two. Each value of the attribute is a problem (with its severity), a recovery
 * (`OK`), or neither (a value that says nothing about health, e.g. PENDING: no signal at all).
 */
export type ProblemSeverity = Exclude<AlertSeverity, 'INFO'>;
export const OK = 'OK' as const;
export type Reading = ProblemSeverity | typeof OK;

interface ConcernBase {
  readonly name: string;
  /** The state attribute the concern reads. */
  readonly attribute: string;
  /** What a person reads in a list: "quality", "status". */
  readonly label: string;
}

/** A value that is good or bad on its own: RED, PAUSED. */
export interface AbsoluteConcern extends ConcernBase {
  readonly read: (value: unknown) => Reading | undefined;
}

/**
 * A value that is only bad compared with an earlier one: a messaging limit is a problem when it went down, and
 * its incident resolves once the limit is back to at least where it was before the drop. Each event records the
 * level (and the level it says it came from); the readings are derived from the ledger in version order
 * (incident-ledger.ts `readingsOf`), so they stay the same whatever order the events arrived in.
 */
export interface RelativeConcern extends ConcernBase {
  /** A comparable level; undefined when the value cannot be compared (an unknown spelling). */
  readonly rank: (value: unknown) => number | undefined;
  /** The level the event itself says the value came from, or LOWERED_FROM_UNKNOWN. */
  readonly before: (event: QualityEvent) => number | undefined;
  /** The severity of a drop (the alert rules': a lowered limit is a WARNING). */
  readonly severity: ProblemSeverity;
}

export type Concern = AbsoluteConcern | RelativeConcern;

export const isRelative = (concern: Concern): concern is RelativeConcern => 'rank' in concern;

/** Meta reported a drop (a legacy DOWNGRADE notice) without saying from what. */
export const LOWERED_FROM_UNKNOWN = -1;

/** Daily conversations of a tier; unlimited as the largest safe integer, which DynamoDB stores exactly. */
function limitRank(value: unknown): number | undefined {
  if (typeof value !== 'string') return undefined;
  const capacity = messagingLimitCapacity(value);
  if (Number.isNaN(capacity)) return undefined;
  return Number.isFinite(capacity) ? capacity : Number.MAX_SAFE_INTEGER;
}

const MESSAGING_LIMIT: RelativeConcern = {
  name: 'messaging-limit',
  attribute: 'messagingLimit',
  label: 'messaging limit',
  rank: limitRank,
  severity: 'WARNING',
  before: (event) => {
    if (event.kind !== 'phone-quality') return undefined;
    const previous = limitRank(event.previousMessagingLimit?.tier);
    if (previous !== undefined) return previous;
    return event.event.code === 'DOWNGRADE' && event.messagingLimit ? LOWERED_FROM_UNKNOWN : undefined;
  },
};

const byValue =
  (table: Readonly<Record<string, Reading>>) =>
  (value: unknown): Reading | undefined =>
    typeof value === 'string' ? table[value.toUpperCase()] : undefined;

const QUALITY = byValue({ RED: 'CRITICAL', YELLOW: 'WARNING', GREEN: OK });

/** An early-warning verdict (`{status: HIGH|NORMAL, ...}`, shared/traffic/early-warnings.ts): HIGH is a WARNING. */
const statusOf = (value: unknown): unknown =>
  typeof value === 'object' && value !== null && 'status' in value ? value.status : undefined;
const VERDICT = (value: unknown) => byValue({ HIGH: 'WARNING', NORMAL: OK })(statusOf(value));

/** The concerns of each entity kind. Severities follow the alert rules' (README, "Alerts"). */
export const CONCERNS: Readonly<Record<EntityKind, readonly Concern[]>> = {
  'phone-number': [
    { name: 'quality', attribute: 'qualityRating', label: 'quality', read: QUALITY },
    {
      name: 'status',
      attribute: 'status',
      label: 'status',
      read: byValue({
        FLAGGED: 'CRITICAL',
        RESTRICTED: 'CRITICAL',
        BANNED: 'CRITICAL',
        DISCONNECTED: 'WARNING',
        RATE_LIMITED: 'WARNING',
        CONNECTED: OK,
      }),
    },
    {
      name: 'sending',
      attribute: 'canSendMessage',
      label: 'ability to send',
      read: byValue({ BLOCKED: 'CRITICAL', LIMITED: 'WARNING', AVAILABLE: OK }),
    },
    MESSAGING_LIMIT,
    // Early warnings on its traffic: an incident from HIGH until a NORMAL verdict.
    {
      name: 'failure-share',
      attribute: 'failureShare',
      label: 'share of 131049/131048/131050 failures',
      read: VERDICT,
    },
    { name: 'opt-outs', attribute: 'optOutSpike', label: 'marketing opt-outs', read: VERDICT },
    { name: 'first-response', attribute: 'firstResponse', label: 'first response time', read: VERDICT },
  ],
  template: [
    { name: 'quality', attribute: 'qualityScore', label: 'quality', read: QUALITY },
    {
      name: 'status',
      attribute: 'status',
      label: 'status',
      read: byValue({
        PAUSED: 'CRITICAL',
        DISABLED: 'CRITICAL',
        FLAGGED: 'WARNING',
        LOCKED: 'WARNING',
        LIMIT_EXCEEDED: 'WARNING',
        APPROVED: OK,
        REINSTATED: OK,
        UNLOCKED: OK,
      }),
    },
  ],
  business: [
    {
      name: 'account',
      attribute: 'banState',
      label: 'account',
      read: byValue({ DISABLE: 'CRITICAL', SCHEDULE_FOR_DISABLE: 'CRITICAL', REINSTATE: OK }),
    },
    {
      name: 'restrictions',
      attribute: 'restrictions',
      label: 'restrictions',
      read: (value) => (Array.isArray(value) ? (value.length > 0 ? 'CRITICAL' : OK) : undefined),
    },
    {
      name: 'poller-access',
      attribute: 'pollerAccess',
      label: 'poller access',
      read: byValue({ DENIED: 'WARNING', OK }),
    },
    // Since October 2025 the limit belongs to the business portfolio (docs/meta-quality-rules.md L1).
    { ...MESSAGING_LIMIT, before: () => undefined },
  ],
};

/** The concern of a transition's attribute (`qualityScore`, `accountAlerts.X`), if it has one. */
export function concernOf(kind: EntityKind, attribute: string): Concern | undefined {
  const name = attribute.split('.')[0];
  return CONCERNS[kind].find((concern) => concern.attribute === name);
}

/** A short, readable form of a value for messages: `RED`, `PAUSED`, `2 restrictions`. */
export function displayValueOf(value: unknown): string {
  if (Array.isArray(value)) return value.length === 0 ? 'none' : `${value.length} restriction(s)`;
  if (typeof value === 'string') return value;
  // A verdict reads as its status (HIGH, NORMAL); its figures are in the alert.
  const status = statusOf(value);
  return typeof status === 'string' ? status : JSON.stringify(value);
}
