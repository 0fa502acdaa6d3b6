import { describe, expect, it } from 'vitest';
import type { Alert, AlertKind, AlertSeverity } from '../../../shared/alerts/alert.ts';
import { ALERT_KINDS } from '../../../shared/alerts/alert.ts';
import { decideAlerts } from '../../../shared/alerts/decide-alerts.ts';
import type { EntityKind, QualityEvent } from '../../../shared/events/quality-event.ts';
import {
  phoneSnapshotOf,
  polledPhoneNumber,
  polledTemplate,
  pollerAccessEventOf,
  templateSnapshotOf,
} from '../../../shared/graph-records/polled-records.ts';
import { templateReadRateEventOf } from '../../../shared/insights/read-rate-event.ts';
import { applyEvent } from '../../../shared/state/apply-event.ts';
import type { EntityState } from '../../../shared/state/entity-state.ts';
import { failureShareEvent, firstResponseEvent, optOutEvent } from '../../support/traffic-warnings.ts';
import { type ChangeSpec, change, eventsOf, WABA } from '../../support/webhook-builders.ts';

/** Meta's insights judged by the monitor for the builders' template (shared/insights/read-rate-drop.ts). */
const readRateVerdictEvent = (day: string, status: 'LOW' | 'NORMAL', readRate: number): QualityEvent =>
  templateReadRateEventOf(WABA, '1304694804498707', {
    status,
    day,
    readRate,
    delivered: 1240,
    baselineMedian: 0.62,
    baselineDays: 14,
  });

// ------------------------------------------------------------------------------------------------- helpers

/** A step of a scenario: a webhook change (through the real parser) or an already built (poll) event. */
type Step = ChangeSpec | QualityEvent;

/** Entry time in seconds of the n-th minute of a scenario; steps use increasing minutes, so none is late. */
const BASE_TIME = 1_780_000_000;
const at = (minute: number) => BASE_TIME + minute * 60;

const DISPLAY_NUMBER = '15550783881';
const PHONE_NUMBER_ID = '106540352242922';
const TEMPLATE_ID = '1304694804498707';
const PHONE_LABEL = DISPLAY_NUMBER;
const TEMPLATE_LABEL = 'cart_reminder';
const BUSINESS_LABEL = WABA;

/** `GET /{WABA_ID}/phone_numbers` item for the builders' phone number, polled at `minute`. */
function phonePoll(minute: number, fields: Record<string, unknown>): QualityEvent {
  const record = polledPhoneNumber.parse({
    id: PHONE_NUMBER_ID,
    display_phone_number: DISPLAY_NUMBER,
    ...fields,
  });
  return phoneSnapshotOf(record, { wabaId: WABA, polledAt: at(minute) * 1000 });
}

/** `GET /{WABA_ID}/message_templates` item for the builders' template, polled at `minute`. */
function templatePoll(minute: number, fields: Record<string, unknown>): QualityEvent {
  const record = polledTemplate.parse({ id: TEMPLATE_ID, name: 'cart_reminder', language: 'en', ...fields });
  return templateSnapshotOf(record, { wabaId: WABA, polledAt: at(minute) * 1000 });
}

/** The poller's access event for the builders' WABA at `minute`. */
function pollerAccess(minute: number, access: 'ok' | 'denied', error?: string): QualityEvent {
  return pollerAccessEventOf({ wabaId: WABA, polledAt: at(minute) * 1000 }, access, error);
}

const isEvent = (step: Step): step is QualityEvent => 'kind' in step;

/**
 * Folds every event of every step into per-entity state with the real reducer, and returns the alerts decided
 * for each step (one change may yield several events, e.g. a phone update carrying the portfolio limit).
 */
function alertsPerStep(...steps: Step[]): Alert[][] {
  const states = new Map<string, EntityState>();
  return steps.map((step) =>
    (isEvent(step) ? [step] : eventsOf(step)).flatMap((event) => {
      const result = applyEvent(states.get(event.entity.id), event);
      states.set(event.entity.id, result.state);
      return decideAlerts(result.transitions, result.state);
    }),
  );
}

/** The alerts of the last step only: the earlier steps just build up the state. */
function alertsAfter(...steps: Step[]): Alert[] {
  return alertsPerStep(...steps).at(-1) ?? [];
}

/** Every alert of every step, in order. */
function allAlerts(...steps: Step[]): Alert[] {
  return alertsPerStep(...steps).flat();
}

const kindsOf = (alerts: readonly Alert[]) => alerts.map((alert) => alert.kind);

// -------------------------------------------------------------------------------------------- positive rows

interface AlertRow {
  readonly kind: AlertKind;
  readonly severity: AlertSeverity;
  readonly entityKind: EntityKind;
  /** What a person recognizes in the title. */
  readonly label: string;
  /** What the row shows. */
  readonly scenario: string;
  /** The last step must yield exactly this one alert. */
  readonly steps: readonly Step[];
}

const phone = (
  kind: AlertKind,
  severity: AlertSeverity,
  scenario: string,
  steps: readonly Step[],
): AlertRow => ({ kind, severity, entityKind: 'phone-number', label: PHONE_LABEL, scenario, steps });
const template = (
  kind: AlertKind,
  severity: AlertSeverity,
  scenario: string,
  steps: readonly Step[],
): AlertRow => ({ kind, severity, entityKind: 'template', label: TEMPLATE_LABEL, scenario, steps });
const business = (
  kind: AlertKind,
  severity: AlertSeverity,
  scenario: string,
  steps: readonly Step[],
): AlertRow => ({ kind, severity, entityKind: 'business', label: BUSINESS_LABEL, scenario, steps });

