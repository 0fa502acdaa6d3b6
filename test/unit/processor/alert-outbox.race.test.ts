import { describe, expect, it } from 'vitest';
import { AlertsInFlightError, EventProcessor } from '../../../functions/processor/event-processor.ts';
import type { StoredAlert } from '../../../shared/alerts/alert.ts';
import { StateCache } from '../../../shared/store/state-cache.ts';
import { gate, InMemoryStateStore, settle } from '../../support/in-memory-state-store.ts';
import { recordingCounters, recordingLogger } from '../../support/recorders.ts';
import { change, eventOf } from '../../support/webhook-builders.ts';

/*
 * Issue 12, finding 5: the alert outbox under controlled interleavings. Each store call is atomic (as one
 * DynamoDB request is), each SNS publish waits for the test to let it through or fail it, and the clock is the
 * test's: every step below happens in the order written, on any machine.
 */

const CLAIM_TIMEOUT_MS = 1_000;

function world() {
  const store = new InMemoryStateStore();
  let clock = 1_760_000_000_000;
  const publishes: { alert: StoredAlert; step: ReturnType<typeof gate<void>> }[] = [];
  const publisher = {
    publish(alert: StoredAlert) {
      const step = gate<void>();
      publishes.push({ alert, step });
      return step.promise;
    },
  };
  const processor = (claimsStaleBefore?: number) =>
    new EventProcessor({
      store,
      outbox: store,
      publisher,
      cache: new StateCache(),
      logger: recordingLogger(),
      counters: recordingCounters(),
      alertClaimTimeoutMs: CLAIM_TIMEOUT_MS,
      claimsStaleBefore,
      now: () => clock,
    });
  const advance = (ms: number) => {
    clock += ms;
  };
  return { store, publishes, processor, advance, now: () => clock };
}

const red = () => eventOf(change.templateQuality(1_760_000_000, 'RED'));
const snsFailure = () => Object.assign(new Error('injected SNS failure'), { name: 'InternalErrorException' });

describe('alert outbox: claims under controlled interleavings', () => {
  it('a processor whose claim went stale does not end the claim of the one that took over', async () => {
    const { publishes, processor, advance } = world();
    const event = red();
    // X commits and starts publishing; SNS hangs.
    const x = processor()
      .process(event)
      .catch((error: unknown) => error);
    await settle();
    expect(publishes).toHaveLength(1);
    // X's claim goes stale; Y (the message redelivered) takes the alerts over and starts publishing.
    advance(CLAIM_TIMEOUT_MS + 1);
    const y = processor().process(event);
    await settle();
    expect(publishes).toHaveLength(2);
    // X's publish fails at last: it gives back its claim, which is no longer its own.
    publishes[0]?.step.fail(snsFailure());
    expect(await x).toMatchObject({ name: 'InternalErrorException' });
    // Z (another copy) must find Y's claim fresh, not publish alongside Y.
    advance(1);
    const z = processor()
      .process(event)
      .catch((error: unknown) => error);
    await settle();
    expect(publishes).toHaveLength(2);
    expect(await z).toBeInstanceOf(AlertsInFlightError);
    publishes[1]?.step.open();
    await expect(y).resolves.toBe('duplicate');
  });

  it('two copies at once publish once, and afterwards nothing is owed', async () => {
    const { store, publishes, processor } = world();
    const event = red();
    const a = processor().process(event);
    const b = processor()
      .process(event)
      .catch((error: unknown) => error);
    await settle();
    // The loser found the winner's fresh claim and was told to retry later.
    expect(await b).toBeInstanceOf(AlertsInFlightError);
    expect(publishes).toHaveLength(1);
    publishes[0]?.step.open();
    await expect(a).resolves.toBe('applied');
    // The retry of the loser: nothing left to do.
    await expect(processor().process(event)).resolves.toBe('duplicate');
    expect(publishes).toHaveLength(1);
    expect((await store.owedBy(event.id))?.alerts).toEqual([]);
    expect(await store.eventsOwing('9999', 10)).toEqual([]);
  });

  it('a copy that arrives after the winner struck its alerts off publishes nothing', async () => {
    const { publishes, processor } = world();
    const event = red();
    const a = processor().process(event);
    await settle();
    publishes[0]?.step.open();
    await a;
    await expect(processor().process(event)).resolves.toBe('duplicate');
    expect(publishes).toHaveLength(1);
  });

  it('after a failed publish the claim is given back, and the next copy publishes at once', async () => {
    const { publishes, processor } = world();
    const event = red();
    const a = processor()
      .process(event)
      .catch((error: unknown) => error);
    await settle();
    publishes[0]?.step.fail(snsFailure());
    await a;
    const b = processor().process(event);
    await settle();
    expect(publishes).toHaveLength(2);
    publishes[1]?.step.open();
    await expect(b).resolves.toBe('duplicate');
  });

  it('a claim made before a restart is stale at once: the run that held it is gone', async () => {
    const { publishes, processor, advance, now } = world();
    const event = red();
    // The old run commits and starts publishing, then dies (kill -9): its claim stays, its publish never ends.
    void processor().process(event);
    await settle();
    expect(publishes).toHaveLength(1);
    advance(10);
    // A copy in the same run finds the claim fresh and waits for it...
    await expect(processor().process(event)).rejects.toBeInstanceOf(AlertsInFlightError);
    // ...a copy in the run started after it takes the alerts over at once, long before the claim times out.
    const restarted = processor(now());
    advance(10);
    const after = restarted.process(event);
    await settle();
    expect(publishes).toHaveLength(2);
    publishes[1]?.step.open();
    await expect(after).resolves.toBe('duplicate');
  });
});
