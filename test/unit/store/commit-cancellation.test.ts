import { DynamoDBClient, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { decideAlerts } from '../../../shared/alerts/decide-alerts.ts';
import { applyEvent } from '../../../shared/state/apply-event.ts';
import {
  type CancellationReason,
  type CommitItemRole,
  cancelledCommitOf,
} from '../../../shared/store/commit-outcome.ts';
import { type EventCommit, StateStore } from '../../../shared/store/state-store.ts';
import {
  alertItemOf,
  EVENT_SK,
  eventItemOf,
  historyItemOf,
  STATE_SK,
  stateItemOf,
} from '../../../shared/store/table-items.ts';
import { change, eventOf } from '../../support/webhook-builders.ts';

/*
 * A cancelled TransactWriteItems call returns one reason per item, in the order the items were sent. Which
 * condition failed decides what the processor does (a redelivery publishes what it still owes; a concurrent
 * writer means read again), so the reasons are read by the role of their item, never by a fixed position.
 */

const CHECK_FAILED: CancellationReason = { Code: 'ConditionalCheckFailed' };
const NONE: CancellationReason = { Code: 'None' };

/** The same transaction's items and reasons, in another order (both move together, as DynamoDB keeps them). */
function reordered(roles: CommitItemRole[], reasons: CancellationReason[], order: number[]) {
  return {
    roles: order.map((i) => roles[i] as CommitItemRole),
    reasons: order.map((i) => reasons[i] as CancellationReason),
  };
}

describe('cancellation reasons, read by what failed', () => {
  const roles: CommitItemRole[] = ['event-marker', 'history', 'state', 'alert', 'incident', 'flap'];
  const orders = [
    [0, 1, 2, 3, 4, 5],
    [2, 0, 1, 3, 4, 5],
    [5, 4, 3, 2, 1, 0],
    [3, 2, 5, 1, 0, 4],
  ].map((order) => ({ order }));

  it.each(orders)('the marker existing means already processed, in the order $order', ({ order }) => {
    const reasons = [CHECK_FAILED, NONE, NONE, NONE, NONE, NONE];
    const moved = reordered(roles, reasons, order);
    expect(cancelledCommitOf(moved.roles, moved.reasons)).toBe('already-processed');
  });

  it.each(orders)('the revision having moved means stale state, in the order $order', ({ order }) => {
    const reasons = [NONE, NONE, CHECK_FAILED, NONE, NONE, NONE];
    const moved = reordered(roles, reasons, order);
    expect(cancelledCommitOf(moved.roles, moved.reasons)).toBe('stale-state');
  });

  it.each(orders)('both failing: the event was processed before, in the order $order', ({ order }) => {
    const reasons = [CHECK_FAILED, NONE, CHECK_FAILED, NONE, NONE, NONE];
    const moved = reordered(roles, reasons, order);
    expect(cancelledCommitOf(moved.roles, moved.reasons)).toBe('already-processed');
  });

  it('a conflict with another transaction means read again; anything else is not explained away', () => {
    expect(cancelledCommitOf(roles, [NONE, NONE, { Code: 'TransactionConflict' }, NONE, NONE, NONE])).toBe(
      'stale-state',
    );
    expect(cancelledCommitOf(roles, [NONE, { Code: 'ValidationError' }, NONE, NONE, NONE, NONE])).toBe(
      'unexplained',
    );
    // A failed check on an item without a condition of ours (e.g. an alert) is not a stale state.
    expect(cancelledCommitOf(roles, [NONE, NONE, NONE, CHECK_FAILED, NONE, NONE])).toBe('unexplained');
  });

  it('a late event has no state item: the reason after the history is an alert, not the state', () => {
    const late: CommitItemRole[] = ['event-marker', 'history', 'alert'];
    expect(cancelledCommitOf(late, [NONE, NONE, CHECK_FAILED])).toBe('unexplained');
    expect(cancelledCommitOf(late, [CHECK_FAILED, NONE, NONE])).toBe('already-processed');
  });
});

describe('StateStore.commit reads the reasons of the items it sent', () => {
  const dynamo = mockClient(DynamoDBDocumentClient);
  afterEach(() => dynamo.reset());
  const store = new StateStore(
    DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'eu-west-1' })),
    'quality',
  );

  /** A cancelled transaction whose reasons follow the items sent: the marker's or the state's check fails. */
  function cancelWhen(failing: { marker?: boolean; state?: boolean }) {
    dynamo
      .on(TransactWriteCommand)
      .callsFake((input: { TransactItems: { Put?: { Item?: { sk?: string } } }[] }) => {
        const reasons = input.TransactItems.map((item) => {
          const sk = item.Put?.Item?.sk;
          if (sk === EVENT_SK && failing.marker) return CHECK_FAILED;
          if (sk === STATE_SK && failing.state) return CHECK_FAILED;
          return NONE;
        });
        throw new TransactionCanceledException({
          message: 'cancelled',
          $metadata: {},
          CancellationReasons: reasons,
        });
      });
  }

  function commitOf(options: { withState: boolean }): EventCommit {
    const event = eventOf(change.templateQuality(1_760_000_000, 'RED'));
    const { state, transitions, outcome } = applyEvent(undefined, event);
    const createdAt = '2025-10-09T08:53:20.000Z';
    const alerts = decideAlerts(transitions, state).map((alert) => ({ ...alert, createdAt }));
    return {
      event: eventItemOf(event, alerts, createdAt, undefined),
      history: historyItemOf(event, outcome, transitions, createdAt, undefined),
      ...(options.withState ? { state: { item: stateItemOf(state, 2), expectedRevision: 1 } } : {}),
      alerts: alerts.map((alert) => alertItemOf(alert, undefined)),
    };
  }

  it('a failed marker check is a redelivery, with or without a state item', async () => {
    cancelWhen({ marker: true });
    await expect(store.commit(commitOf({ withState: true }))).resolves.toBe('already-processed');
    await expect(store.commit(commitOf({ withState: false }))).resolves.toBe('already-processed');
  });

  it('a failed revision check is a stale state', async () => {
    cancelWhen({ state: true });
    await expect(store.commit(commitOf({ withState: true }))).resolves.toBe('stale-state');
  });

  it('a cancellation it cannot explain is thrown, not taken for a stale state', async () => {
    dynamo.on(TransactWriteCommand).rejects(
      new TransactionCanceledException({
        message: 'cancelled',
        $metadata: {},
        CancellationReasons: [NONE, NONE, { Code: 'ValidationError' }],
      }),
    );
    await expect(store.commit(commitOf({ withState: false }))).rejects.toBeInstanceOf(
      TransactionCanceledException,
    );
  });
});