const ALERT_ROWS: readonly AlertRow[] = [
  // ---- phone number status (legacy FLAGGED flow by webhook, the rest by poll)
  phone('phone-flagged', 'CRITICAL', 'FLAGGED webhook', [change.phoneQuality(at(0), 'FLAGGED')]),
  phone('phone-unflagged', 'INFO', 'FLAGGED then UNFLAGGED webhook', [
    change.phoneQuality(at(0), 'FLAGGED'),
    change.phoneQuality(at(1), 'UNFLAGGED'),
  ]),
  phone('phone-unflagged', 'INFO', 'FLAGGED webhook then polled CONNECTED', [
    change.phoneQuality(at(0), 'FLAGGED'),
    phonePoll(1, { status: 'CONNECTED' }),
  ]),
  phone('phone-restricted', 'CRITICAL', 'polled CONNECTED then RESTRICTED', [
    phonePoll(0, { status: 'CONNECTED' }),
    phonePoll(1, { status: 'RESTRICTED' }),
  ]),
  phone('phone-banned', 'CRITICAL', 'polled BANNED', [phonePoll(0, { status: 'BANNED' })]),
  phone('phone-disconnected', 'CRITICAL', 'polled CONNECTED then DISCONNECTED', [
    phonePoll(0, { status: 'CONNECTED' }),
    phonePoll(1, { status: 'DISCONNECTED' }),
  ]),
  phone('phone-rate-limited', 'WARNING', 'polled RATE_LIMITED', [phonePoll(0, { status: 'RATE_LIMITED' })]),
  phone('phone-status-recovered', 'INFO', 'polled RESTRICTED then CONNECTED', [
    phonePoll(0, { status: 'RESTRICTED' }),
    phonePoll(1, { status: 'CONNECTED' }),
  ]),
  phone('phone-status-recovered', 'INFO', 'polled RATE_LIMITED then CONNECTED', [
    phonePoll(0, { status: 'RATE_LIMITED' }),
    phonePoll(1, { status: 'CONNECTED' }),
  ]),

  // ---- phone number quality rating
  phone('phone-quality-red', 'CRITICAL', 'webhook DOWNGRADE carrying new_quality_rating RED', [
    change.phoneQuality(at(0), 'DOWNGRADE', { new_quality_rating: 'RED' }),
  ]),
  phone('phone-quality-red', 'CRITICAL', 'polled YELLOW then RED', [
    phonePoll(0, { quality_rating: 'YELLOW' }),
    phonePoll(1, { quality_rating: 'RED' }),
  ]),
  phone('phone-quality-yellow', 'WARNING', 'polled GREEN then YELLOW', [
    phonePoll(0, { quality_rating: 'GREEN' }),
    phonePoll(1, { quality_rating: 'YELLOW' }),
  ]),
  phone('phone-quality-yellow', 'WARNING', 'first-seen YELLOW', [phonePoll(0, { quality_rating: 'YELLOW' })]),
  phone('phone-quality-recovered', 'INFO', 'polled RED then GREEN', [
    phonePoll(0, { quality_rating: 'RED' }),
    phonePoll(1, { quality_rating: 'GREEN' }),
  ]),
  phone('phone-quality-recovered', 'INFO', 'polled RED then YELLOW', [
    phonePoll(0, { quality_rating: 'RED' }),
    phonePoll(1, { quality_rating: 'YELLOW' }),
  ]),

  // ---- phone number (legacy, per number) messaging limit, throughput, display name
  phone('phone-limit-decreased', 'WARNING', 'webhook TIER_10K then DOWNGRADE to TIER_1K', [
    change.phoneQuality(at(0), 'UPGRADE', { current_limit: 'TIER_10K' }),
    change.phoneQuality(at(1), 'DOWNGRADE', { old_limit: 'TIER_10K', current_limit: 'TIER_1K' }),
  ]),
  phone('phone-limit-increased', 'INFO', 'webhook TIER_1K then UPGRADE to TIER_10K', [
    change.phoneQuality(at(0), 'ONBOARDING', { current_limit: 'TIER_1K' }),
    change.phoneQuality(at(1), 'UPGRADE', { old_limit: 'TIER_1K', current_limit: 'TIER_10K' }),
  ]),
  phone('phone-limit-increased', 'INFO', 'polled limit 250 then UNLIMITED', [
    phonePoll(0, { whatsapp_business_manager_messaging_limit: 'TIER_250' }),
    phonePoll(1, { whatsapp_business_manager_messaging_limit: 'UNLIMITED' }),
  ]),
  phone('phone-throughput-upgraded', 'INFO', 'THROUGHPUT_UPGRADE webhook', [
    change.phoneQuality(at(0), 'THROUGHPUT_UPGRADE', { current_limit: 'TIER_UNLIMITED' }),
  ]),
  phone('phone-throughput-upgraded', 'INFO', 'polled throughput STANDARD then HIGH', [
    phonePoll(0, { throughput: { level: 'STANDARD' } }),
    phonePoll(1, { throughput: { level: 'HIGH' } }),
  ]),
  phone('phone-name-rejected', 'WARNING', 'name update REJECTED webhook', [
    change.phoneName(at(0), 'REJECTED', { rejection_reason: 'Name does not follow the guidelines' }),
  ]),
  phone('phone-name-rejected', 'WARNING', 'polled name_status DECLINED', [
    phonePoll(0, { name_status: 'APPROVED' }),
    phonePoll(1, { name_status: 'DECLINED' }),
  ]),

  // ---- phone number health status (can_send_message)
  phone('phone-cannot-send', 'CRITICAL', 'polled BLOCKED', [
    phonePoll(0, { health_status: { can_send_message: 'BLOCKED' } }),
  ]),
  phone('phone-sending-limited', 'WARNING', 'polled AVAILABLE then LIMITED', [
    phonePoll(0, { health_status: { can_send_message: 'AVAILABLE' } }),
    phonePoll(1, { health_status: { can_send_message: 'LIMITED' } }),
  ]),
  phone('phone-sending-recovered', 'INFO', 'polled BLOCKED then AVAILABLE', [
    phonePoll(0, { health_status: { can_send_message: 'BLOCKED' } }),
    phonePoll(1, { health_status: { can_send_message: 'AVAILABLE' } }),
  ]),

  // ---- template status
  template('template-paused', 'CRITICAL', 'APPROVED then FIRST_PAUSE', [
    change.templateStatus(at(0), 'APPROVED'),
    change.templatePaused(at(1), 'FIRST_PAUSE'),
  ]),
  template('template-disabled', 'CRITICAL', 'APPROVED then DISABLED', [
    change.templateStatus(at(0), 'APPROVED'),
    change.templateStatus(at(1), 'DISABLED', { reason: 'LOW_QUALITY' }),
  ]),
  template('template-flagged', 'WARNING', 'APPROVED then FLAGGED with a disable date', [
    change.templateStatus(at(0), 'APPROVED'),
    change.templateStatus(at(1), 'FLAGGED', { disable_info: { disable_date: 'January 31, 2027' } }),
  ]),
  template('template-rejected', 'WARNING', 'PENDING then REJECTED', [
    change.templateStatus(at(0), 'PENDING'),
    change.templateStatus(at(1), 'REJECTED', { reason: 'INVALID_FORMAT' }),
  ]),
  template('template-locked', 'WARNING', 'APPROVED then LOCKED', [
    change.templateStatus(at(0), 'APPROVED'),
    change.templateStatus(at(1), 'LOCKED'),
  ]),
  template('template-locked', 'WARNING', 'APPROVED then LIMIT_EXCEEDED', [
    change.templateStatus(at(0), 'APPROVED'),
    change.templateStatus(at(1), 'LIMIT_EXCEEDED'),
  ]),
  template('template-unpaused', 'INFO', 'FIRST_PAUSE then APPROVED', [
    change.templatePaused(at(0), 'FIRST_PAUSE'),
    change.templateStatus(at(1), 'APPROVED'),
  ]),
  template('template-reinstated', 'INFO', 'DISABLED then REINSTATED', [
    change.templateStatus(at(0), 'DISABLED'),
    change.templateStatus(at(1), 'REINSTATED'),
  ]),
  template('template-reinstated', 'INFO', 'FLAGGED then APPROVED', [
    change.templateStatus(at(0), 'FLAGGED'),
    change.templateStatus(at(1), 'APPROVED'),
  ]),
  template('template-reinstated', 'INFO', 'LOCKED then UNLOCKED', [
    change.templateStatus(at(0), 'LOCKED'),
    change.templateStatus(at(1), 'UNLOCKED'),
  ]),

  // ---- template quality score
  template('template-quality-red', 'CRITICAL', 'GREEN then RED webhook', [
    change.templateQuality(at(0), 'GREEN'),
    change.templateQuality(at(1), 'RED', 'GREEN'),
  ]),
  template('template-quality-red', 'CRITICAL', 'first-seen RED poll', [
    templatePoll(0, { status: 'APPROVED', quality_score: { score: 'RED' } }),
  ]),
  template('template-quality-yellow', 'WARNING', 'GREEN then YELLOW webhook', [
    change.templateQuality(at(0), 'GREEN'),
    change.templateQuality(at(1), 'YELLOW', 'GREEN'),
  ]),
  template('template-quality-recovered', 'INFO', 'RED then GREEN webhook', [
    change.templateQuality(at(0), 'RED'),
    change.templateQuality(at(1), 'GREEN', 'RED'),
  ]),
  // ---- early warnings on a number's traffic (message tracking): only when the verdict turns HIGH
  phone('phone-failure-share-high', 'WARNING', 'an hour with 9% 131049/131050 failures after a normal hour', [
    failureShareEvent(9, 'NORMAL', 8),
    failureShareEvent(10, 'HIGH', 36),
  ]),
  phone('phone-failure-share-high', 'WARNING', 'the first verdict on a number is HIGH', [
    failureShareEvent(10, 'HIGH', 36),
  ]),
  phone('phone-failure-share-high', 'WARNING', 'HIGH again after a NORMAL hour', [
    failureShareEvent(8, 'HIGH', 36),
    failureShareEvent(9, 'NORMAL', 8),
    failureShareEvent(10, 'HIGH', 30),
  ]),
  phone('phone-opt-out-spike', 'WARNING', '17 marketing stops against a median of 2', [
    optOutEvent('2026-11-23', 'NORMAL', 3),
    optOutEvent('2026-11-24', 'HIGH', 17),
  ]),
  phone('phone-first-response-slow', 'WARNING', 'an hour whose p90 first response is over the target', [
    firstResponseEvent(9, 'NORMAL', 300),
    firstResponseEvent(10, 'HIGH', 3600),
  ]),
  template('template-read-rate-low', 'WARNING', "a day's read rate below 0.6 × its 14-day median", [
    change.templateStatus(at(0), 'APPROVED'),
    readRateVerdictEvent('2026-11-23', 'NORMAL', 0.61),
    readRateVerdictEvent('2026-11-24', 'LOW', 0.31),
  ]),
  template('template-one-red-from-disable', 'WARNING', 'two pauses, unpaused, then YELLOW', [
    change.templatePaused(at(0), 'FIRST_PAUSE'),
    change.templateStatus(at(1), 'APPROVED'),
    change.templatePaused(at(2), 'SECOND_PAUSE'),
    change.templateStatus(at(3), 'APPROVED'),
    change.templateQuality(at(4), 'YELLOW', 'GREEN'),
  ]),

  // ---- template category
  template('template-category-changed', 'WARNING', 'UTILITY then completed change to MARKETING', [
    change.templateStatus(at(0), 'APPROVED', { message_template_category: 'UTILITY' }),
    change.templateCategory(at(1), { previous_category: 'UTILITY', new_category: 'MARKETING' }),
  ]),
  template('template-category-change-scheduled', 'WARNING', 'impending UTILITY to MARKETING', [
    change.templateCategory(at(0), {
      new_category: 'UTILITY',
      correct_category: 'MARKETING',
      category_update_timestamp: 1_790_000_000,
    }),
  ]),
  template('template-status-unknown', 'WARNING', 'APPROVED then a status Meta just added', [
    change.templateStatus(at(0), 'APPROVED'),
    change.templateStatus(at(1), 'FLAGGED_BY_A_NEW_SYSTEM'),
  ]),
  template('template-status-unknown', 'WARNING', 'first-seen unknown status by poll', [
    templatePoll(0, { status: 'QUARANTINED' }),
  ]),

  // ---- business portfolio messaging limit
  business('portfolio-limit-decreased', 'WARNING', 'capability TIER_10K then TIER_2K', [
    change.capability(at(0), { max_daily_conversations_per_business: 'TIER_10K' }),
    change.capability(at(1), { max_daily_conversations_per_business: 'TIER_2K' }),
  ]),
  business('portfolio-limit-decreased', 'WARNING', 'capability 10000 then a phone DOWNGRADE carrying 2000', [
    change.capability(at(0), { max_daily_conversations_per_business: 10000 }),
    change.phoneQuality(at(1), 'DOWNGRADE', { max_daily_conversations_per_business: 2000 }),
  ]),
  business('portfolio-limit-increased', 'INFO', 'capability TIER_2K then TIER_10K', [
    change.capability(at(0), { max_daily_conversations_per_business: 'TIER_2K' }),
    change.capability(at(1), { max_daily_conversations_per_business: 'TIER_10K' }),
  ]),
  business('portfolio-limit-increased', 'INFO', 'legacy per-phone 1000 then -1 (unlimited)', [
    change.capability(at(0), { max_daily_conversation_per_phone: 1000 }),
    change.capability(at(1), { max_daily_conversation_per_phone: -1 }),
  ]),

  // ---- account updates
  business('account-disabled', 'CRITICAL', 'DISABLED_UPDATE DISABLE', [
    change.accountUpdate(at(0), { event: 'DISABLED_UPDATE', ban_info: { waba_ban_state: 'DISABLE' } }),
  ]),
  business('account-disable-scheduled', 'CRITICAL', 'DISABLED_UPDATE SCHEDULE_FOR_DISABLE', [
    change.accountUpdate(at(0), {
      event: 'DISABLED_UPDATE',
      ban_info: { waba_ban_state: 'SCHEDULE_FOR_DISABLE', waba_ban_date: 'January 31, 2027' },
    }),
  ]),
  business('account-reinstated', 'INFO', 'DISABLE then REINSTATE', [
    change.accountUpdate(at(0), { event: 'DISABLED_UPDATE', ban_info: { waba_ban_state: 'DISABLE' } }),
    change.accountUpdate(at(1), { event: 'DISABLED_UPDATE', ban_info: { waba_ban_state: 'REINSTATE' } }),
  ]),
  business('account-restricted', 'CRITICAL', 'ACCOUNT_RESTRICTION with two restrictions', [
    change.accountUpdate(at(0), {
      event: 'ACCOUNT_RESTRICTION',
      restriction_info: [
        { restriction_type: 'RESTRICTED_BIZ_INITIATED_MESSAGING', expiration: 1_790_000_000 },
        { restriction_type: 'RESTRICTED_ADD_PHONE_NUMBER_ACTION', expiration: 1_790_000_000 },
      ],
    }),
  ]),
  business('account-violation', 'WARNING', 'ACCOUNT_VIOLATION ADULT', [
    change.accountUpdate(at(0), { event: 'ACCOUNT_VIOLATION', violation_info: { violation_type: 'ADULT' } }),
  ]),
  business('account-deleted', 'CRITICAL', 'ACCOUNT_DELETED', [
    change.accountUpdate(at(0), { event: 'ACCOUNT_DELETED' }),
  ]),
  business('account-offboarded', 'WARNING', 'ACCOUNT_OFFBOARDED', [
    change.accountUpdate(at(0), { event: 'ACCOUNT_OFFBOARDED' }),
  ]),
  business('account-reconnected', 'INFO', 'ACCOUNT_OFFBOARDED then ACCOUNT_RECONNECTED', [
    change.accountUpdate(at(0), { event: 'ACCOUNT_OFFBOARDED' }),
    change.accountUpdate(at(1), { event: 'ACCOUNT_RECONNECTED' }),
  ]),

  // ---- Meta account alerts: Meta's severity, INFORMATIONAL as INFO, a cleared (NONE) alert as INFO
  business('meta-account-alert', 'WARNING', 'ACTIVE WARNING alert', [
    change.accountAlert(at(0), {
      alert_type: 'INCREASED_CAPABILITIES_ELIGIBILITY_DEFERRED',
      alert_severity: 'WARNING',
      alert_status: 'ACTIVE',
      alert_description: 'Limits cannot be increased for your business.',
    }),
  ]),
  business('meta-account-alert', 'CRITICAL', 'ACTIVE CRITICAL alert', [
    change.accountAlert(at(0), {
      alert_type: 'OBA_REJECTED',
      alert_severity: 'CRITICAL',
      alert_status: 'ACTIVE',
    }),
  ]),
  business('meta-account-alert', 'INFO', 'INFORMATIONAL alert', [
    change.accountAlert(at(0), { alert_type: 'OBA_APPROVED', alert_severity: 'INFORMATIONAL' }),
  ]),
  business('meta-account-alert', 'INFO', 'CRITICAL alert cleared (status NONE)', [
    change.accountAlert(at(0), {
      alert_type: 'OBA_REJECTED',
      alert_severity: 'CRITICAL',
      alert_status: 'ACTIVE',
    }),
    change.accountAlert(at(1), {
      alert_type: 'OBA_REJECTED',
      alert_severity: 'CRITICAL',
      alert_status: 'NONE',
    }),
  ]),
  business('meta-account-alert', 'WARNING', 'unknown Meta severity falls back to WARNING', [
    change.accountAlert(at(0), { alert_type: 'SOMETHING_NEW', alert_severity: 'SEVERE' }),
  ]),

  // ---- the poller's access to the WABA: alerted once when lost, once when back
  business('poller-cannot-read-waba', 'CRITICAL', 'poll denied (expired token)', [
    pollerAccess(0, 'denied', 'auth 190/463'),
  ]),
  business('poller-cannot-read-waba', 'CRITICAL', 'poll OK then denied (permission)', [
    pollerAccess(0, 'ok'),
    pollerAccess(1, 'denied', 'permission 200'),
  ]),
  business('poller-access-restored', 'INFO', 'poll denied then OK', [
    pollerAccess(0, 'denied', 'auth 190'),
    pollerAccess(1, 'ok'),
  ]),
];

