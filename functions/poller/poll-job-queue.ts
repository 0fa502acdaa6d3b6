import { SendMessageBatchCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { PollJobSink } from './plan-run.ts';
import type { PollJob } from './poll-job.ts';

const ENTRIES_PER_BATCH = 10;
const PARALLEL_BATCHES = 8;
const ATTEMPTS = 3;

/** Some poll jobs could not be queued: the planner run fails, so the errors alarm sees it. */
export class PollJobEnqueueError extends Error {
  override readonly name = 'PollJobEnqueueError';
}

/** The poll-jobs queue: one small message per WABA, sent ten to a SendMessageBatch call. */
export class PollJobQueue implements PollJobSink {
  constructor(
    private readonly sqs: Pick<SQSClient, 'send'>,
    private readonly queueUrl: string,
  ) {}

  async enqueue(jobs: readonly PollJob[]): Promise<void> {
    const batches: PollJob[][] = [];
    for (let i = 0; i < jobs.length; i += ENTRIES_PER_BATCH)
      batches.push(jobs.slice(i, i + ENTRIES_PER_BATCH));
    let next = 0;
    let failed = 0;
    const worker = async () => {
      while (next < batches.length) failed += await this.sendBatch(batches[next++] ?? []);
    };
    await Promise.all(Array.from({ length: Math.min(PARALLEL_BATCHES, batches.length) }, worker));
    if (failed > 0) throw new PollJobEnqueueError(`${failed} poll job(s) could not be queued`);
  }

  /** Sends one batch, retrying the entries SQS failed; returns how many still failed. */
  private async sendBatch(batch: readonly PollJob[]): Promise<number> {
    let pending = batch.map((job, index) => ({ Id: String(index), MessageBody: JSON.stringify(job) }));
    for (let attempt = 1; attempt <= ATTEMPTS && pending.length > 0; attempt += 1) {
      const result = await this.sqs.send(
        new SendMessageBatchCommand({ QueueUrl: this.queueUrl, Entries: pending }),
      );
      const failedIds = new Set((result.Failed ?? []).map((f) => f.Id));
      pending = pending.filter((entry) => failedIds.has(entry.Id));
    }
    return pending.length;
  }
}
