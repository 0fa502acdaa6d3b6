import type { EntityKind } from '../events/quality-event.ts';

export const ALERT_SEVERITIES = ['CRITICAL', 'WARNING', 'INFO'] as const;
export type AlertSeverity = (typeof ALERT_SEVERITIES)[number];

export const ALERT_KINDS = [
  'phone-flagged',
  'phone-unflagged',
  'phone-restricted',
  'phone-banned',
  'phone-disconnected',
  'phone-rate-limited',
  'phone-status-recovered',
  'phone-quality-red',
  'phone-quality-yellow',
  'phone-quality-recovered',
  'phone-limit-decreased',
  'phone-limit-increased',
  'phone-throughput-upgraded',
  'phone-name-rejected',
  'phone-cannot-send',
  'phone-sending-limited',
  'phone-sending-recovered',
  'phone-failure-share-high',
  'phone-opt-out-spike',
  'phone-first-response-slow',
  'template-paused',
  'template-disabled',
  'template-flagged',
  'template-rejected',
  'template-locked',
  'template-unpaused',
  'template-reinstated',
  'template-quality-red',
  'template-quality-yellow',
  'template-quality-recovered',
  'template-one-red-from-disable',
  'template-read-rate-low',
  'template-category-changed',
  'template-category-change-scheduled',
  'template-status-unknown',
  'portfolio-limit-decreased',
  'portfolio-limit-increased',
  'account-disabled',
  'account-disable-scheduled',
  'account-reinstated',
  'account-restricted',
  'account-violation',
  'account-deleted',
  'account-offboarded',
  'account-reconnected',
  'meta-account-alert',
  'poller-cannot-read-waba',
  'poller-access-restored',
] as const;
/**
 * Messages about alerts rather than about one transition (alert-policy.ts, functions/alert-sweep/): a flapping
 * entity, its summary once it settled, a reminder of a CRITICAL incident still open. (A digest keeps the kind of
 * the alerts it stands for, so that filter policies on `kind` still select it.)
 */
export const NOTICE_KINDS = ['entity-flapping', 'flapping-settled', 'incident-reminder'] as const;
export type NoticeKind = (typeof NOTICE_KINDS)[number];
/** The kinds the rules decide from transitions. */
export type RuleAlertKind = (typeof ALERT_KINDS)[number];
export type AlertKind = RuleAlertKind | NoticeKind;

/** What people are told, decided purely from one transition and the entity's state after it. */
export interface Alert {
  /** Deterministic: the same transition always yields the same alert id, so a retry never alerts twice. */
  readonly id: string;
  readonly severity: AlertSeverity;
  readonly kind: AlertKind;
  readonly entityKind: EntityKind;
  readonly entityId: string;
  readonly wabaId: string;
  readonly title: string;
  readonly description: string;
  readonly nextSteps: readonly string[];
  readonly transitionId: string;
  readonly eventId: string;
  /** Epoch ms of the event that caused it. */
  readonly eventTime: number;
}

/**
 * An alert as the alert policy releases it (alert-policy.ts): the decided alert plus when it was made, whether it
 * waits for a digest and the incident it belongs to. The domain owns this shape; the store keeps it as it is in
 * the event item's outbox and in the alert item (shared/store/table-items.ts).
 */
export interface StoredAlert extends Alert {
  readonly createdAt: string;
  /**
   * ISO-8601 end of the digest window this alert waits for: the owed-alerts sweep publishes it then, alone or
   * in one digest with the others of its WABA and kind (alert-policy.ts). Absent: published at once.
   */
  readonly heldUntil?: string;
  /**
   * ISO-8601 start of the digest window the alert's event falls in, by event time: one Meta delivery of many
   * changes shares one entry time, so it lands in one window however long the processors take to apply it.
   */
  readonly digestWindow?: string;
  /** The incident the alert opened, updated or resolved. */
  readonly incidentId?: string;
}