describe('decideAlerts: one alert per rule', () => {
  it('the table covers every alert kind', () => {
    const covered = new Set(ALERT_ROWS.map((row) => row.kind));
    expect(ALERT_KINDS.filter((kind) => !covered.has(kind))).toEqual([]);
  });

  it.each(ALERT_ROWS)('$kind ($severity): $scenario', ({ kind, severity, entityKind, label, steps }) => {
    const alerts = alertsAfter(...steps);
    expect(kindsOf(alerts)).toEqual([kind]);
    const [alert] = alerts;
    expect(alert).toMatchObject({ kind, severity, entityKind, wabaId: WABA });
    expect(alert?.title).toContain(label);
    expect(alert?.description).not.toBe('');
    expect(Array.isArray(alert?.nextSteps)).toBe(true);
    expect(alert?.id).toMatch(/^[0-9a-f]{32}$/);
    expect(alert?.transitionId.startsWith(`${alert?.eventId}:`)).toBe(true);
  });
});

// -------------------------------------------------------------------------------------------- negative rows

interface SilentRow {
  readonly scenario: string;
  /** The last step must yield no alert. */
  readonly steps: readonly Step[];
}

const SILENT_ROWS: readonly SilentRow[] = [
  // ---- early warnings on a number's traffic: a lasting problem alerts once; NORMAL and late verdicts never
  {
    scenario: 'failure share HIGH hour after HIGH hour',
    steps: [failureShareEvent(9, 'HIGH', 30), failureShareEvent(10, 'HIGH', 36)],
  },
  { scenario: 'failure share NORMAL', steps: [failureShareEvent(10, 'NORMAL', 8)] },
  {
    scenario: 'a late HIGH verdict on an older hour after a newer NORMAL one',
    steps: [failureShareEvent(10, 'NORMAL', 8), failureShareEvent(9, 'HIGH', 36)],
  },
  {
    scenario: 'opt-outs HIGH day after HIGH day',
    steps: [optOutEvent('2026-11-23', 'HIGH', 14), optOutEvent('2026-11-24', 'HIGH', 17)],
  },
  { scenario: 'opt-outs NORMAL', steps: [optOutEvent('2026-11-24', 'NORMAL', 4)] },
  {
    scenario: 'first response HIGH hour after HIGH hour',
    steps: [firstResponseEvent(9, 'HIGH', 1800), firstResponseEvent(10, 'HIGH', 3600)],
  },
  { scenario: 'first response within the target', steps: [firstResponseEvent(10, 'NORMAL', 900)] },
  // ---- the poller: access OK on every run, and a denial repeated run after run, alert nothing (more)
  { scenario: 'first poll OK', steps: [pollerAccess(0, 'ok')] },
  { scenario: 'poll OK run after run', steps: [pollerAccess(0, 'ok'), pollerAccess(1, 'ok')] },
  {
    scenario: 'poll denied run after run alerts only the first time',
    steps: [pollerAccess(0, 'denied', 'auth 190'), pollerAccess(1, 'denied', 'auth 190')],
  },
  // ---- first sightings of healthy or neutral values
  { scenario: 'first-seen GREEN template quality', steps: [change.templateQuality(at(0), 'GREEN')] },
  { scenario: 'first-seen GREEN phone quality', steps: [phonePoll(0, { quality_rating: 'GREEN' })] },
  { scenario: 'first-seen APPROVED template', steps: [change.templateStatus(at(0), 'APPROVED')] },
  { scenario: 'first-seen PENDING template', steps: [change.templateStatus(at(0), 'PENDING')] },
  {
    scenario: 'PENDING then APPROVED template',
    steps: [change.templateStatus(at(0), 'PENDING'), change.templateStatus(at(1), 'APPROVED')],
  },
  { scenario: 'first-seen CONNECTED phone', steps: [phonePoll(0, { status: 'CONNECTED' })] },
  {
    scenario: 'PENDING then CONNECTED phone',
    steps: [phonePoll(0, { status: 'PENDING' }), phonePoll(1, { status: 'CONNECTED' })],
  },
  {
    scenario: 'first-seen AVAILABLE health status',
    steps: [phonePoll(0, { health_status: { can_send_message: 'AVAILABLE' } })],
  },
  {
    scenario: 'first-seen STANDARD throughput',
    steps: [phonePoll(0, { throughput: { level: 'STANDARD' } })],
  },
  { scenario: 'display name APPROVED', steps: [change.phoneName(at(0), 'APPROVED')] },
  {
    scenario: 'first-seen category (completed notice)',
    steps: [change.templateCategory(at(0), { new_category: 'MARKETING' })],
  },

  // ---- first-seen messaging limits: nothing to compare with
  {
    scenario: 'first-seen phone limit (webhook)',
    steps: [change.phoneQuality(at(0), 'UPGRADE', { current_limit: 'TIER_10K' })],
  },
  {
    scenario: 'first-seen phone limit (poll)',
    steps: [phonePoll(0, { whatsapp_business_manager_messaging_limit: 'TIER_2K' })],
  },
  {
    scenario: 'first-seen portfolio limit',
    steps: [change.capability(at(0), { max_daily_conversations_per_business: 'TIER_2K' })],
  },
  {
    scenario: 'first-seen ONBOARDING with phone and portfolio limits',
    steps: [
      change.phoneQuality(at(0), 'ONBOARDING', {
        old_limit: 'TIER_NOT_SET',
        current_limit: 'TIER_250',
        max_daily_conversations_per_business: 'TIER_250',
      }),
    ],
  },

  // ---- the same value twice (a newer event that changes nothing)
  {
    scenario: 'template RED twice',
    steps: [change.templateQuality(at(0), 'RED'), change.templateQuality(at(1), 'RED')],
  },
  {
    scenario: 'phone FLAGGED twice',
    steps: [change.phoneQuality(at(0), 'FLAGGED'), change.phoneQuality(at(1), 'FLAGGED')],
  },
  {
    scenario: 'portfolio limit TIER_2K then 2000 (same tier)',
    steps: [
      change.capability(at(0), { max_daily_conversations_per_business: 'TIER_2K' }),
      change.capability(at(1), { max_daily_conversations_per_business: 2000 }),
    ],
  },
  {
    scenario: 'phone BLOCKED twice',
    steps: [
      phonePoll(0, { health_status: { can_send_message: 'BLOCKED' } }),
      phonePoll(1, { health_status: { can_send_message: 'BLOCKED' } }),
    ],
  },
  {
    scenario: 'THROUGHPUT_UPGRADE twice',
    steps: [
      change.phoneQuality(at(0), 'THROUGHPUT_UPGRADE'),
      change.phoneQuality(at(1), 'THROUGHPUT_UPGRADE'),
    ],
  },
  {
    scenario: 'account disabled twice',
    steps: [
      change.accountUpdate(at(0), { event: 'DISABLED_UPDATE', ban_info: { waba_ban_state: 'DISABLE' } }),
      change.accountUpdate(at(1), { event: 'DISABLED_UPDATE', ban_info: { waba_ban_state: 'DISABLE' } }),
    ],
  },

  // ---- limits that cannot be compared, unknown qualities
  {
    scenario: 'portfolio limit to an unknown spelling',
    steps: [
      change.capability(at(0), { max_daily_conversations_per_business: 'TIER_10K' }),
      change.capability(at(1), { max_daily_conversations_per_business: 'TIER_JUMBO' }),
    ],
  },
  {
    scenario: 'portfolio limit from an unknown spelling',
    steps: [
      change.capability(at(0), { max_daily_conversations_per_business: 'TIER_JUMBO' }),
      change.capability(at(1), { max_daily_conversations_per_business: 'TIER_250' }),
    ],
  },
  {
    scenario: 'phone limit to an unknown spelling',
    steps: [
      change.phoneQuality(at(0), 'UPGRADE', { current_limit: 'TIER_10K' }),
      change.phoneQuality(at(1), 'DOWNGRADE', { current_limit: 'TIER_SOMETHING_NEW' }),
    ],
  },
  {
    scenario: 'template quality GREEN then UNKNOWN',
    steps: [change.templateQuality(at(0), 'GREEN'), change.templateQuality(at(1), 'UNKNOWN', 'GREEN')],
  },
  { scenario: 'first-seen UNKNOWN template quality', steps: [change.templateQuality(at(0), 'UNKNOWN')] },
  {
    scenario: 'phone quality YELLOW then NA',
    steps: [phonePoll(0, { quality_rating: 'YELLOW' }), phonePoll(1, { quality_rating: 'NA' })],
  },

  // ---- events that carry nothing alert-worthy
  { scenario: 'ONBOARDING without a limit', steps: [change.phoneQuality(at(0), 'ONBOARDING')] },
  {
    scenario: 'ONBOARDING with an unchanged limit',
    steps: [
      change.phoneQuality(at(0), 'UPGRADE', { current_limit: 'TIER_1K' }),
      change.phoneQuality(at(1), 'ONBOARDING', { current_limit: 'TIER_1K' }),
    ],
  },
  { scenario: 'DOWNGRADE without a rating or limit', steps: [change.phoneQuality(at(0), 'DOWNGRADE')] },
  {
    scenario: 'VERIFIED_ACCOUNT account update',
    steps: [change.accountUpdate(at(0), { event: 'VERIFIED_ACCOUNT' })],
  },
  {
    scenario: 'ACCOUNT_RESTRICTION without restrictions',
    steps: [change.accountUpdate(at(0), { event: 'ACCOUNT_RESTRICTION', restriction_info: [] })],
  },
  {
    scenario: 'category change completed: the upcoming category is cleared',
    steps: [
      change.templateCategory(at(0), {
        new_category: 'UTILITY',
        correct_category: 'MARKETING',
        category_update_timestamp: 1_790_000_000,
      }),
      change.templateCategory(at(1), { new_category: 'UTILITY' }),
    ],
  },

  // ---- an event older than what the state already holds (arrived late)
  {
    scenario: 'late GREEN after a newer YELLOW',
    steps: [change.templateQuality(at(1), 'YELLOW'), change.templateQuality(at(0), 'GREEN')],
  },
];

