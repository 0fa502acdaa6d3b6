import type { QualityEvent } from '../../shared/events/quality-event.ts';
import type { ParkedChangeStore } from '../../shared/parking/parked-changes.ts';
import type { EventQueue } from '../../shared/queue/event-queue.ts';
import { parseJsonPreservingLargeIntegers } from '../../shared/webhook/json-body.ts';
import { parseWebhook, type SkippedChange } from '../../shared/webhook/parse-webhook.ts';

export interface ReplayResult {
  readonly requestId: string;
  readonly enqueued: number;
  /** Parked changes the current code still cannot queue (fix the code, or they stay parked). */
  readonly stillParked: readonly SkippedChange[];
}

/**
 * Replays the parked changes of one delivery after a fix: reads the body Meta sent, takes only the parked
 * changes (by their path), reads them with the current code and enqueues their events. Event ids are derived
 * from the change itself, so a replay repeated, or of a change that was in fact applied, collapses to one state
 * change and one alert at the processor.
 */
export async function replayParked(
  requestId: string,
  deps: {
    readonly parking: Pick<ParkedChangeStore, 'read'>;
    readonly queue: Pick<EventQueue, 'send'>;
  },
): Promise<ReplayResult> {
  const delivery = await deps.parking.read(requestId);
  if (!delivery) throw new Error(`no parked delivery with request id ${requestId}`);
  const root = parseJsonPreservingLargeIntegers(delivery.body.toString('utf8')) as {
    object?: unknown;
    entry?: Record<string, unknown>[];
  };
  const events: QualityEvent[] = [];
  const stillParked: SkippedChange[] = [];
  for (const parked of delivery.changes) {
    const body = bodyOfOne(root, parked.path);
    if (body === undefined) {
      stillParked.push({ ...parked, detail: `${parked.path} is not in the parked body` });
      continue;
    }
    const parsed = parseWebhook(body, { receivedAt: delivery.receivedAt });
    events.push(...parsed.events);
    // Paths in the one-change body are entry[0].changes[0]: report the original path.
    for (const skipped of parsed.skipped) stillParked.push({ ...skipped, path: parked.path });
  }
  if (events.length > 0) await deps.queue.send(events);
  return { requestId, enqueued: events.length, stillParked };
}

/** A webhook body holding only the change (or the whole entry) at `path`, e.g. `entry[0].changes[3]`. */
function bodyOfOne(
  root: { object?: unknown; entry?: Record<string, unknown>[] },
  path: string,
): unknown | undefined {
  const match = /^entry\[(\d+)\](?:\.changes\[(\d+)\])?$/.exec(path);
  const entry = match ? root.entry?.[Number(match[1])] : undefined;
  if (!match || entry === undefined) return undefined;
  if (match[2] === undefined) return { object: root.object, entry: [entry] };
  const change = (entry.changes as unknown[] | undefined)?.[Number(match[2])];
  if (change === undefined) return undefined;
  return { object: root.object, entry: [{ ...entry, changes: [change] }] };
}
