import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { QualityEvent } from '../../../shared/events/quality-event.ts';
import { pollerAccessEventOf } from '../../../shared/graph-records/polled-records.ts';
import {
  alternationsWithin,
  durationText,
  type IncidentLedger,
  incidentsOf,
  recordSignals,
  signalsOf,
} from '../../../shared/incidents/incident-ledger.ts';
import { failureShareEvent, optOutEvent } from '../../support/traffic-warnings.ts';
import { type ChangeSpec, change, eventsOf, WABA } from '../../support/webhook-builders.ts';

const T0 = 1_780_000_000;
const minute = (n: number) => T0 + n * 60;

const eventsOfSteps = (steps: readonly ChangeSpec[]): QualityEvent[] => steps.flatMap((s) => eventsOf(s));

function ledgerOf(events: readonly QualityEvent[]): IncidentLedger {
  return events.reduce<IncidentLedger>((ledger, event) => recordSignals(ledger, signalsOf(event)), {});
}

function incidentsAfter(events: readonly QualityEvent[]) {
  const first = events[0];
  if (!first) return [];
  return incidentsOf(
    { kind: first.entity.kind, id: first.entity.id, wabaId: first.wabaId },
    ledgerOf(events),
  );
}

const summary = (events: readonly QualityEvent[]) =>
  incidentsAfter(events).map((i) => ({
    concern: i.concern,
    state: i.state,
    severity: i.severity,
    value: i.value,
    ...(i.durationMs === undefined ? {} : { minutes: i.durationMs / 60_000 }),
  }));