describe('decideAlerts: transitions that must not alert', () => {
  it.each(SILENT_ROWS)('$scenario', ({ steps }) => {
    expect(alertsAfter(...steps)).toEqual([]);
  });
});

// ----------------------------------------------------------------------------------------- the pause counter

describe('decideAlerts: pauses towards disabling (predictive rule)', () => {
  const firstPause = [change.templatePaused(at(0), 'FIRST_PAUSE'), change.templateStatus(at(1), 'APPROVED')];
  const secondPause = [
    ...firstPause,
    change.templatePaused(at(2), 'SECOND_PAUSE'),
    change.templateStatus(at(3), 'APPROVED'),
  ];

  it('after one pause, a YELLOW is a plain template-quality-yellow', () => {
    const alerts = alertsAfter(...firstPause, change.templateQuality(at(4), 'YELLOW', 'GREEN'));
    expect(alerts).toMatchObject([{ kind: 'template-quality-yellow', severity: 'WARNING' }]);
  });

  it('after two pauses, a YELLOW is template-one-red-from-disable', () => {
    const alerts = alertsAfter(...secondPause, change.templateQuality(at(4), 'YELLOW', 'GREEN'));
    expect(alerts).toMatchObject([{ kind: 'template-one-red-from-disable', severity: 'WARNING' }]);
    expect(alerts[0]?.title).toContain(TEMPLATE_LABEL);
  });

  it('after two pauses, a RED is still template-quality-red', () => {
    const alerts = alertsAfter(...secondPause, change.templateQuality(at(4), 'RED', 'GREEN'));
    expect(alerts).toMatchObject([{ kind: 'template-quality-red', severity: 'CRITICAL' }]);
  });

  it('the first pause says so in its title and is not predictive', () => {
    const alerts = alertsAfter(change.templatePaused(at(0), 'FIRST_PAUSE'));
    expect(alerts).toMatchObject([{ kind: 'template-paused', severity: 'CRITICAL' }]);
    expect(alerts[0]?.title).toContain('pause #1, 3 hours');
  });

  it('the second pause yields template-paused and template-one-red-from-disable', () => {
    const alerts = alertsAfter(...firstPause, change.templatePaused(at(2), 'SECOND_PAUSE'));
    expect(kindsOf(alerts).sort()).toEqual(['template-one-red-from-disable', 'template-paused']);
    expect(alerts.find((alert) => alert.kind === 'template-paused')).toMatchObject({ severity: 'CRITICAL' });
    expect(alerts.find((alert) => alert.kind === 'template-paused')?.title).toContain('pause #2, 6 hours');
    expect(alerts.find((alert) => alert.kind === 'template-one-red-from-disable')).toMatchObject({
      severity: 'WARNING',
    });
  });

  it('untitled pauses count too', () => {
    const alerts = alertsAfter(
      change.templatePaused(at(0)),
      change.templateStatus(at(1), 'APPROVED'),
      change.templatePaused(at(2)),
    );
    expect(kindsOf(alerts).sort()).toEqual(['template-one-red-from-disable', 'template-paused']);
  });

  it('the unpause after the second pause warns in its next steps', () => {
    const [alert, ...rest] = alertsAfter(...secondPause);
    expect(rest).toEqual([]);
    expect(alert).toMatchObject({ kind: 'template-unpaused', severity: 'INFO' });
    expect(alert?.nextSteps.length).toBeGreaterThan(0);
  });

  it('the unpause after the first pause has no next steps', () => {
    expect(alertsAfter(...firstPause)).toMatchObject([{ kind: 'template-unpaused', nextSteps: [] }]);
  });

  it('a disabled template is no longer one RED from disable', () => {
    const alerts = alertsAfter(
      ...secondPause,
      change.templateStatus(at(4), 'DISABLED'),
      change.templateQuality(at(5), 'YELLOW', 'GREEN'),
    );
    expect(alerts).toMatchObject([{ kind: 'template-quality-yellow' }]);
  });
});

