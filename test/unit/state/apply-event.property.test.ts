import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { eventVersionOf } from '../../../shared/events/event-identity.ts';
import type { QualityEvent } from '../../../shared/events/quality-event.ts';
import {
  phoneSnapshotOf,
  polledPhoneNumber,
  pollerAccessEventOf,
} from '../../../shared/graph-records/polled-records.ts';
import { foldEvents } from '../../support/fold-events.ts';
import { type ChangeSpec, change, eventsOf, WABA } from '../../support/webhook-builders.ts';

/*
 * The state machine's contract, over random histories of every event kind: whatever the arrival order and
 * however often Meta, SQS or the poller repeat an event, the final state is the one of applying each event once
 * in event-time order, and no transition is ever reported twice.
 */

// A small time range, so that many events share a second and the id has to break ties.
const time = fc.integer({ min: 1, max: 12 });
const quality = fc.constantFrom('GREEN', 'YELLOW', 'RED', 'UNKNOWN', 'BRAND_NEW');
const template = fc.constantFrom('1304694804498707', '123456789012345678901');
const withTemplate = (spec: ChangeSpec, id: string): ChangeSpec => ({
  ...spec,
  value: { ...(spec.value as object), message_template_id: id },
});

const templateChange: fc.Arbitrary<ChangeSpec> = fc.oneof(
  fc.tuple(time, quality, template).map(([t, q, id]) => withTemplate(change.templateQuality(t, q), id)),
  fc
    .tuple(
      time,
      fc.constantFrom('APPROVED', 'PAUSED', 'DISABLED', 'FLAGGED', 'REJECTED', 'REINSTATED'),
      fc.constantFrom(undefined, 'FIRST_PAUSE', 'SECOND_PAUSE', 'RATE_LIMITING_PAUSE', 'UNPAUSE'),
      fc.constantFrom(undefined, 'MARKETING', 'UTILITY'),
      template,
    )
    .map(([t, status, title, category, id]) =>
      withTemplate(
        change.templateStatus(t, status, {
          ...(title ? { other_info: { title } } : {}),
          ...(category ? { message_template_category: category } : {}),
          ...(status === 'FLAGGED' ? { disable_info: { disable_date: 1_800_000_000 + t } } : {}),
          ...(status === 'REJECTED' ? { reason: 'SCAM' } : {}),
        }),
        id,
      ),
    ),
  fc
    .tuple(time, fc.boolean(), fc.constantFrom('MARKETING', 'UTILITY'), template)
    .map(([t, impending, category, id]) =>
      withTemplate(
        change.templateCategory(
          t,
          impending
            ? {
                new_category: 'UTILITY',
                correct_category: category,
                category_update_timestamp: 1_800_000_000,
              }
            : { previous_category: 'UTILITY', new_category: category },
        ),
        id,
      ),
    ),
);

const limit = fc.constantFrom('TIER_250', 'TIER_2K', 'TIER_10K', 'TIER_UNLIMITED', 2000, -1);
const phoneChange: fc.Arbitrary<ChangeSpec> = fc.oneof(
  fc
    .tuple(
      time,
      fc.constantFrom('FLAGGED', 'UNFLAGGED', 'UPGRADE', 'DOWNGRADE', 'ONBOARDING', 'THROUGHPUT_UPGRADE'),
      fc.option(limit, { nil: undefined }),
      fc.option(limit, { nil: undefined }),
      fc.option(quality, { nil: undefined }),
    )
    .map(([t, event, current, portfolio, rating]) =>
      change.phoneQuality(t, event, {
        ...(current === undefined ? {} : { current_limit: current }),
        ...(portfolio === undefined ? {} : { max_daily_conversations_per_business: portfolio }),
        ...(rating === undefined ? {} : { new_quality_rating: rating }),
      }),
    ),
  fc
    .tuple(
      time,
      fc.constantFrom('APPROVED', 'REJECTED', 'PENDING'),
      fc.constantFrom('Lucky Shrub', 'Lucky Shrubs'),
    )
    .map(([t, decision, name]) => change.phoneName(t, decision, { requested_verified_name: name })),
);

