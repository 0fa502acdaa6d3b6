import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { StoredAlert } from '../../../shared/alerts/alert.ts';
import { ALERT_KINDS, type RuleAlertKind as AlertKind } from '../../../shared/alerts/alert.ts';
import {
  alertMessageOf,
  chatbotNotificationOf,
  emailTextOf,
  subjectOf,
} from '../../../shared/alerts/alert-message.ts';
import { decideAlerts } from '../../../shared/alerts/decide-alerts.ts';
import type { QualityEvent } from '../../../shared/events/quality-event.ts';
import {
  phoneSnapshotOf,
  polledPhoneNumber,
  pollerAccessEventOf,
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

/** AWS Chatbot custom notification schema (the fields Slack renders). */
const chatbotSchema = z.object({
  version: z.literal('1.0'),
  source: z.literal('custom'),
  id: z.string().optional(),
  content: z.object({
    textType: z.literal('client-markdown').optional(),
    title: z.string().min(1).max(250),
    description: z.string().min(1),
    nextSteps: z.array(z.string().min(1)).optional(),
    keywords: z.array(z.string()).optional(),
  }),
  metadata: z
    .object({
      threadId: z.string().optional(),
      summary: z.string().optional(),
      eventType: z.string().optional(),
      additionalContext: z.record(z.string(), z.string()).optional(),
    })
    .optional(),
});

const poll = (minute: number, fields: Record<string, unknown>): QualityEvent =>
  phoneSnapshotOf(
    polledPhoneNumber.parse({ id: '106540352242922', display_phone_number: '+1 555-078-3881', ...fields }),
    {
      wabaId: WABA,
      polledAt: Date.UTC(2026, 0, 1, 0, minute),
    },
  );

const access = (minute: number, result: 'ok' | 'denied', error?: string): QualityEvent =>
  pollerAccessEventOf({ wabaId: WABA, polledAt: Date.UTC(2026, 0, 1, 0, minute) }, result, error);

/** A scenario whose last step raises each alert kind (realistic, through parser and reducer). */
const SCENARIOS: Record<AlertKind, (ChangeSpec | QualityEvent)[]> = {
  'phone-flagged': [change.phoneQuality(100, 'FLAGGED')],
  'phone-unflagged': [change.phoneQuality(100, 'FLAGGED'), change.phoneQuality(200, 'UNFLAGGED')],
  'phone-restricted': [poll(1, { status: 'RESTRICTED' })],
  'phone-banned': [poll(1, { status: 'BANNED' })],
  'phone-disconnected': [poll(1, { status: 'DISCONNECTED' })],
  'phone-rate-limited': [poll(1, { status: 'RATE_LIMITED' })],
  'phone-status-recovered': [poll(1, { status: 'RESTRICTED' }), poll(2, { status: 'CONNECTED' })],
  'phone-quality-red': [poll(1, { quality_rating: 'GREEN' }), poll(2, { quality_rating: 'RED' })],
  'phone-quality-yellow': [poll(1, { quality_rating: 'GREEN' }), poll(2, { quality_rating: 'YELLOW' })],
  'phone-quality-recovered': [poll(1, { quality_rating: 'RED' }), poll(2, { quality_rating: 'GREEN' })],
  'phone-limit-decreased': [
    change.phoneQuality(100, 'UPGRADE', { current_limit: 'TIER_10K' }),
    change.phoneQuality(200, 'DOWNGRADE', { current_limit: 'TIER_2K' }),
  ],
  'phone-limit-increased': [
    change.phoneQuality(100, 'UPGRADE', { current_limit: 'TIER_2K' }),
    change.phoneQuality(200, 'UPGRADE', { current_limit: 'TIER_10K' }),
  ],
  'phone-throughput-upgraded': [
    change.phoneQuality(100, 'THROUGHPUT_UPGRADE', { current_limit: 'TIER_UNLIMITED' }),
  ],
  'phone-name-rejected': [
    change.phoneName(100, 'REJECTED', { rejection_reason: 'NAME_FORMAT_UNACCEPTABLE' }),
  ],
  'phone-cannot-send': [poll(1, { health_status: { can_send_message: 'BLOCKED' } })],
  'phone-sending-limited': [poll(1, { health_status: { can_send_message: 'LIMITED' } })],
  'phone-sending-recovered': [
    poll(1, { health_status: { can_send_message: 'BLOCKED' } }),
    poll(2, { health_status: { can_send_message: 'AVAILABLE' } }),
  ],
  'phone-failure-share-high': [failureShareEvent(9, 'NORMAL', 8), failureShareEvent(10, 'HIGH', 36)],
  'phone-opt-out-spike': [optOutEvent('2026-11-23', 'NORMAL', 3), optOutEvent('2026-11-24', 'HIGH', 17)],
  'phone-first-response-slow': [firstResponseEvent(9, 'NORMAL', 300), firstResponseEvent(10, 'HIGH', 3600)],
  'template-paused': [change.templateStatus(100, 'APPROVED'), change.templatePaused(200, 'FIRST_PAUSE')],
  'template-disabled': [change.templateStatus(100, 'DISABLED', { reason: 'ABUSIVE_CONTENT' })],
  'template-flagged': [
    change.templateStatus(100, 'FLAGGED', { disable_info: { disable_date: 1_800_000_000 } }),
  ],
  'template-rejected': [
    change.templateStatus(100, 'REJECTED', {
      reason: 'INVALID_FORMAT',
      rejection_info: { reason: 'Parameters placed next to each other.' },
    }),
  ],
  'template-locked': [change.templateStatus(100, 'LOCKED')],
  'template-unpaused': [
    change.templatePaused(100, 'FIRST_PAUSE'),
    change.templateStatus(200, 'APPROVED', { other_info: { title: 'UNPAUSE' } }),
  ],
  'template-reinstated': [change.templateStatus(100, 'DISABLED'), change.templateStatus(200, 'REINSTATED')],
  'template-quality-red': [change.templateQuality(100, 'RED', 'YELLOW')],
  'template-quality-yellow': [change.templateQuality(100, 'YELLOW', 'GREEN')],
  'template-quality-recovered': [
    change.templateQuality(100, 'RED'),
    change.templateQuality(200, 'GREEN', 'RED'),
  ],
  'template-one-red-from-disable': [
    change.templatePaused(100, 'FIRST_PAUSE'),
    change.templatePaused(200, 'SECOND_PAUSE'),
    change.templateStatus(300, 'APPROVED', { other_info: { title: 'UNPAUSE' } }),
    change.templateQuality(400, 'YELLOW'),
  ],
  'template-read-rate-low': [
    change.templateStatus(100, 'APPROVED'),
    readRateVerdictEvent('2026-11-23', 'NORMAL', 0.61),
    readRateVerdictEvent('2026-11-24', 'LOW', 0.31),
  ],
  'template-category-changed': [
    change.templateStatus(100, 'APPROVED', { message_template_category: 'UTILITY' }),
    change.templateCategory(200, { previous_category: 'UTILITY', new_category: 'MARKETING' }),
  ],
  'template-category-change-scheduled': [
    change.templateCategory(100, {
      new_category: 'UTILITY',
      correct_category: 'MARKETING',
      category_update_timestamp: 1_800_000_000,
    }),
  ],
  'template-status-unknown': [
    change.templateStatus(100, 'APPROVED'),
    change.templateStatus(200, 'FLAGGED_BY_A_NEW_SYSTEM'),
  ],
  'portfolio-limit-decreased': [
    change.capability(100, { max_daily_conversations_per_business: 10000 }),
    change.capability(200, { max_daily_conversations_per_business: 2000 }),
  ],
  'portfolio-limit-increased': [
    change.capability(100, { max_daily_conversations_per_business: 2000 }),
    change.capability(200, { max_daily_conversations_per_business: 10000 }),
  ],
  'account-disabled': [
    change.accountUpdate(100, { event: 'DISABLED_UPDATE', ban_info: { waba_ban_state: 'DISABLE' } }),
  ],
  'account-disable-scheduled': [
    change.accountUpdate(100, {
      event: 'DISABLED_UPDATE',
      ban_info: { waba_ban_state: 'SCHEDULE_FOR_DISABLE', waba_ban_date: 'January 31, 2027' },
    }),
  ],
  'account-reinstated': [
    change.accountUpdate(100, { event: 'DISABLED_UPDATE', ban_info: { waba_ban_state: 'REINSTATE' } }),
  ],
  'account-restricted': [
    change.accountUpdate(100, {
      event: 'ACCOUNT_RESTRICTION',
      restriction_info: [
        { restriction_type: 'RESTRICTED_BIZ_INITIATED_MESSAGING', expiration: 1_800_000_000 },
      ],
    }),
  ],
  'account-violation': [
    change.accountUpdate(100, { event: 'ACCOUNT_VIOLATION', violation_info: { violation_type: 'ADULT' } }),
  ],
  'account-deleted': [change.accountUpdate(100, { event: 'ACCOUNT_DELETED' })],
  'account-offboarded': [change.accountUpdate(100, { event: 'ACCOUNT_OFFBOARDED' })],
  'account-reconnected': [change.accountUpdate(100, { event: 'ACCOUNT_RECONNECTED' })],
  'poller-cannot-read-waba': [access(1, 'denied', 'auth 190/463')],
  'poller-access-restored': [access(1, 'denied', 'permission 200'), access(2, 'ok')],
  'meta-account-alert': [
    change.accountAlert(100, {
      alert_type: 'INCREASED_CAPABILITIES_ELIGIBILITY_DEFERRED',
      alert_severity: 'WARNING',
      alert_status: 'ACTIVE',
      alert_description: 'Limits cannot be increased for your business.',
    }),
  ],
};

function lastAlertOf(kind: AlertKind): StoredAlert {
  const states = new Map<string, EntityState>();
  let alerts: StoredAlert[] = [];
  for (const step of SCENARIOS[kind]) {
    for (const event of 'kind' in step ? [step] : eventsOf(step)) {
      const result = applyEvent(states.get(event.entity.id), event);
      states.set(event.entity.id, result.state);
      alerts = decideAlerts(result.transitions, result.state).map((alert) => ({
        ...alert,
        createdAt: '2026-01-01T00:00:00.000Z',
      }));
    }
  }
  const alert = alerts.find((a) => a.kind === kind);
  if (!alert)
    throw new Error(`scenario for ${kind} raised ${alerts.map((a) => a.kind).join(', ') || 'nothing'}`);
  return alert;
}

describe('alert messages for every alert kind', () => {
  it('has a scenario for every kind', () => {
    expect(Object.keys(SCENARIOS).sort()).toEqual([...ALERT_KINDS].sort());
  });

  it.each(ALERT_KINDS)('%s: Chatbot JSON, email text and SNS attributes', (kind) => {
    const alert = lastAlertOf(kind);
    const message = alertMessageOf(alert);
    const bodies = JSON.parse(message.message) as { default: string; email: string };
    const chatbot = chatbotSchema.parse(JSON.parse(bodies.default));
    expect(chatbot).toEqual(chatbotNotificationOf(alert));
    expect(chatbot.content.title).toContain(alert.severity);
    expect(bodies.email).toBe(emailTextOf(alert));
    expect(message.attributes).toEqual({ severity: alert.severity, kind, wabaId: WABA });
    expect(message.subject.length).toBeLessThanOrEqual(100);
    expect(message.subject).not.toMatch(/[\r\n]/);
    expect({ subject: message.subject, email: bodies.email, chatbot }).toMatchSnapshot();
  });
});

describe('SNS subject', () => {
  const base = lastAlertOf('phone-flagged');
  it.each([
    [
      'accents folded',
      'Phone number 15550783881 (Açaí Café) is Flagged',
      '[CRITICAL] Phone number 15550783881 (Acai Cafe) is Flagged',
    ],
    ['tabs and line breaks become spaces', 'A\tB\r\nC', '[CRITICAL] A B C'],
    ['other characters become ?', 'Loja 🚀 東京', '[CRITICAL] Loja ?? ??'],
  ])('%s', (_, title, subject) => {
    expect(subjectOf({ ...base, title })).toBe(subject);
  });

  it('stays under 100 characters', () => {
    const subject = subjectOf({ ...base, title: 'x'.repeat(300) });
    expect(subject.length).toBe(99);
    expect(subject.endsWith('...')).toBe(true);
  });
});