// ------------------------------------------------------------------------------------------------ recoveries

describe('decideAlerts: recoveries are INFO', () => {
  it.each([
    {
      kind: 'template-quality-recovered',
      steps: [change.templateQuality(at(0), 'RED'), change.templateQuality(at(1), 'GREEN', 'RED')],
    },
    {
      kind: 'phone-unflagged',
      steps: [change.phoneQuality(at(0), 'FLAGGED'), change.phoneQuality(at(1), 'UNFLAGGED')],
    },
    {
      kind: 'template-unpaused',
      steps: [change.templatePaused(at(0), 'FIRST_PAUSE'), change.templateStatus(at(1), 'APPROVED')],
    },
    {
      kind: 'phone-status-recovered',
      steps: [phonePoll(0, { status: 'BANNED' }), phonePoll(1, { status: 'CONNECTED' })],
    },
    {
      kind: 'phone-sending-recovered',
      steps: [
        phonePoll(0, { health_status: { can_send_message: 'LIMITED' } }),
        phonePoll(1, { health_status: { can_send_message: 'AVAILABLE' } }),
      ],
    },
  ] satisfies { kind: AlertKind; steps: Step[] }[])('$kind', ({ kind, steps }) => {
    expect(alertsAfter(...steps)).toMatchObject([{ kind, severity: 'INFO' }]);
  });
});