const businessChange: fc.Arbitrary<ChangeSpec> = fc.oneof(
  fc.tuple(time, limit).map(([t, l]) => change.capability(t, { max_daily_conversations_per_business: l })),
  fc.tuple(time, fc.constantFrom('DISABLE', 'REINSTATE', 'SCHEDULE_FOR_DISABLE')).map(([t, state]) =>
    change.accountUpdate(t, {
      event: 'DISABLED_UPDATE',
      ban_info: { waba_ban_state: state, waba_ban_date: 'April 17, 2025' },
    }),
  ),
  fc
    .tuple(time, fc.constantFrom('ACCOUNT_DELETED', 'ACCOUNT_RECONNECTED', 'ACCOUNT_VIOLATION'))
    .map(([t, event]) => change.accountUpdate(t, { event })),
  fc
    .tuple(
      time,
      fc.constantFrom('OBA_APPROVED', 'INCREASED_CAPABILITIES_ELIGIBILITY_DEFERRED'),
      fc.constantFrom('ACTIVE', 'NONE'),
    )
    .map(([t, type, status]) =>
      change.accountAlert(t, { alert_type: type, alert_severity: 'WARNING', alert_status: status }),
    ),
);

const webhookEvents = fc.oneof(templateChange, phoneChange, businessChange).map(eventsOf);

const pollEvents: fc.Arbitrary<QualityEvent[]> = fc
  .tuple(
    time,
    fc.constantFrom('CONNECTED', 'FLAGGED', 'RESTRICTED'),
    quality,
    fc.constantFrom('15550783881', '+1 555-078-3881'),
  )
  .map(([t, status, rating, display]) => [
    phoneSnapshotOf(
      polledPhoneNumber.parse({
        id: '106540352242922',
        display_phone_number: display,
        status,
        quality_rating: rating,
      }),
      { wabaId: WABA, polledAt: t * 1000 },
    ),
  ]);

/** The poller's access to the WABA, won and lost. */
const pollerAccessEvents: fc.Arbitrary<QualityEvent[]> = fc
  .tuple(time, fc.constantFrom('ok' as const, 'denied' as const))
  .map(([t, access]) => [
    pollerAccessEventOf(
      { wabaId: WABA, polledAt: t * 1000 },
      access,
      access === 'denied' ? 'auth 190' : undefined,
    ),
  ]);

const history = fc
  .array(fc.oneof(webhookEvents, pollEvents, pollerAccessEvents), { minLength: 1, maxLength: 25 })
  .map((groups) => {
    const byId = new Map<string, QualityEvent>();
    for (const event of groups.flat()) byId.set(event.id, event);
    return [...byId.values()];
  });

const inEventTimeOrder = (events: readonly QualityEvent[]) =>
  [...events].sort((a, b) => (eventVersionOf(a) < eventVersionOf(b) ? -1 : 1));

/** The events shuffled, with some of them delivered again anywhere in the stream. */
const deliveries = (events: QualityEvent[]) =>
  fc
    .tuple(
      fc.shuffledSubarray(events, { minLength: events.length }),
      fc.array(fc.constantFrom(...events), { maxLength: 10 }),
    )
    .chain(([shuffled, repeats]) =>
      fc.shuffledSubarray([...shuffled, ...repeats], { minLength: shuffled.length + repeats.length }),
    );

const plain = (states: ReadonlyMap<string, unknown>) => Object.fromEntries([...states.entries()].sort());

describe('applyEvent over random histories', () => {
  it('any permutation with any duplicates ends in the state of in-order application', () => {
    fc.assert(
      fc.property(
        history.chain((events) => fc.tuple(fc.constant(events), deliveries(events))),
        ([events, delivered]) => {
          const expected = foldEvents(inEventTimeOrder(events));
          const actual = foldEvents(delivered);
          expect(plain(actual.states)).toEqual(plain(expected.states));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('never reports the same transition twice, whatever the order and duplicates', () => {
    fc.assert(
      fc.property(
        history.chain((events) => deliveries(events)),
        (delivered) => {
          const ids = foldEvents(delivered).transitions.map((t) => t.id);
          expect(new Set(ids).size).toBe(ids.length);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('reports exactly the in-order transitions when duplicates arrive in order', () => {
    fc.assert(
      fc.property(
        history.chain((events) =>
          fc.tuple(
            fc.constant(events),
            fc.array(fc.nat({ max: 2 }), { minLength: events.length, maxLength: events.length }),
          ),
        ),
        ([events, copies]) => {
          const ordered = inEventTimeOrder(events);
          const repeated = ordered.flatMap((event, index) =>
            Array.from({ length: 1 + (copies[index] ?? 0) }, () => event),
          );
          expect(foldEvents(repeated).transitions).toEqual(foldEvents(ordered).transitions);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('every transition is a real change', () => {
    fc.assert(
      fc.property(history, (events) => {
        for (const transition of foldEvents(inEventTimeOrder(events)).transitions) {
          expect(JSON.stringify(transition.to)).not.toBe(JSON.stringify(transition.from));
        }
      }),
      { numRuns: 100 },
    );
  });
});
