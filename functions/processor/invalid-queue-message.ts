import type * as z from 'zod/mini';

/** What was wrong with a refused queue message: the metric's dimension and the start of the log's reason. */
export type QueueMessageProblem = 'not-json' | 'version' | 'kind' | 'shape';

/**
 * A queue message this code cannot apply as it is. Its record fails alone (a batch item failure), is retried and,
 * after the queue's maxReceiveCount, waits in the dead-letter queue. The message names fields, never values.
 */
export class InvalidQueueMessageError extends Error {
  override readonly name = 'InvalidQueueMessageError';
  constructor(
    readonly problem: QueueMessageProblem,
    message: string,
  ) {
    super(message);
  }
}

/** The failing paths of a zod error, e.g. `days.0.read: Too small: expected number to be >=0` (no values). */
export function problemsOf(error: z.core.$ZodError, limit = 5): string {
  return error.issues
    .slice(0, limit)
    .map((issue) => `${issue.path.join('.') || 'message'}: ${issue.message}`)
    .join('; ');
}