// -------------------------------------------------------------------------------------------- test deliveries

describe('decideAlerts: App Dashboard test deliveries (WABA "0") never alert', () => {
  const test = (spec: ChangeSpec): ChangeSpec => ({ ...spec, waba: '0' });

  it.each([
    { scenario: 'phone FLAGGED', steps: [test(change.phoneQuality(at(0), 'FLAGGED'))] },
    {
      scenario: 'phone FLAGGED then UNFLAGGED',
      steps: [test(change.phoneQuality(at(0), 'FLAGGED')), test(change.phoneQuality(at(1), 'UNFLAGGED'))],
    },
    { scenario: 'template quality RED', steps: [test(change.templateQuality(at(0), 'RED'))] },
    {
      scenario: 'template GREEN then RED',
      steps: [
        test(change.templateQuality(at(0), 'GREEN')),
        test(change.templateQuality(at(1), 'RED', 'GREEN')),
      ],
    },
    { scenario: 'template PAUSED', steps: [test(change.templatePaused(at(0), 'FIRST_PAUSE'))] },
    {
      scenario: 'account disabled',
      steps: [
        test(
          change.accountUpdate(at(0), { event: 'DISABLED_UPDATE', ban_info: { waba_ban_state: 'DISABLE' } }),
        ),
      ],
    },
    {
      scenario: 'CRITICAL Meta account alert',
      steps: [test(change.accountAlert(at(0), { alert_type: 'OBA_REJECTED', alert_severity: 'CRITICAL' }))],
    },
  ])('$scenario', ({ steps }) => {
    expect(allAlerts(...steps)).toEqual([]);
  });

  it('the same change from the real WABA does alert', () => {
    expect(kindsOf(alertsAfter(change.phoneQuality(at(0), 'FLAGGED')))).toEqual(['phone-flagged']);
  });
});

