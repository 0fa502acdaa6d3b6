import { describe, expect, it } from 'vitest';
import { replayParked } from '../../../functions/ingest/parked-replay.ts';
import type { QualityEvent } from '../../../shared/events/quality-event.ts';
import { InMemoryParkedChangeStore } from '../../../shared/parking/parked-changes.ts';
import { change, eventsOf, webhookBody } from '../../support/webhook-builders.ts';

/* Replaying a parked delivery after a fix: only its parked changes, read by today's code, onto the queue. */

function world(body: string, paths: string[]) {
  const parking = new InMemoryParkedChangeStore();
  parking.deliveries.set('req-1', {
    requestId: 'req-1',
    receivedAt: Date.UTC(2026, 10, 1),
    body: Buffer.from(body),
    changes: paths.map((path) => ({
      path,
      field: 'message_template_status_update',
      reason: 'invalid' as const,
    })),
  });
  const sent: QualityEvent[] = [];
  const queue = {
    async send(events: readonly QualityEvent[]) {
      sent.push(...events);
      return { batches: 1 };
    },
  };
  return { parking, queue, sent };
}

describe('replayParked', () => {
  it('enqueues only the parked change, with the id it would have had', async () => {
    const good = change.templateQuality(1_760_000_000, 'RED');
    const parked = change.templateStatus(1_760_000_001, 'APPROVED');
    const w = world(webhookBody(good, parked), ['entry[1].changes[0]']);
    const result = await replayParked('req-1', w);
    expect(result).toMatchObject({ enqueued: 1, stillParked: [] });
    expect(w.sent.map((e) => e.id)).toEqual(eventsOf(parked).map((e) => e.id));
  });

  it("reports what today's code still cannot queue, and enqueues nothing for it", async () => {
    const big = change.templateStatus(1_760_000_001, 'REJECTED', {
      rejection_info: { reason: 'x'.repeat(300_000) },
    });
    const w = world(webhookBody(change.templateQuality(1, 'RED'), big), ['entry[1].changes[0]']);
    const result = await replayParked('req-1', w);
    expect(result.enqueued).toBe(0);
    expect(result.stillParked).toMatchObject([{ path: 'entry[1].changes[0]', reason: 'unstorable' }]);
    expect(w.sent).toEqual([]);
  });

  it('fails clearly for an unknown request id', async () => {
    await expect(replayParked('nope', world('{}', []))).rejects.toThrow(/no parked delivery/);
  });
});
