import { describe, expect, it } from 'vitest';
import { needsAttention } from '../../../functions/api/needs-attention.ts';
import type { AlertKind } from '../../../shared/alerts/alert.ts';

const UPDATED = '2026-01-01T00:00:00.000Z';
const phone = (id: string, extra: Record<string, unknown>) => ({
  id,
  wabaId: 'w1',
  displayPhoneNumber: id,
  status: 'CONNECTED',
  qualityRating: 'GREEN',
  updatedAt: UPDATED,
  ...extra,
});
const template = (id: string, extra: Record<string, unknown>) => ({
  id,
  wabaId: 'w1',
  name: id,
  language: 'en',
  status: 'APPROVED',
  qualityScore: 'GREEN',
  pauseCount: 0,
  updatedAt: UPDATED,
  ...extra,
});
const none = { phoneNumbers: [], templates: [], businesses: [], alerts: [] };
const reasonsOf = (input: Partial<Parameters<typeof needsAttention>[0]>) =>
  needsAttention({ ...none, ...input }).map((item) => [item.entityId, item.severity, item.reasons]);

describe('what needs attention', () => {
  it.each([
    [phone('p', { qualityRating: 'RED' }), ['quality RED']],
    [phone('p', { status: 'FLAGGED' }), ['flagged']],
    [phone('p', { status: 'RESTRICTED' }), ['restricted']],
    [phone('p', { status: 'BANNED' }), ['banned']],
    [phone('p', { canSendMessage: 'BLOCKED' }), ['can send: blocked']],
  ])('a phone number with %o is CRITICAL', (item, reasons) => {
    expect(reasonsOf({ phoneNumbers: [item] })).toEqual([['p', 'CRITICAL', reasons]]);
  });

  it.each([
    [template('t', { qualityScore: 'RED' }), 'CRITICAL', ['quality RED']],
    [template('t', { status: 'PAUSED', pauseCount: 1 }), 'CRITICAL', ['paused']],
    [template('t', { status: 'DISABLED', pauseCount: 2 }), 'CRITICAL', ['disabled']],
    [template('t', { pauseCount: 2 }), 'WARNING', ['one RED away from being disabled']],
  ])('a template %j is %s', (item, severity, reasons) => {
    expect(reasonsOf({ templates: [item] })).toEqual([['t', severity, reasons]]);
  });

  it('leaves out what is in good standing, including YELLOW and recovered entities', () => {
    expect(
      reasonsOf({ phoneNumbers: [phone('p', { qualityRating: 'YELLOW' })], templates: [template('t', {})] }),
    ).toEqual([]);
  });

  it('shows a lowered limit until a later raise, and an unreadable or restricted WABA', () => {
    const alert = (entityId: string, kind: AlertKind, eventTime: number) => ({
      entityId,
      kind,
      severity: 'WARNING' as const,
      eventTime,
    });
    const input = {
      phoneNumbers: [phone('lowered', { messagingLimit: 'TIER_2K' }), phone('raised-again', {})],
      businesses: [
        { id: 'b1', wabaId: 'w1', pollerAccess: 'DENIED', updatedAt: UPDATED },
        {
          id: 'b2',
          wabaId: 'w2',
          restrictions: [{ type: 'RESTRICTED_ADD_PHONE_NUMBER_ACTION' }],
          updatedAt: UPDATED,
        },
      ],
      alerts: [
        alert('raised-again', 'phone-limit-increased', 3),
        alert('lowered', 'phone-limit-decreased', 2),
        alert('raised-again', 'phone-limit-decreased', 1),
      ],
    };
    expect(reasonsOf(input)).toEqual([
      ['b2', 'CRITICAL', ['account restricted']],
      // Newest first within a severity: the WABA changed in 2026, the lowered limit's alert is older.
      ['b1', 'WARNING', ['the poller cannot read this WABA']],
      ['lowered', 'WARNING', ['messaging limit lowered to TIER_2K']],
    ]);
  });

  it('puts the most severe first, says since when from the latest alert, and when a pause ends', () => {
    const items = needsAttention({
      ...none,
      templates: [
        template('warn', { pauseCount: 2 }),
        template('paused', { status: 'PAUSED', pausedUntil: '2026-01-01T03:00:00.000Z' }),
      ],
      alerts: [
        {
          entityId: 'paused',
          kind: 'template-paused',
          severity: 'CRITICAL',
          eventTime: Date.UTC(2026, 0, 1),
        },
      ],
    });
    expect(items.map((i) => i.entityId)).toEqual(['paused', 'warn']);
    expect(items[0]).toMatchObject({
      since: '2026-01-01T00:00:00.000Z',
      resumesAt: '2026-01-01T03:00:00.000Z',
    });
    expect(items[1]?.since).toBe(UPDATED);
  });
});
