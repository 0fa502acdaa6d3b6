import {
  DeleteMessageBatchCommand,
  type Message,
  ReceiveMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';

type Handler = (event: SQSEvent) => Promise<SQSBatchResponse | undefined>;

export interface EventSourceOptions {
  readonly sqs: SQSClient;
  readonly queueUrl: string;
  readonly queueArn: string;
  /**
   * The function's instances: each is its own copy of the handler module, as each Lambda instance is. One
   * instance runs one invocation at a time (the handler keeps per-invocation state at module scope, such as
   * Powertools' batch processor); several instances run side by side, as Lambda scales out on a busy queue.
   */
  readonly handler: Handler | readonly Handler[];
  readonly batchSize?: number;
  /** Concurrent pollers receiving from the queue (at least one per instance). */
  readonly concurrency?: number;
  readonly waitTimeSeconds?: number;
  /** Share (0-1) of invocations that crash after the handler did its work, before the batch is deleted. */
  crashRate?: number;
  readonly onError?: (error: unknown) => void;
}

/**
 * Lambda's SQS event source mapping, on one machine: long polling, batches, partial batch responses (failed
 * records are left to reappear after the visibility timeout, and to reach the DLQ after maxReceiveCount), and
 * crashes that lose the whole invocation.
 */
export class SqsEventSource {
  private running = false;
  private loops: Promise<void>[] = [];
  readonly stats = { invocations: 0, records: 0, failedRecords: 0, crashes: 0 };

  constructor(private readonly options: EventSourceOptions) {
    const handlers = Array.isArray(options.handler) ? options.handler : [options.handler as Handler];
    this.instances = handlers.map((handler) => ({ handler, turn: Promise.resolve() }));
  }

  private crashesPending = 0;

  set crashRate(rate: number) {
    this.options.crashRate = rate;
  }

  /** The next `count` invocations crash after their work, whatever the crash rate. */
  crashNext(count: number): void {
    this.crashesPending += count;
  }

  private readonly instances: { readonly handler: Handler; turn: Promise<void> }[];

  start(): void {
    this.running = true;
    const loops = Math.max(this.options.concurrency ?? 1, this.instances.length);
    this.loops = Array.from({ length: loops }, (_, i) =>
      this.loop(this.instances[i % this.instances.length]),
    );
  }

  /**
   * Stops polling; an invocation stuck on a dead emulator is not waited for longer than `graceMs`. Resolves
   * false when one was still running then.
   */
  async stop(graceMs = 5000): Promise<boolean> {
    this.running = false;
    let timer: NodeJS.Timeout | undefined;
    const grace = new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(false), graceMs);
    });
    const finished = await Promise.race([Promise.all(this.loops).then(() => true), grace]);
    clearTimeout(timer);
    return finished;
  }

  private async loop(instance = this.instances[0]): Promise<void> {
    const { sqs, queueUrl } = this.options;
    while (this.running) {
      try {
        const { Messages = [] } = await sqs.send(
          new ReceiveMessageCommand({
            QueueUrl: queueUrl,
            MaxNumberOfMessages: this.options.batchSize ?? 10,
            WaitTimeSeconds: this.options.waitTimeSeconds ?? 1,
            MessageSystemAttributeNames: ['All'],
            MessageAttributeNames: ['All'],
          }),
        );
        if (Messages.length === 0 || !instance) continue;
        await this.invoke(instance, Messages);
      } catch (error) {
        // While stopping, the emulator may already be gone: not worth a word.
        if (this.running) this.options.onError?.(error);
        await new Promise((resolve) => setTimeout(resolve, 500));
      }
    }
  }

  /** One invocation at a time per instance, in arrival order, as on one Lambda instance. */
  private invoke(
    instance: { readonly handler: Handler; turn: Promise<void> },
    messages: Message[],
  ): Promise<void> {
    const turn = instance.turn.then(() => this.runInvocation(instance.handler, messages));
    instance.turn = turn.catch(() => {});
    return turn;
  }

  private async runInvocation(handler: Handler, messages: Message[]): Promise<void> {
    const records = messages.map((message) => this.recordOf(message));
    this.stats.invocations += 1;
    this.stats.records += records.length;
    let response: SQSBatchResponse | undefined;
    try {
      response = await handler({ Records: records });
    } catch (error) {
      // The invocation failed: every record comes back after the visibility timeout.
      this.stats.failedRecords += records.length;
      this.options.onError?.(error);
      return;
    }
    if (this.crashesPending > 0 || Math.random() < (this.options.crashRate ?? 0)) {
      this.crashesPending = Math.max(0, this.crashesPending - 1);
      // The function died before returning: its work stands, but SQS never hears of it.
      this.stats.crashes += 1;
      return;
    }
    const failed = new Set((response?.batchItemFailures ?? []).map((f) => f.itemIdentifier));
    this.stats.failedRecords += failed.size;
    const done = messages.filter((m) => !failed.has(m.MessageId ?? ''));
    if (done.length === 0) return;
    await this.options.sqs.send(
      new DeleteMessageBatchCommand({
        QueueUrl: this.options.queueUrl,
        Entries: done.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle })),
      }),
    );
  }

  private recordOf(message: Message): SQSRecord {
    const attributes = message.Attributes ?? {};
    return {
      messageId: message.MessageId ?? '',
      receiptHandle: message.ReceiptHandle ?? '',
      body: message.Body ?? '',
      attributes: {
        ApproximateReceiveCount: attributes.ApproximateReceiveCount ?? '1',
        SentTimestamp: attributes.SentTimestamp ?? String(Date.now()),
        SenderId: attributes.SenderId ?? 'local',
        ApproximateFirstReceiveTimestamp: attributes.ApproximateFirstReceiveTimestamp ?? String(Date.now()),
      },
      messageAttributes: {},
      md5OfBody: message.MD5OfBody ?? '',
      eventSource: 'aws:sqs',
      eventSourceARN: this.options.queueArn,
      awsRegion: process.env.AWS_REGION ?? 'us-east-1',
    };
  }
}
