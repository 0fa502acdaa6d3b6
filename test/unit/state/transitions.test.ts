import { describe, expect, it } from 'vitest';
import {
  phoneSnapshotOf,
  polledPhoneNumber,
  polledTemplate,
  templateSnapshotOf,
} from '../../../shared/graph-records/polled-records.ts';
import { applyEvent } from '../../../shared/state/apply-event.ts';
import { foldEvents, onlyState } from '../../support/fold-events.ts';
import { type ChangeSpec, change, eventOf, eventsOf, WABA } from '../../support/webhook-builders.ts';

const fold = (...changes: ChangeSpec[]) => foldEvents(changes.flatMap(eventsOf));
/** `attribute: from → to` of every transition, in order. */
const moves = (...changes: ChangeSpec[]) =>
  fold(...changes).transitions.map((t) => `${t.attribute}: ${String(t.from)} → ${JSON.stringify(t.to)}`);

describe('template transitions', () => {
  it.each<[string, ChangeSpec[], Record<string, unknown>, string[]]>([
    [
      'approval',
      [change.templateStatus(10, 'APPROVED', { message_template_category: 'MARKETING' })],
      { status: 'APPROVED', category: 'MARKETING', reason: null, pauseCount: 0 },
      ['status: null → "APPROVED"', 'category: null → "MARKETING"'],
    ],
    [
      'quality GREEN → YELLOW → RED',
      [
        change.templateQuality(10, 'GREEN'),
        change.templateQuality(20, 'YELLOW'),
        change.templateQuality(30, 'RED'),
      ],
      { qualityScore: 'RED' },
      ['qualityScore: null → "GREEN"', 'qualityScore: GREEN → "YELLOW"', 'qualityScore: YELLOW → "RED"'],
    ],
    [
      'first pause: 3 hours',
      [change.templateStatus(10, 'APPROVED'), change.templatePaused(20, 'FIRST_PAUSE')],
      { status: 'PAUSED', pauseCount: 1, pausedUntil: new Date((20 + 3 * 3600) * 1000).toISOString() },
      [
        'status: null → "APPROVED"',
        'status: APPROVED → "PAUSED"',
        'pauseTitle: null → "FIRST_PAUSE"',
        `pausedUntil: null → "${new Date((20 + 3 * 3600) * 1000).toISOString()}"`,
        'pauseCount: 0 → 1',
      ],
    ],
    [
      'second pause: 6 hours, then unpaused',
      [
        change.templatePaused(10, 'FIRST_PAUSE'),
        change.templateStatus(20, 'APPROVED', { other_info: { title: 'UNPAUSE' } }),
        change.templatePaused(30, 'SECOND_PAUSE'),
        change.templateStatus(40, 'APPROVED', { other_info: { title: 'UNPAUSE' } }),
      ],
      { status: 'APPROVED', pauseCount: 2, pausedUntil: null },
      [
        'status: null → "PAUSED"',
        'pauseTitle: null → "FIRST_PAUSE"',
        'pausedUntil: null → "1970-01-01T03:00:10.000Z"',
        'pauseCount: 0 → 1',
        'status: PAUSED → "APPROVED"',
        'pauseTitle: FIRST_PAUSE → "UNPAUSE"',
        'pausedUntil: 1970-01-01T03:00:10.000Z → null',
        'status: APPROVED → "PAUSED"',
        'pauseTitle: UNPAUSE → "SECOND_PAUSE"',
        'pausedUntil: null → "1970-01-01T06:00:30.000Z"',
        'pauseCount: 1 → 2',
        'status: PAUSED → "APPROVED"',
        'pauseTitle: SECOND_PAUSE → "UNPAUSE"',
        'pausedUntil: 1970-01-01T06:00:30.000Z → null',
      ],
    ],
    [
      'third RED: disabled',
      [
        change.templatePaused(10, 'FIRST_PAUSE'),
        change.templatePaused(30, 'SECOND_PAUSE'),
        change.templateStatus(50, 'DISABLED', {
          other_info: { title: 'DISABLED' },
          disable_info: { disable_date: 50 },
        }),
      ],
      { status: 'DISABLED', pauseCount: 2, disableDate: '1970-01-01T00:00:50.000Z' },
      [],
    ],
    [
      'untitled pauses are counted in event-time order',
      [change.templatePaused(10), change.templatePaused(30)],
      { status: 'PAUSED', pauseCount: 2, pausedUntil: null },
      [],
    ],
    [
      'a pacing pause does not count towards disabling',
      [change.templatePaused(10, 'RATE_LIMITING_PAUSE')],
      { status: 'PAUSED', pauseCount: 0 },
      ['status: null → "PAUSED"', 'pauseTitle: null → "RATE_LIMITING_PAUSE"'],
    ],
    [
      'flagged with a disable date, then a newer status clears the date',
      [
        change.templateStatus(10, 'FLAGGED', { disable_info: { disable_date: 'January 31, 2021' } }),
        change.templateStatus(20, 'APPROVED'),
      ],
      { status: 'APPROVED', disableDate: null },
      [],
    ],
    [
      'rejection keeps its reason',
      [
        change.templateStatus(10, 'REJECTED', {
          reason: 'INVALID_FORMAT',
          rejection_info: { reason: 'params' },
        }),
      ],
      { status: 'REJECTED', reason: 'INVALID_FORMAT', rejectionReason: 'params' },
      [],
    ],
    [
      'impending then completed category change',
      [
        change.templateCategory(10, {
          new_category: 'UTILITY',
          correct_category: 'MARKETING',
          category_update_timestamp: 100,
        }),
        change.templateCategory(100, { previous_category: 'UTILITY', new_category: 'MARKETING' }),
      ],
      { category: 'MARKETING', upcomingCategory: null, upcomingCategoryAt: null },
      [
        'category: null → "UTILITY"',
        'upcomingCategory: null → "MARKETING"',
        'upcomingCategoryAt: null → "1970-01-01T00:01:40.000Z"',
        'category: UTILITY → "MARKETING"',
        'upcomingCategory: MARKETING → null',
        'upcomingCategoryAt: 1970-01-01T00:01:40.000Z → null',
      ],
    ],
    [
      'an unknown status is kept as received',
      [change.templateStatus(10, 'QUARANTINED')],
      { status: 'QUARANTINED' },
      ['status: null → "QUARANTINED"'],
    ],
  ])('%s', (_, changes, expectedState, expectedMoves) => {
    const state = onlyState(fold(...changes));
    expect(state).toMatchObject({
      kind: 'template',
      templateId: '1304694804498707',
      name: 'cart_reminder',
      ...expectedState,
    });
    if (expectedMoves.length > 0) expect(moves(...changes)).toEqual(expectedMoves);
  });
});

