import {
  type BatchResultErrorEntry,
  SendMessageBatchCommand,
  type SendMessageBatchRequestEntry,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import type { QualityEvent } from '../events/quality-event.ts';
import { type QueueMessage, queueMessageBody } from './queue-message.ts';

/** SQS limits: 10 entries per SendMessageBatch, 256 KiB for the whole batch (the conservative, long-standing one). */
const MAX_ENTRIES = 10;
const MAX_BATCH_BYTES = 256 * 1024;
const PARALLEL_BATCHES = 8;

export interface EventQueueOptions {
  readonly attempts?: number;
  readonly backoffMs?: number;
}

/** Some events could not be put on the queue; the caller must answer non-2xx so that Meta retries. */
export class EnqueueError extends Error {
  override readonly name = 'EnqueueError';
  constructor(
    readonly failedCount: number,
    readonly codes: readonly string[],
  ) {
    super(`${failedCount} event(s) could not be enqueued (${codes.join(', ') || 'no error code'})`);
  }
}

/** Puts normalized events on the processing queue, in as few SendMessageBatch calls as SQS allows. */
export class EventQueue {
  private readonly attempts: number;
  private readonly backoffMs: number;

  constructor(
    private readonly sqs: SQSClient,
    private readonly queueUrl: string,
    options: EventQueueOptions = {},
  ) {
    this.attempts = options.attempts ?? 3;
    this.backoffMs = options.backoffMs ?? 50;
  }

  /** Resolves once every event is on the queue; rejects with EnqueueError otherwise. */
  async send(events: readonly QualityEvent[]): Promise<{ batches: number }> {
    return this.sendMessages(events);
  }

  /** Any queue messages (quality events, traffic batches): resolves once all are on the queue. */
  async sendMessages(events: readonly QueueMessage[]): Promise<{ batches: number }> {
    const batches = batchesOf(events.map((event, index) => entryOf(event, index)));
    let next = 0;
    const failures: EnqueueError[] = [];
    const worker = async () => {
      while (next < batches.length) {
        const batch = batches[next++] ?? [];
        await this.sendBatch(batch).catch((error: unknown) => {
          failures.push(
            error instanceof EnqueueError ? error : new EnqueueError(batch.length, [errorName(error)]),
          );
        });
      }
    };
    await Promise.all(Array.from({ length: Math.min(PARALLEL_BATCHES, batches.length) }, worker));
    if (failures.length > 0) {
      throw new EnqueueError(
        failures.reduce((sum, f) => sum + f.failedCount, 0),
        [...new Set(failures.flatMap((f) => f.codes))],
      );
    }
    return { batches: batches.length };
  }

  /** Sends one batch, retrying only the entries SQS reports as failed (and not the caller's fault). */
  private async sendBatch(entries: SendMessageBatchRequestEntry[]): Promise<void> {
    let pending = entries;
    let failed: BatchResultErrorEntry[] = [];
    for (let attempt = 1; attempt <= this.attempts && pending.length > 0; attempt += 1) {
      if (attempt > 1) await sleep(this.backoffMs * 2 ** (attempt - 2) * (0.5 + Math.random()));
      const result = await this.sqs.send(
        new SendMessageBatchCommand({ QueueUrl: this.queueUrl, Entries: pending }),
      );
      failed = result.Failed ?? [];
      if (failed.some((f) => f.SenderFault)) break;
      const failedIds = new Set(failed.map((f) => f.Id));
      pending = pending.filter((entry) => failedIds.has(entry.Id));
    }
    if (failed.length > 0) {
      throw new EnqueueError(failed.length, [...new Set(failed.map((f) => f.Code ?? 'unknown'))]);
    }
  }
}

function entryOf(event: QueueMessage, index: number): SendMessageBatchRequestEntry {
  return {
    Id: String(index),
    MessageBody: queueMessageBody(event),
    // Lets operators and filters tell events apart without reading bodies.
    MessageAttributes: {
      kind: { DataType: 'String', StringValue: event.kind },
      source: { DataType: 'String', StringValue: event.source },
    },
  };
}

function batchesOf(entries: SendMessageBatchRequestEntry[]): SendMessageBatchRequestEntry[][] {
  const batches: SendMessageBatchRequestEntry[][] = [];
  let current: SendMessageBatchRequestEntry[] = [];
  let bytes = 0;
  for (const entry of entries) {
    const size = entrySize(entry);
    if (size > MAX_BATCH_BYTES) throw new EnqueueError(1, ['MessageTooLarge']);
    if (current.length === MAX_ENTRIES || bytes + size > MAX_BATCH_BYTES) {
      batches.push(current);
      current = [];
      bytes = 0;
    }
    current.push(entry);
    bytes += size;
  }
  if (current.length > 0) batches.push(current);
  return batches;
}

/** Body plus attribute names, types and values, as SQS counts them. */
function entrySize(entry: SendMessageBatchRequestEntry): number {
  let size = Buffer.byteLength(entry.MessageBody ?? '');
  for (const [name, value] of Object.entries(entry.MessageAttributes ?? {})) {
    size +=
      Buffer.byteLength(name) +
      Buffer.byteLength(value.DataType ?? '') +
      Buffer.byteLength(value.StringValue ?? '');
  }
  return size;
}

function errorName(error: unknown): string {
  return error instanceof Error ? error.name : 'UnknownError';
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