// ----------------------------------------------------------------------------------- duplicates and alert ids

describe('decideAlerts: duplicates and deterministic ids', () => {
  it.each([
    { scenario: 'phone FLAGGED', spec: change.phoneQuality(at(0), 'FLAGGED') },
    { scenario: 'template RED', spec: change.templateQuality(at(0), 'RED') },
    { scenario: 'template FIRST_PAUSE', spec: change.templatePaused(at(0), 'FIRST_PAUSE') },
    {
      scenario: 'account restriction',
      spec: change.accountUpdate(at(0), {
        event: 'ACCOUNT_RESTRICTION',
        restriction_info: [{ restriction_type: 'RESTRICTED_BIZ_INITIATED_MESSAGING' }],
      }),
    },
  ])('the same change applied twice alerts once: $scenario', ({ spec }) => {
    const [first, second] = alertsPerStep(spec, spec);
    expect(first).toHaveLength(1);
    expect(second).toEqual([]);
  });

  it('a repeated poll with the same answer alerts once', () => {
    const poll = phonePoll(0, { status: 'BANNED' });
    const [first, second] = alertsPerStep(poll, poll);
    expect(kindsOf(first ?? [])).toEqual(['phone-banned']);
    expect(second).toEqual([]);
  });

  it('the same transition always gets the same 32-hex-char id', () => {
    const steps = [change.templateQuality(at(0), 'GREEN'), change.templateQuality(at(1), 'RED', 'GREEN')];
    const once = alertsAfter(...steps);
    const again = alertsAfter(...steps);
    expect(once).toHaveLength(1);
    expect(again).toEqual(once);
    expect(once[0]?.id).toMatch(/^[0-9a-f]{32}$/);
  });

  it('the id depends on the transition, not on the state it was applied to', () => {
    // The RED event is the same; only what came before differs (the transition id does not).
    const afterGreen = alertsAfter(
      change.templateQuality(at(0), 'GREEN'),
      change.templateQuality(at(2), 'RED'),
    );
    const afterYellow = alertsAfter(
      change.templateQuality(at(1), 'YELLOW'),
      change.templateQuality(at(2), 'RED'),
    );
    expect(afterGreen[0]?.id).toBe(afterYellow[0]?.id);
  });

  it('different transitions get different ids', () => {
    const alerts = allAlerts(
      change.templateQuality(at(0), 'RED'),
      change.templateQuality(at(1), 'GREEN', 'RED'),
      change.templateQuality(at(2), 'RED', 'GREEN'),
    );
    expect(kindsOf(alerts)).toEqual([
      'template-quality-red',
      'template-quality-recovered',
      'template-quality-red',
    ]);
    expect(new Set(alerts.map((alert) => alert.id)).size).toBe(3);
    for (const alert of alerts) expect(alert.id).toMatch(/^[0-9a-f]{32}$/);
  });

  it('an alert carries the event it came from', () => {
    const [alert] = alertsAfter(change.templateQuality(at(0), 'RED'));
    expect(alert).toMatchObject({
      entityKind: 'template',
      entityId: `${WABA}:${TEMPLATE_ID}`,
      wabaId: WABA,
      eventTime: at(0) * 1000,
      transitionId: `${alert?.eventId}:qualityScore`,
    });
  });
});