describe('phone number transitions', () => {
  it.each<[string, ChangeSpec[], Record<string, unknown>]>([
    [
      'legacy flagged then unflagged',
      [
        change.phoneQuality(10, 'FLAGGED', { current_limit: 'TIER_10K' }),
        change.phoneQuality(20, 'UNFLAGGED'),
      ],
      {
        status: 'CONNECTED',
        flaggedAt: '1970-01-01T00:00:10.000Z',
        unflaggedAt: '1970-01-01T00:00:20.000Z',
        messagingLimit: 'TIER_10K',
      },
    ],
    [
      "downgrade lowers the number's own limit",
      [
        change.phoneQuality(10, 'UPGRADE', { current_limit: 'TIER_10K' }),
        change.phoneQuality(20, 'DOWNGRADE', { current_limit: 'TIER_1K' }),
      ],
      { messagingLimit: 'TIER_1K', lastQualityEvent: 'DOWNGRADE' },
    ],
    [
      'throughput upgrade is not an unlimited messaging limit',
      [change.phoneQuality(10, 'THROUGHPUT_UPGRADE', { current_limit: 'TIER_UNLIMITED' })],
      { throughput: 'HIGH', lastQualityEvent: 'THROUGHPUT_UPGRADE' },
    ],
    [
      'a quality event without a rating leaves the rating alone',
      [
        change.phoneQuality(10, 'DOWNGRADE', { new_quality_rating: 'YELLOW' }),
        change.phoneQuality(20, 'FLAGGED'),
      ],
      { qualityRating: 'YELLOW', status: 'FLAGGED' },
    ],
    [
      'display name approved',
      [change.phoneName(10, 'APPROVED')],
      { verifiedName: 'Lucky Shrub', nameStatus: 'APPROVED', requestedVerifiedName: null },
    ],
    [
      'display name rejected',
      [change.phoneName(10, 'REJECTED', { rejection_reason: 'NAME_FORMAT_UNACCEPTABLE' })],
      {
        nameStatus: 'REJECTED',
        nameRejectionReason: 'NAME_FORMAT_UNACCEPTABLE',
        requestedVerifiedName: 'Lucky Shrub',
      },
    ],
  ])('%s', (_, changes, expected) => {
    expect(onlyState(fold(...changes))).toMatchObject({
      kind: 'phone-number',
      displayPhoneNumber: '15550783881',
      ...expected,
    });
  });

  it('does not take TIER_UNLIMITED on a throughput upgrade as the messaging limit', () => {
    const state = onlyState(
      fold(change.phoneQuality(10, 'THROUGHPUT_UPGRADE', { current_limit: 'TIER_UNLIMITED' })),
    );
    expect(state).not.toHaveProperty('messagingLimit');
  });

  it('merges a webhook and a poll of the same number into one entity, keeping the formatted number', () => {
    const webhook = eventOf(change.phoneQuality(10, 'FLAGGED'));
    const poll = phoneSnapshotOf(
      polledPhoneNumber.parse({
        id: '106540352242922',
        display_phone_number: '+1 555-078-3881',
        quality_rating: 'RED',
        status: 'FLAGGED',
        whatsapp_business_manager_messaging_limit: 'TIER_2K',
      }),
      { wabaId: WABA, polledAt: 20_000 },
    );
    for (const order of [
      [webhook, poll],
      [poll, webhook],
    ]) {
      expect(onlyState(foldEvents(order))).toMatchObject({
        displayPhoneNumber: '+1 555-078-3881',
        phoneNumberId: '106540352242922',
        qualityRating: 'RED',
        status: 'FLAGGED',
        messagingLimit: 'TIER_2K',
      });
    }
  });

  it('lets a newer poll overwrite an older webhook, but not the reverse', () => {
    const flagged = eventOf(change.phoneQuality(10, 'FLAGGED'));
    const polledConnected = (at: number) =>
      phoneSnapshotOf(
        polledPhoneNumber.parse({ id: '1', display_phone_number: '15550783881', status: 'CONNECTED' }),
        {
          wabaId: WABA,
          polledAt: at,
        },
      );
    expect(onlyState(foldEvents([flagged, polledConnected(20_000)]))).toMatchObject({ status: 'CONNECTED' });
    expect(onlyState(foldEvents([polledConnected(5_000), flagged]))).toMatchObject({ status: 'FLAGGED' });
  });
});

