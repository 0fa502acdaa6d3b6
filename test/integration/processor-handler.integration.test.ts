import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { beforeAll, describe, expect, it } from 'vitest';
import { connectLocalAws, freshResources } from '../support/local-aws.ts';
import { sqsEvent } from '../support/sqs-events.ts';
import { change, eventsOf } from '../support/webhook-builders.ts';

/* The real processor Lambda module: Powertools batch processing and partial batch responses. */

let handler: (event: SQSEvent) => Promise<SQSBatchResponse>;

beforeAll(async () => {
  connectLocalAws();
  const resources = await freshResources('handler');
  process.env.TABLE_NAME = resources.tableName;
  process.env.ALERT_TOPIC_ARN = resources.alertTopicArn;
  ({ handler } = await import('../../functions/processor/handler.ts'));
});

describe('processor Lambda handler', () => {
  it('reports only the failed records in batchItemFailures', async () => {
    const good = eventsOf(change.templateQuality(1_760_000_000, 'RED')).map((e) => JSON.stringify(e));
    const batch = sqsEvent(['not json', ...good]);
    const response = await handler(batch);
    expect(response.batchItemFailures).toEqual([{ itemIdentifier: batch.Records[0]?.messageId }]);
  });

  it('reports every record when the whole batch fails, instead of failing the invocation', async () => {
    const batch = sqsEvent(['x', 'y']);
    const response = await handler(batch);
    expect(response.batchItemFailures).toHaveLength(2);
  });

  it('returns no failures for a good batch', async () => {
    const batch = sqsEvent(
      eventsOf(change.phoneQuality(1_760_000_000, 'FLAGGED')).map((e) => JSON.stringify(e)),
    );
    expect((await handler(batch)).batchItemFailures).toEqual([]);
  });
});
