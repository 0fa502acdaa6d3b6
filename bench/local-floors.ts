import { randomUUID } from 'node:crypto';
import { DynamoDBClient, TransactWriteItemsCommand } from '@aws-sdk/client-dynamodb';
import { SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { LocalPipeline } from '../local/pipeline.ts';

/**
 * The emulators' own floors, measured against the same DynamoDB Local and the same queue the pipeline uses, the
 * way the pipeline uses them (through the same proxy, the same concurrency).
 */

/** Raw 3-item TransactWriteItems (100-byte items) per second, `concurrency` at a time, for `count` transactions. */
export async function transactionsPerSecond(
  pipeline: LocalPipeline,
  count: number,
  concurrency: number,
): Promise<number> {
  const dynamo = new DynamoDBClient({});
  const payload = 'x'.repeat(100);
  let next = 0;
  const start = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) {
        const id = `FLOOR#${randomUUID()}#${next++}`;
        await dynamo.send(
          new TransactWriteItemsCommand({
            TransactItems: ['STATE', 'HISTORY', 'ALERT'].map((sk) => ({
              Put: {
                TableName: pipeline.resources.tableName,
                Item: { pk: { S: id }, sk: { S: sk }, payload: { S: payload } },
                ConditionExpression: 'attribute_not_exists(pk)',
              },
            })),
          }),
        );
      }
    }),
  );
  return count / ((performance.now() - start) / 1000);
}

/**
 * Seconds to put `messages` messages of `bodyBytes` on the queue the raw way: SendMessageBatch of 10, 8 calls at
 * a time (what the ingest does for a delivery, without the HTTP, the signature and the parsing).
 */
export async function rawEnqueueSeconds(
  queueUrl: string,
  messages: number,
  bodyBytes: number,
): Promise<number> {
  const sqs = new SQSClient({});
  const body = 'x'.repeat(bodyBytes);
  const calls = Math.ceil(messages / 10);
  let next = 0;
  const start = performance.now();
  await Promise.all(
    Array.from({ length: Math.min(8, calls) }, async () => {
      while (next < calls) {
        next += 1;
        await sqs.send(
          new SendMessageBatchCommand({
            QueueUrl: queueUrl,
            Entries: Array.from({ length: 10 }, (_, i) => ({ Id: String(i), MessageBody: body })),
          }),
        );
      }
    }),
  );
  return (performance.now() - start) / 1000;
}