describe('business portfolio transitions', () => {
  it.each<[string, ChangeSpec[], Record<string, unknown>]>([
    [
      'limit raised',
      [change.capability(10, { max_daily_conversations_per_business: 2000 })],
      { messagingLimit: 'TIER_2K' },
    ],
    [
      "limit from a phone update's portfolio field",
      [change.phoneQuality(10, 'ONBOARDING', { max_daily_conversations_per_business: 'TIER_250' })],
      { messagingLimit: 'TIER_250' },
    ],
    [
      'scheduled for disable, then reinstated',
      [
        change.accountUpdate(10, {
          event: 'DISABLED_UPDATE',
          ban_info: { waba_ban_state: 'SCHEDULE_FOR_DISABLE', waba_ban_date: 'January 31, 2021' },
        }),
        change.accountUpdate(20, {
          event: 'DISABLED_UPDATE',
          ban_info: { waba_ban_state: 'REINSTATE', waba_ban_date: 'April 17, 2025' },
        }),
      ],
      { banState: 'REINSTATE', banDate: '2025-04-17T00:00:00.000Z', lastAccountEvent: 'DISABLED_UPDATE' },
    ],
    [
      'restricted',
      [
        change.accountUpdate(10, {
          event: 'ACCOUNT_RESTRICTION',
          restriction_info: [
            { restriction_type: 'RESTRICTED_BIZ_INITIATED_MESSAGING', expiration: 1641330498 },
          ],
        }),
      ],
      {
        restrictions: [{ type: 'RESTRICTED_BIZ_INITIATED_MESSAGING', expiresAt: '2022-01-04T21:08:18.000Z' }],
      },
    ],
    [
      'Meta account alerts of different types are kept side by side',
      [
        change.accountAlert(10, {
          alert_type: 'INCREASED_CAPABILITIES_ELIGIBILITY_DEFERRED',
          alert_severity: 'WARNING',
          alert_status: 'ACTIVE',
        }),
        change.accountAlert(20, {
          alert_type: 'OBA_APPROVED',
          alert_severity: 'INFORMATIONAL',
          alert_status: 'NONE',
        }),
      ],
      {
        accountAlerts: {
          INCREASED_CAPABILITIES_ELIGIBILITY_DEFERRED: { status: 'ACTIVE', severity: 'WARNING' },
          OBA_APPROVED: { status: 'NONE', severity: 'INFORMATIONAL' },
        },
      },
    ],
  ])('%s', (_, changes, expected) => {
    const states = [...fold(...changes).states.values()].filter((s) => s.kind === 'business');
    expect(states).toHaveLength(1);
    expect(states[0]).toMatchObject({ kind: 'business', id: WABA, ...expected });
  });
});

