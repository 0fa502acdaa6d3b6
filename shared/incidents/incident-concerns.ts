import type { AlertSeverity } from '../alerts/alert.ts';
import type { EntityKind } from '../events/quality-event.ts';

/**
 * What can be wrong with an entity, one concern per attribute that can be in trouble. An incident is one
 * stretch of trouble of one concern: YELLOW → RED of a template's quality, or a first pause then a second, is one
 * incident that worsens, not two. Each value of the attribute is a problem (with its severity), a recovery
 * (`OK`), or neither (a value that says nothing about health, e.g. PENDING: no signal at all).
 */
export type ProblemSeverity = Exclude<AlertSeverity, 'INFO'>;
export const OK = 'OK' as const;
export type Reading = ProblemSeverity | typeof OK;

export interface Concern {
  readonly name: string;
  /** The state attribute the concern reads. */
  readonly attribute: string;
  /** What a person reads in a list: "quality", "status". */
  readonly label: string;
  readonly read: (value: unknown) => Reading | undefined;
}

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
