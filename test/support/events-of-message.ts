import { InvalidQueueMessageError } from '../../functions/processor/invalid-queue-message.ts';
import { readQueueMessage } from '../../functions/processor/queue-message.ts';
import type { QualityEvent } from '../../shared/events/quality-event.ts';

/**
 * The quality events of one queue message (events and notifications only; a traffic or insights message is
 * refused), for tests and the bench that apply events one by one. The processor itself reads `readQueueMessage`.
 */
export function eventsOfMessage(body: string, receivedAt: number): QualityEvent[] {
  const work = readQueueMessage(body, receivedAt);
  if (work.kind !== 'events') {
    throw new InvalidQueueMessageError('kind', `a ${work.kind} message holds no quality event`);
  }
  return [...work.events];
}
