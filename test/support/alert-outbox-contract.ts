import { describe, expect, it } from 'vitest';
import { AlertsInFlightError, EventProcessor } from '../../functions/processor/event-processor.ts';
import type { StoredAlert } from '../../shared/alerts/alert.ts';
import { decideAlerts } from '../../shared/alerts/decide-alerts.ts';
import type { QualityEvent } from '../../shared/events/quality-event.ts';
import { applyEvent } from '../../shared/state/apply-event.ts';
import type { AlertOutbox } from '../../shared/store/alert-outbox.ts';
import { StateCache } from '../../shared/store/state-cache.ts';
import type { StateStore } from '../../shared/store/state-store.ts';
import { eventItemOf, historyItemOf } from '../../shared/store/table-items.ts';
import { gate } from './in-memory-state-store.ts';
import { recordingCounters, recordingLogger } from './recorders.ts';
import { change, eventOf } from './webhook-builders.ts';

/*
 * One behavioural contract of the alert outbox, run against every implementation (in memory for the unit tests,
 * DynamoDbAlertOutbox on DynamoDB Local for the integration tests): what the processor and the sweeps rely on
 * holds for both, or the fast unit tests would prove things about a store that production does not use.
 */

export interface OutboxWorld {
  /** Commits events (which fills their outbox), as the processor does. */
  readonly store: Pick<StateStore, 'read' | 'commit'>;
  readonly outbox: AlertOutbox;
}

const CLAIM_TIMEOUT_MS = 1_000;
const T0 = 1_760_000_000_000;
const LISTED_LIMIT = 1_000;

/** A template no other case touches (the DynamoDB run shares one table): its first RED, one alert. */
let serial = 0;
function redTemplate(): QualityEvent {
  serial += 1;
  const spec = change.templateQuality(1_760_000_000 + serial, 'RED');
  return eventOf({
    ...spec,
    value: {
      ...(spec.value as object),
      message_template_id: 8_800_000_000 + serial,
      message_template_name: `c${serial}`,
    },
  });
}

/** Commits an event owing its alerts as the processor does (the committer holds the claim), bypassing SNS. */
async function commitOwing(
  world: OutboxWorld,
  options: { processedAt: number; heldUntil?: string },
): Promise<{ event: QualityEvent; alerts: StoredAlert[] }> {
  const event = redTemplate();
  const { state, transitions, outcome } = applyEvent(undefined, event);
  const createdAt = new Date(options.processedAt).toISOString();
  const alerts: StoredAlert[] = decideAlerts(transitions, state).map((alert) => ({
    ...alert,
    createdAt,
    ...(options.heldUntil === undefined ? {} : { heldUntil: options.heldUntil }),
  }));
  expect(alerts.length).toBeGreaterThan(0);
  const result = await world.store.commit({
    event: eventItemOf(event, alerts, createdAt, undefined),
    history: historyItemOf(event, outcome, transitions, createdAt, undefined),
    alerts: [],
  });
  expect(result).toBe('committed');
  return { event, alerts };
}

/** Waits for the processors to reach a point (real I/O on DynamoDB Local): no timing is asserted. */
async function until(condition: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 5_000; i += 1) {
    if (condition()) return;
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
  throw new Error(`never happened: ${what}`);
}

/** Processors on one outbox with a controllable SNS and clock. */
function processors(world: OutboxWorld) {
  let clock = T0;
  const published: StoredAlert[] = [];
  const pending: { alert: StoredAlert; step: ReturnType<typeof gate<void>> }[] = [];
  let mode: 'answer' | 'fail-once' | 'wait' = 'answer';
  const publisher = {
    publish(alert: StoredAlert): Promise<void> {
      if (mode === 'fail-once') {
        mode = 'answer';
        return Promise.reject(
          Object.assign(new Error('injected SNS failure'), { name: 'InternalErrorException' }),
        );
      }
      if (mode === 'wait') {
        const step = gate<void>();
        pending.push({ alert, step });
        return step.promise.then(() => void published.push(alert));
      }
      published.push(alert);
      return Promise.resolve();
    },
  };
  const processor = () =>
    new EventProcessor({
      store: world.store,
      outbox: world.outbox,
      publisher,
      cache: new StateCache(),
      logger: recordingLogger(),
      counters: recordingCounters(),
      alertClaimTimeoutMs: CLAIM_TIMEOUT_MS,
      now: () => clock,
    });
  return {
    processor,
    published,
    pending,
    snsAnswers: (next: typeof mode) => {
      mode = next;
    },
    advance: (ms: number) => {
      clock += ms;
    },
  };
}

