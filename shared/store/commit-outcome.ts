/** What each write of an event's transaction stands for: the key its cancellation reason is read by. */
export type CommitItemRole =
  | 'event-marker'
  | 'history'
  | 'state'
  | 'alert'
  | 'incident'
  | 'incident-removal'
  | 'flap';

/** One entry of `TransactionCanceledException.CancellationReasons` (only the code is read). */
export interface CancellationReason {
  readonly Code?: string;
}

/** Why an event's transaction was cancelled, as the processor acts on it. */
export type CancelledCommit = 'already-processed' | 'stale-state' | 'unexplained';

/**
 * Reads a cancelled transaction by what failed, not by where: DynamoDB returns one reason per item, in the
 * order the items were sent, so each reason is paired with the role of the item it belongs to. The marker's
 * condition failing means the event was processed before (whatever else failed with it); the state's means
 * another writer changed the entity since it was read; a conflict with a concurrent transaction means nothing
 * was written and the event is applied again on a fresh read.
 */
export function cancelledCommitOf(
  roles: readonly CommitItemRole[],
  reasons: readonly CancellationReason[],
): CancelledCommit {
  const failed = (role: CommitItemRole) =>
    roles.some((itemRole, index) => itemRole === role && reasons[index]?.Code === 'ConditionalCheckFailed');
  if (failed('event-marker')) return 'already-processed';
  if (failed('state')) return 'stale-state';
  if (reasons.some((reason) => reason.Code === 'TransactionConflict')) return 'stale-state';
  return 'unexplained';
}
