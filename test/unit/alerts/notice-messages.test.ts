import { describe, expect, it } from 'vitest';
import { reminderOf } from '../../../functions/alert-sweep/incident-reminders.ts';
import type { StoredAlert } from '../../../shared/alerts/alert.ts';
import { digestAlertOf, heldGroupsOf } from '../../../shared/alerts/alert-digest.ts';
import { alertMessageOf } from '../../../shared/alerts/alert-message.ts';
import { incidentItemOf } from '../../../shared/store/table-items.ts';

/** Digests and reminders go through the same message builder as rule alerts: both bodies, filterable attributes. */

const WABA = '102290129340398';
const held = (i: number): StoredAlert => ({
  id: `a${i}`,
  severity: i === 7 ? 'CRITICAL' : 'WARNING',
  kind: 'template-quality-yellow',
  entityKind: 'template',
  entityId: `${WABA}:${1000 + i}`,
  wabaId: WABA,
  title: `Template "t${i}" (en) quality is YELLOW`,
  description: 'd',
  nextSteps: ['step'],
  transitionId: `e${i}:qualityScore`,
  eventId: `e${i}`,
  eventTime: 1_780_000_000_000 + i,
  createdAt: '2026-05-28T20:30:00.000Z',
  heldUntil: '2026-05-28T20:35:00.000Z',
  digestWindow: '2026-05-28T20:25:00.000Z',
});

describe('notice messages', () => {
  it('a digest names the count and the first ten entities, keeps the kind and WABA, takes the worst severity', () => {
    const [group] = heldGroupsOf(
      [{ eventId: 'e', alerts: Array.from({ length: 25 }, (_, i) => held(i)) }],
      '9999',
    );
    if (!group) throw new Error('no group');
    expect(group.ripe).toBe(true);
    const digest = digestAlertOf(group, 300_000, '2026-05-28T20:36:00.000Z', '/v1/incidents');
    const message = alertMessageOf(digest);
    expect(message.attributes).toEqual({
      severity: 'CRITICAL',
      kind: 'template-quality-yellow',
      wabaId: WABA,
    });
    const bodies = JSON.parse(message.message) as { default: string; email: string };
    expect(bodies.email).toContain('25 template-quality-yellow alerts about 25 entities');
    expect(bodies.email).toContain('Template "t9" (en)');
    expect(bodies.email).not.toContain('Template "t10" (en)');
    expect(bodies.email).toContain('... and 15 more.');
    expect(JSON.parse(bodies.default)).toMatchObject({ version: '1.0', source: 'custom' });
  });

  it('a group with an alert still held is not ripe', () => {
    const late = { ...held(1), heldUntil: '2026-05-28T20:40:00.000Z' };
    const [group] = heldGroupsOf([{ eventId: 'e', alerts: [held(0), late] }], '2026-05-28T20:36:00.000Z');
    expect(group?.ripe).toBe(false);
  });

  it('a reminder says for how long the incident has been open', () => {
    const incident = incidentItemOf(
      {
        id: 'i1',
        entityKind: 'template',
        entityId: `${WABA}:1`,
        wabaId: WABA,
        concern: 'status',
        state: 'open',
        severity: 'CRITICAL',
        value: 'PAUSED',
        currentSeverity: 'CRITICAL',
        readings: 1,
        openedAt: 0,
        openedVersion: '000000000000000#e1',
      },
      undefined,
    );
    const reminder = reminderOf(incident, 1, 26 * 3_600_000);
    expect(reminder.title).toContain('Still open after 1 d 2 h');
    expect(alertMessageOf(reminder).attributes).toEqual({
      severity: 'CRITICAL',
      kind: 'incident-reminder',
      wabaId: WABA,
    });
  });
});