describe('incident lifecycle per entity kind', () => {
  it.each([
    {
      name: 'template RED opens a CRITICAL quality incident',
      steps: [change.templateQuality(minute(0), 'RED')],
      expected: [{ concern: 'quality', state: 'open', severity: 'CRITICAL', value: 'RED' }],
    },
    {
      name: 'template YELLOW then RED is one incident that worsened',
      steps: [change.templateQuality(minute(0), 'YELLOW'), change.templateQuality(minute(5), 'RED')],
      expected: [{ concern: 'quality', state: 'open', severity: 'CRITICAL', value: 'RED' }],
    },
    {
      name: 'template RED that recovers is resolved with its duration',
      steps: [change.templateQuality(minute(0), 'RED'), change.templateQuality(minute(192), 'GREEN')],
      expected: [{ concern: 'quality', state: 'resolved', severity: 'CRITICAL', value: 'RED', minutes: 192 }],
    },
    {
      name: 'template first then second pause is one incident, unpause resolves it',
      steps: [
        change.templatePaused(minute(0), 'FIRST_PAUSE'),
        change.templatePaused(minute(200), 'SECOND_PAUSE'),
        change.templateStatus(minute(560), 'APPROVED', { other_info: { title: 'UNPAUSE' } }),
      ],
      expected: [
        { concern: 'status', state: 'resolved', severity: 'CRITICAL', value: 'PAUSED', minutes: 560 },
      ],
    },
    {
      name: 'a status that says nothing about health (PENDING) neither opens nor resolves',
      steps: [change.templateStatus(minute(0), 'PENDING')],
      expected: [],
    },
    {
      name: 'phone number: a lowered messaging limit opens a WARNING incident, raising it back resolves it',
      steps: [
        change.phoneQuality(minute(0), 'DOWNGRADE', { current_limit: 'TIER_1K', old_limit: 'TIER_10K' }),
        change.phoneQuality(minute(30), 'UPGRADE', { current_limit: 'TIER_10K', old_limit: 'TIER_1K' }),
      ],
      expected: [
        { concern: 'messaging-limit', state: 'resolved', severity: 'WARNING', value: 'TIER_1K', minutes: 30 },
      ],
    },
    {
      name: 'phone number: a raise that stays below the level before the drop keeps the incident open',
      steps: [
        change.phoneQuality(minute(0), 'DOWNGRADE', { current_limit: 'TIER_250', old_limit: 'TIER_10K' }),
        change.phoneQuality(minute(30), 'UPGRADE', { current_limit: 'TIER_1K', old_limit: 'TIER_250' }),
      ],
      expected: [{ concern: 'messaging-limit', state: 'open', severity: 'WARNING', value: 'TIER_1K' }],
    },
    {
      name: 'phone number: a DOWNGRADE that does not say from what opens; the next raise resolves',
      steps: [
        change.phoneQuality(minute(0), 'DOWNGRADE', { current_limit: 'TIER_1K' }),
        change.phoneQuality(minute(45), 'UPGRADE', { current_limit: 'TIER_2K' }),
      ],
      expected: [
        { concern: 'messaging-limit', state: 'resolved', severity: 'WARNING', value: 'TIER_1K', minutes: 45 },
      ],
    },
    {
      name: 'phone number: a first limit, or a raise, opens nothing',
      steps: [
        change.phoneQuality(minute(0), 'UPGRADE', { current_limit: 'TIER_2K' }),
        change.phoneQuality(minute(10), 'UPGRADE', { current_limit: 'TIER_10K', old_limit: 'TIER_2K' }),
      ],
      expected: [],
    },
    {
      name: 'business portfolio: a lower limit than the one seen before opens; back to it resolves',
      steps: [
        change.capability(minute(0), { max_daily_conversations_per_business: 'TIER_10K' }),
        change.capability(minute(20), { max_daily_conversations_per_business: 'TIER_2K' }),
        change.capability(minute(40), { max_daily_conversations_per_business: 'TIER_1K' }),
        change.capability(minute(80), { max_daily_conversations_per_business: 'TIER_10K' }),
      ],
      expected: [
        { concern: 'messaging-limit', state: 'resolved', severity: 'WARNING', value: 'TIER_1K', minutes: 60 },
      ],
    },
    {
      name: 'phone number FLAGGED opens a CRITICAL status incident, UNFLAGGED resolves it',
      steps: [change.phoneQuality(minute(0), 'FLAGGED'), change.phoneQuality(minute(90), 'UNFLAGGED')],
      expected: [
        { concern: 'status', state: 'resolved', severity: 'CRITICAL', value: 'FLAGGED', minutes: 90 },
      ],
    },
  ])('$name', ({ steps, expected }) => {
    expect(summary(eventsOfSteps(steps))).toEqual(expected);
  });

  it('business: the poller losing access opens a WARNING incident, regaining it resolves it', () => {
    const at = (n: number) => ({ wabaId: WABA, polledAt: minute(n) * 1000 });
    const events = [pollerAccessEventOf(at(0), 'denied', 'token expired'), pollerAccessEventOf(at(60), 'ok')];
    expect(summary(events)).toEqual([
      { concern: 'poller-access', state: 'resolved', severity: 'WARNING', value: 'DENIED', minutes: 60 },
    ]);
  });

  it('phone number: an early warning turning HIGH opens a WARNING incident, a NORMAL verdict resolves it', () => {
    const events = [
      failureShareEvent(9, 'HIGH', 30),
      failureShareEvent(10, 'HIGH', 36),
      failureShareEvent(11, 'NORMAL', 8),
      optOutEvent('2026-11-24', 'HIGH', 17),
    ];
    expect(summary(events)).toEqual([
      { concern: 'failure-share', state: 'resolved', severity: 'WARNING', value: 'HIGH', minutes: 120 },
      { concern: 'opt-outs', state: 'open', severity: 'WARNING', value: 'HIGH' },
    ]);
  });

  it('a late RED between a GREEN and a RED splits the incident as in-order processing would', () => {
    const red0 = eventsOf(change.templateQuality(minute(0), 'RED'));
    const green = eventsOf(change.templateQuality(minute(10), 'GREEN'));
    const red2 = eventsOf(change.templateQuality(minute(20), 'RED'));
    const late = summary([...red0, ...red2, ...green]);
    expect(late).toEqual(summary([...red0, ...green, ...red2]));
    expect(late.map((i) => i.state)).toEqual(['resolved', 'open']);
  });

  it('the incident id depends on the opening event only, so a redelivery or a worsening keeps it', () => {
    const red = eventsOf(change.templateQuality(minute(0), 'YELLOW'));
    const worse = eventsOf(change.templateQuality(minute(5), 'RED'));
    const [before] = incidentsAfter(red);
    const [after] = incidentsAfter([...red, ...worse, ...red]);
    expect(after?.id).toBe(before?.id);
    expect(after?.readings).toBe(2);
  });

  it('counts alternations within a window for flap control', () => {
    const steps = [0, 60, 120, 180, 240].map((m, i) =>
      change.templateQuality(minute(m), i % 2 === 0 ? 'YELLOW' : 'GREEN'),
    );
    const ledger = ledgerOf(eventsOfSteps(steps));
    expect(alternationsWithin(ledger.quality, minute(240) * 1000, 24 * 3_600_000)).toBe(4);
    expect(alternationsWithin(ledger.quality, minute(240) * 1000, 90 * 60_000)).toBe(2);
  });

  it('says how long in words', () => {
    expect(durationText(45_000)).toBe('45 s');
    expect(durationText(192 * 60_000)).toBe('3 h 12 min');
    expect(durationText(52 * 3_600_000)).toBe('2 d 4 h');
  });
});