describe('event-time order and idempotency', () => {
  it('keeps a late, older event out of the state and says so', () => {
    const red = eventOf(change.templateQuality(10, 'RED'));
    const green = eventOf(change.templateQuality(20, 'GREEN'));
    const folded = foldEvents([green, red]);
    expect(onlyState(folded)).toMatchObject({ qualityScore: 'GREEN' });
    expect(folded.outcomes).toEqual(['applied', 'late']);
    expect(folded.transitions).toHaveLength(1);
  });

  it('applies the same event twice without a change or transition the second time', () => {
    const paused = eventOf(change.templatePaused(10, 'FIRST_PAUSE'));
    const first = applyEvent(undefined, paused);
    const second = applyEvent(first.state, paused);
    expect(second.state).toEqual(first.state);
    expect(second.transitions).toEqual([]);
    expect(second.outcome).toBe('duplicate');
  });

  it('applies the parts of a partly late event that are still newer', () => {
    const status = eventOf(change.templateStatus(20, 'APPROVED'));
    const olderWithCategory = eventOf(
      change.templateStatus(10, 'PAUSED', { message_template_category: 'UTILITY' }),
    );
    const folded = foldEvents([status, olderWithCategory]);
    expect(onlyState(folded)).toMatchObject({ status: 'APPROVED', category: 'UTILITY' });
    expect(folded.outcomes).toEqual(['applied', 'partly-late']);
  });

  it('refuses an event for another entity', () => {
    const template = applyEvent(undefined, eventOf(change.templateQuality(1, 'RED'))).state;
    expect(() => applyEvent(template, eventOf(change.phoneQuality(1, 'FLAGGED')))).toThrow(
      /applied to template/,
    );
  });

  it('records polled template snapshots like webhooks', () => {
    const poll = templateSnapshotOf(
      polledTemplate.parse({
        id: '1304694804498707',
        name: 'cart_reminder',
        language: 'en',
        status: 'APPROVED',
        quality_score: { score: 'RED' },
      }),
      { wabaId: WABA, polledAt: 50_000 },
    );
    expect(onlyState(foldEvents([eventOf(change.templateQuality(10, 'GREEN')), poll]))).toMatchObject({
      status: 'APPROVED',
      qualityScore: 'RED',
    });
  });
});