describe('decideAlerts: regressions found in review', () => {
  it('a pacing pause is CRITICAL but says it is pacing, not a RED quality pause', () => {
    const [alert] = alertsAfter(
      change.templateStatus(at(0), 'APPROVED'),
      change.templatePaused(at(1), 'RATE_LIMITING_PAUSE'),
    );
    expect(alert).toMatchObject({ kind: 'template-paused', severity: 'CRITICAL' });
    expect(alert?.title).toContain('pacing');
    expect(alert?.description).not.toContain('RED');
  });

  it('a rejected name seen by the webhook (REJECTED) and then by a poll (DECLINED) alerts once', () => {
    const alerts = alertsPerStep(
      change.phoneName(at(0), 'REJECTED'),
      phonePoll(1, { name_status: 'DECLINED' }),
    ).flat();
    expect(alerts.map((alert) => alert.kind)).toEqual(['phone-name-rejected']);
  });

  it('the same value in another letter case is not a change', () => {
    const alerts = alertsPerStep(
      change.templateStatus(at(0), 'APPROVED', { message_template_category: 'UTILITY' }),
      templatePoll(1, { category: 'utility', status: 'approved' }),
    ).flat();
    expect(alerts).toEqual([]);
  });

  it('a third pause is numbered as such', () => {
    const [paused] = alertsAfter(
      change.templatePaused(at(0), 'FIRST_PAUSE'),
      change.templatePaused(at(1), 'SECOND_PAUSE'),
      change.templateStatus(at(2), 'APPROVED'),
      change.templatePaused(at(3)),
    );
    expect(paused?.title).toContain('pause #3');
    expect(paused?.nextSteps[0]).toContain('paused 3 times');
  });

  it('a Meta account alert cleared without a description says it was cleared', () => {
    const [alert] = alertsAfter(
      change.accountAlert(at(0), {
        alert_type: 'OBA_APPROVED',
        alert_severity: 'INFORMATIONAL',
        alert_status: 'NONE',
      }),
    );
    expect(alert?.description).toBe('Meta cleared the account alert OBA_APPROVED.');
  });
});
