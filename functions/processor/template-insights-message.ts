import * as z from 'zod/mini';
import type { TemplateInsightsMessage } from '../../shared/graph-records/template-insights.ts';
import { InvalidQueueMessageError, problemsOf } from './invalid-queue-message.ts';

const id = z.string().check(z.minLength(1));
const figure = z.number().check(z.int(), z.nonnegative());
const message = z.strictObject({
  kind: z.literal('template-insights'),
  source: z.literal('poll'),
  id,
  wabaId: z.string().check(z.regex(/^\d+$/)),
  readAt: z.number().check(z.int(), z.positive()),
  days: z.array(
    z.strictObject({
      templateId: z.string().check(z.regex(/^\d+$/)),
      day: z.string().check(z.regex(/^\d{4}-\d{2}-\d{2}$/)),
      sent: figure,
      delivered: figure,
      read: figure,
      clicked: figure,
    }),
  ),
});

/** Validates template insights from the queue; throws with the failing paths. */
export function templateInsightsOf(value: unknown): TemplateInsightsMessage {
  const parsed = message.safeParse(value);
  if (!parsed.success) {
    throw new InvalidQueueMessageError(
      'shape',
      `message is not template insights (${problemsOf(parsed.error)})`,
    );
  }
  return parsed.data;
}