describe('property: order and duplicates do not matter', () => {
  const time = fc.integer({ min: 1, max: 12 });
  const step: fc.Arbitrary<ChangeSpec> = fc.oneof(
    fc
      .tuple(time, fc.constantFrom('GREEN', 'YELLOW', 'RED', 'UNKNOWN'))
      .map(([t, q]) => change.templateQuality(t, q)),
    fc
      .tuple(time, fc.constantFrom('APPROVED', 'PAUSED', 'DISABLED', 'FLAGGED', 'PENDING'))
      .map(([t, s]) => change.templateStatus(t, s)),
  );
  const LIMITS = ['TIER_250', 'TIER_1K', 'TIER_10K', 'TIER_UNLIMITED', 'TIER_SOMETHING_NEW'];
  const limitStep: fc.Arbitrary<ChangeSpec> = fc.oneof(
    fc
      .tuple(time, fc.constantFrom(...LIMITS))
      .map(([t, l]) => change.capability(t, { max_daily_conversations_per_business: l })),
  );
  const phoneLimitStep: fc.Arbitrary<ChangeSpec> = fc
    .tuple(
      time,
      fc.constantFrom('DOWNGRADE', 'UPGRADE'),
      fc.constantFrom(...LIMITS),
      fc.option(fc.constantFrom(...LIMITS)),
    )
    .map(([t, e, to, from]) =>
      change.phoneQuality(t, e, { current_limit: to, ...(from === null ? {} : { old_limit: from }) }),
    );

  it.each([
    ['template quality and status', step],
    ['business portfolio messaging limit', limitStep],
    ['phone number messaging limit', phoneLimitStep],
  ])(
    '%s: any order and duplication of a history ends with the incidents of in-order processing',
    (_, step) => {
      fc.assert(
        fc.property(
          fc.array(step, { minLength: 1, maxLength: 20 }),
          fc.array(fc.nat(), { maxLength: 10 }),
          fc.nat(),
          (steps, duplicates, seed) => {
            const events = eventsOfSteps(steps);
            const inOrder = [...new Map(events.map((e) => [e.id, e])).values()].sort(
              (a, b) => a.eventTime - b.eventTime || (a.id < b.id ? -1 : 1),
            );
            const shuffled = [...events, ...duplicates.map((d) => events[d % events.length] as QualityEvent)];
            // A seeded Fisher-Yates shuffle: fast-check shrinks the seed with the rest.
            let state = seed;
            for (let i = shuffled.length - 1; i > 0; i -= 1) {
              state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
              const j = state % (i + 1);
              [shuffled[i], shuffled[j]] = [shuffled[j] as QualityEvent, shuffled[i] as QualityEvent];
            }
            expect(incidentsAfter(shuffled)).toEqual(incidentsAfter(inOrder));
          },
        ),
        { numRuns: 300 },
      );
    },
  );
});