export function alertOutboxContract(implementation: string, makeWorld: () => Promise<OutboxWorld>): void {
  describe(`alert outbox contract: ${implementation}`, () => {
    it('owes the alerts committed with an event, claimed by the committer and listed for the sweep', async () => {
      const world = await makeWorld();
      const { event, alerts } = await commitOwing(world, { processedAt: T0 });
      const owed = await world.outbox.owedBy(event.id);
      expect(owed?.alerts.map((alert) => alert.id)).toEqual(alerts.map((alert) => alert.id));
      expect(owed?.claimedAt).toBe(T0);
      expect(owed?.listed).toBe(true);
      // Listed by when it was processed: the sweep's cut-off leaves young events to their own message.
      expect(await world.outbox.eventsOwing(new Date(T0).toISOString(), LISTED_LIMIT)).not.toContain(
        event.id,
      );
      expect(await world.outbox.eventsOwing(new Date(T0 + 1).toISOString(), LISTED_LIMIT)).toContain(
        event.id,
      );
      expect(await world.outbox.eventsHolding('9999', LISTED_LIMIT)).not.toContain(event.id);
    });

    it('knows nothing of an event never committed, and striking off, releasing or finishing there creates nothing', async () => {
      const world = await makeWorld();
      const unknown = redTemplate();
      expect(await world.outbox.owedBy(unknown.id)).toBeUndefined();
      expect(await world.outbox.claim(unknown.id, T0, T0)).toBeUndefined();
      await world.outbox.strikeOff(unknown.id, 'no-such-alert');
      await world.outbox.release(unknown.id, T0);
      await world.outbox.finish(unknown.id);
      expect(await world.outbox.owedBy(unknown.id)).toBeUndefined();
    });

    it('lets a claim be taken over only once it is stale, and by one claimer only', async () => {
      const world = await makeWorld();
      const { event, alerts } = await commitOwing(world, { processedAt: T0 });
      // The committer's claim is fresh: nobody takes it.
      expect(await world.outbox.claim(event.id, T0 + 10, T0)).toBeUndefined();
      // Stale: the first claimer gets the alerts, the second (same view of staleness) gets nothing.
      const taken = await world.outbox.claim(event.id, T0 + 2_000, T0 + 1);
      expect(taken?.map((alert) => alert.id)).toEqual(alerts.map((alert) => alert.id));
      expect(await world.outbox.claim(event.id, T0 + 2_001, T0 + 1)).toBeUndefined();
      expect((await world.outbox.owedBy(event.id))?.claimedAt).toBe(T0 + 2_000);
    });

    it('gives a claim back only for its holder', async () => {
      const world = await makeWorld();
      const { event } = await commitOwing(world, { processedAt: T0 });
      await world.outbox.claim(event.id, T0 + 2_000, T0 + 1);
      // The old holder's late release must not end the new holder's claim.
      await world.outbox.release(event.id, T0);
      expect((await world.outbox.owedBy(event.id))?.claimedAt).toBe(T0 + 2_000);
      await world.outbox.release(event.id, T0 + 2_000);
      const owed = await world.outbox.owedBy(event.id);
      expect(owed?.claimedAt).toBeUndefined();
      expect(owed?.alerts).toHaveLength(1);
      // Given back: the next claimer needs no staleness at all.
      expect(await world.outbox.claim(event.id, T0 + 2_001, 0)).toHaveLength(1);
    });

    it('strikes alerts off one by one, idempotently, and a finished outbox owes nothing and is not listed', async () => {
      const world = await makeWorld();
      const { event, alerts } = await commitOwing(world, { processedAt: T0 });
      const [first] = alerts;
      if (!first) throw new Error('no alert');
      await world.outbox.strikeOff(event.id, first.id);
      await world.outbox.strikeOff(event.id, first.id);
      const struck = await world.outbox.owedBy(event.id);
      expect(struck?.alerts).toEqual([]);
      // Struck off is not finished: the listing and the claim stay until the holder finishes.
      expect(struck?.listed).toBe(true);
      await world.outbox.finish(event.id);
      expect(await world.outbox.owedBy(event.id)).toEqual({
        alerts: [],
        claimedAt: undefined,
        listed: false,
      });
      expect(await world.outbox.eventsOwing('9999', LISTED_LIMIT)).not.toContain(event.id);
      expect(await world.outbox.claim(event.id, T0 + 10 ** 9, T0 + 10 ** 9)).toBeUndefined();
      await world.outbox.strikeOff(event.id, first.id);
      expect(await world.outbox.owedBy(event.id)).toEqual({
        alerts: [],
        claimedAt: undefined,
        listed: false,
      });
    });

    it('lists alerts held for a digest by the end of their window, unclaimed, apart from those owed at once', async () => {
      const world = await makeWorld();
      const heldUntil = new Date(T0 + 600_000).toISOString();
      const { event } = await commitOwing(world, { processedAt: T0, heldUntil });
      const owed = await world.outbox.owedBy(event.id);
      expect(owed?.claimedAt).toBeUndefined();
      expect(owed?.alerts.map((alert) => alert.heldUntil)).toEqual([heldUntil]);
      expect(await world.outbox.eventsHolding(heldUntil, LISTED_LIMIT)).not.toContain(event.id);
      expect(await world.outbox.eventsHolding(`${heldUntil}~`, LISTED_LIMIT)).toContain(event.id);
      expect(await world.outbox.eventsOwing('9999', LISTED_LIMIT)).not.toContain(event.id);
    });

    it('two processors racing on one event publish its alert once', async () => {
      const world = await makeWorld();
      const p = processors(world);
      const event = redTemplate();
      const outcomes = await Promise.allSettled([p.processor().process(event), p.processor().process(event)]);
      expect(p.published).toHaveLength(1);
      const values = outcomes.map((o) => (o.status === 'fulfilled' ? o.value : o.reason));
      expect(values).toContain('applied');
      // The loser found the event processed: its alerts were out already, or the winner's claim was fresh.
      const loser = values.find((value) => value !== 'applied');
      expect(loser === 'duplicate' || loser instanceof AlertsInFlightError).toBe(true);
      // The loser's retry finds nothing owed.
      await expect(p.processor().process(event)).resolves.toBe('duplicate');
      expect(p.published).toHaveLength(1);
      expect(await world.outbox.owedBy(event.id)).toMatchObject({ alerts: [], listed: false });
    });

    it('after a failed publish the claim is given back, and the next copy publishes it exactly once', async () => {
      const world = await makeWorld();
      const p = processors(world);
      const event = redTemplate();
      p.snsAnswers('fail-once');
      await expect(p.processor().process(event)).rejects.toThrow('injected SNS failure');
      const owed = await world.outbox.owedBy(event.id);
      expect(owed?.alerts).toHaveLength(1);
      expect(owed?.claimedAt).toBeUndefined();
      // No time passes: a claim given back needs no waiting for staleness.
      await expect(p.processor().process(event)).resolves.toBe('duplicate');
      await expect(p.processor().process(event)).resolves.toBe('duplicate');
      expect(p.published.map((alert) => alert.kind)).toEqual(['template-quality-red']);
      expect(await world.outbox.owedBy(event.id)).toMatchObject({ alerts: [], listed: false });
    });

    it('a stale claim is taken over, and its old holder failing late does not open the door to a third', async () => {
      const world = await makeWorld();
      const p = processors(world);
      const event = redTemplate();
      p.snsAnswers('wait');
      // X commits and starts publishing; SNS hangs.
      const x = p
        .processor()
        .process(event)
        .catch((error: unknown) => error);
      await until(() => p.pending.length === 1, 'X publishes');
      // X's claim goes stale; Y (the message redelivered) takes the alerts over.
      p.advance(CLAIM_TIMEOUT_MS + 1);
      const y = p.processor().process(event);
      await until(() => p.pending.length === 2, 'Y publishes');
      // X's publish fails at last: it gives back a claim that is no longer its own.
      p.pending[0]?.step.fail(
        Object.assign(new Error('injected SNS failure'), { name: 'InternalErrorException' }),
      );
      expect(await x).toMatchObject({ name: 'InternalErrorException' });
      // Z (another copy) finds Y's claim fresh. (SNS answers at once now: were Z to publish, it would show.)
      p.advance(1);
      p.snsAnswers('answer');
      await expect(p.processor().process(event)).rejects.toBeInstanceOf(AlertsInFlightError);
      p.pending[1]?.step.open();
      await expect(y).resolves.toBe('duplicate');
      expect(p.published).toHaveLength(1);
      expect(await world.outbox.owedBy(event.id)).toMatchObject({ alerts: [], listed: false });
    });
  });
}
