import { describe, expect, it } from 'vitest';
import { sweepOwedAlerts } from '../../../functions/alert-sweep/owed-alerts-sweep.ts';
import { EventProcessor } from '../../../functions/processor/event-processor.ts';
import type { StoredAlert } from '../../../shared/alerts/alert.ts';
import { StateCache } from '../../../shared/store/state-cache.ts';
import { InMemoryStateStore } from '../../support/in-memory-state-store.ts';
import { recordingCounters, recordingLogger } from '../../support/recorders.ts';
import { change, eventOf } from '../../support/webhook-builders.ts';

/*
 * Issue 12, finding 4: after a long SNS outage a message goes to the DLQ while its alerts sit owed in the event
 * marker. The sweep publishes them once SNS is back, exactly once, and counts what is still owed meanwhile.
 */

const CLAIM_TIMEOUT_MS = 60_000;
const MIN_AGE_MS = 2 * CLAIM_TIMEOUT_MS;

function world() {
  const store = new InMemoryStateStore();
  let clock = 1_760_000_000_000;
  let snsUp = false;
  const published: StoredAlert[] = [];
  const publisher = {
    async publish(alert: StoredAlert) {
      if (!snsUp) throw Object.assign(new Error('SNS is down'), { name: 'InternalErrorException' });
      published.push(alert);
    },
  };
  const logger = recordingLogger();
  const counters = recordingCounters();
  const processor = new EventProcessor({
    store,
    outbox: store,
    publisher,
    cache: new StateCache(),
    logger,
    counters,
    alertClaimTimeoutMs: CLAIM_TIMEOUT_MS,
    now: () => clock,
  });
  const sweep = () =>
    sweepOwedAlerts({ outbox: store, processor, logger, counters, minAgeMs: MIN_AGE_MS, now: () => clock });
  return {
    store,
    processor,
    published,
    sweep,
    counters,
    advance: (ms: number) => {
      clock += ms;
    },
    snsBack: () => {
      snsUp = true;
    },
  };
}

describe('owed-alerts sweep', () => {
  it('publishes, exactly once, the alerts of an event whose message gave up during an SNS outage', async () => {
    const w = world();
    const event = eventOf(change.templateQuality(1_760_000_000, 'RED'));
    // Five receives, all failing at SNS: the message goes to the DLQ (15 minutes).
    for (let receive = 1; receive <= 5; receive += 1) {
      await expect(w.processor.process(event)).rejects.toThrow('SNS is down');
      w.advance(180_000);
    }
    expect(await w.sweep()).toMatchObject({ owed: 1, alertsPublished: 0, stillOwed: 1 });
    expect(w.counters.totals.get('OwedAlertEventsFailed')).toBe(1);

    w.snsBack();
    w.advance(300_000);
    expect(await w.sweep()).toMatchObject({ owed: 1, alertsPublished: 1, stillOwed: 0 });
    expect(w.published.map((alert) => alert.kind)).toEqual(['template-quality-red']);
    // Nothing more is owed: later sweeps and a redrive of the DLQ message publish nothing again.
    w.advance(300_000);
    expect(await w.sweep()).toMatchObject({ owed: 0 });
    await expect(w.processor.process(event)).resolves.toBe('duplicate');
    expect(w.published).toHaveLength(1);
  });

  it('leaves young events to their own message, and skips alerts another processor is publishing', async () => {
    const w = world();
    const event = eventOf(change.templateQuality(1_760_000_000, 'RED'));
    await expect(w.processor.process(event)).rejects.toThrow('SNS is down');
    expect(await w.sweep()).toMatchObject({ owed: 0 });
    w.advance(MIN_AGE_MS + 1);
    // A redelivery holds a fresh claim while it publishes: the sweep must not publish alongside it.
    await w.store.claim(event.id, Date.now() + 10 ** 12, Number.POSITIVE_INFINITY);
    expect(await w.sweep()).toMatchObject({ owed: 1, inFlight: 1, alertsPublished: 0 });
  });
});
