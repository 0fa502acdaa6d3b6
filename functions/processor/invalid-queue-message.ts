import type * as z from 'zod/mini';

/** What was wrong with a refused queue message: the metric's dimension and the start of the log's reason. */
export const QUEUE_MESSAGE_PROBLEMS = ['not-json', 'version', 'kind', 'shape', 'sealed'] as const;
export type QueueMessageProblem = (typeof QUEUE_MESSAGE_PROBLEMS)[number];

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

/**
 * The failing paths of a zod error and what each expected, e.g. `days.0.read: too small (minimum 0)`. zod/mini
 * loads no locale, so its own messages say only "Invalid input"; these say what was wrong, from our schema's side
 * (expected types, allowed values, field names), never the value received.
 */
export function problemsOf(error: z.core.$ZodError, limit = 5): string {
  return error.issues
    .slice(0, limit)
    .map((issue) => `${issue.path.join('.') || 'message'}: ${whatWasWrong(issue)}`)
    .join('; ');
}

function whatWasWrong(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case 'invalid_type':
      return `expected ${issue.expected}`;
    case 'invalid_value': {
      const shown = issue.values.slice(0, 6).map((value) => JSON.stringify(value));
      return `expected ${shown.join(' | ')}${issue.values.length > 6 ? ' | ...' : ''}`;
    }
    case 'unrecognized_keys':
      return `unknown field${issue.keys.length > 1 ? 's' : ''} ${issue.keys.slice(0, 5).map(fieldName).join(', ')}`;
    case 'too_small':
      return `too small (minimum ${String(issue.minimum)})`;
    case 'too_big':
      return `too big (maximum ${String(issue.maximum)})`;
    case 'invalid_format':
      return `not in the format ${issue.format}`;
    case 'invalid_union':
      return 'matches none of the allowed shapes';
    default:
      return issue.code.replaceAll('_', ' ');
  }
}

/** A field's name when it looks like one of ours; a key made of data (a phone number, a text) is not echoed. */
function fieldName(key: string): string {
  return /^[A-Za-z_][A-Za-z0-9_]{0,39}$/.test(key) ? `"${key}"` : '(a key that is not a field name)';
}
