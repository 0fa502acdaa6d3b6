import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { eventVersionOf } from '../../../shared/events/event-identity.ts';
import { HISTORY_PREFIX, historySk } from '../../../shared/store/table-items.ts';

/*
 * The history of an entity is listed by its sort key, the state machine orders events by their version: if the
 * two orders ever disagreed, the newest history item would not be the change the state says came last. The key
 * is built from the version; this holds it there for any event time (fractional, negative, past 2^53) and id.
 */

const eventArbitrary = fc.record({
  eventTime: fc.oneof(
    fc.integer({ min: 0, max: 4_102_444_800_000 }),
    fc.double({ min: -1e6, max: 1e16, noNaN: true }),
  ),
  id: fc.string({ unit: fc.constantFrom(...'0123456789abcdef'), minLength: 0, maxLength: 32 }),
});

const order = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

describe('history sort key and event version', () => {
  it('the history sort key is the event version under the history prefix', () => {
    fc.assert(
      fc.property(eventArbitrary, (event) => {
        expect(historySk(event)).toBe(`${HISTORY_PREFIX}${eventVersionOf(event)}`);
      }),
    );
  });

  it('history items sort as their events are ordered by the state machine', () => {
    fc.assert(
      fc.property(eventArbitrary, eventArbitrary, (a, b) => {
        expect(order(historySk(a), historySk(b))).toBe(order(eventVersionOf(a), eventVersionOf(b)));
      }),
    );
  });
});
