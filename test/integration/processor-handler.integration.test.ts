import { Metrics } from '@aws-lambda-powertools/metrics';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import type { LocalResources } from '../../local/provision.ts';
import { SqsEventSource } from '../../local/sqs-event-source.ts';
import { logger } from '../../shared/powertools/logger.ts';
import { queueMessageBody } from '../../shared/queue/queue-message.ts';
import { ReadModel } from '../../shared/store/read-model.ts';
import { setFunctionEnv } from '../support/function-env.ts';
import { connectLocalAws, drainQueue, freshResources } from '../support/local-aws.ts';
import { sqsEvent } from '../support/sqs-events.ts';
import { change, eventOf, eventsOf } from '../support/webhook-builders.ts';

/* The real processor Lambda module: Powertools batch processing and partial batch responses. */

let handler: (event: SQSEvent) => Promise<SQSBatchResponse>;
let resources: LocalResources;

beforeAll(async () => {
  connectLocalAws();
  resources = await freshResources('handler', {
    // A refused record comes back after a second and reaches the DLQ on its second failure.
    visibilityTimeoutSeconds: 1,
    maxReceiveCount: 2,
  });
  setFunctionEnv({ TABLE_NAME: resources.tableName, ALERT_TOPIC_ARN: resources.alertTopicArn });
  ({ handler } = await import('../../functions/processor/handler.ts'));
});

describe('processor Lambda handler', () => {
  it('reports only the failed records in batchItemFailures', async () => {
    const good = eventsOf(change.templateQuality(1_760_000_000, 'RED')).map((e) => queueMessageBody(e));
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
      eventsOf(change.phoneQuality(1_760_000_000, 'FLAGGED')).map((e) => queueMessageBody(e)),
    );
    expect((await handler(batch)).batchItemFailures).toEqual([]);
  });

  it('fails a message of an unknown version alone, on the local queue, until it reaches the DLQ; its batch neighbours apply', async () => {
    const sqs = new SQSClient({});
    const template = (id: number) =>
      eventOf({
        ...change.templateQuality(1_760_000_100, 'RED'),
        value: { message_template_id: id, message_template_name: `t_${id}`, new_quality_score: 'RED' },
      });
    const phone = { display_phone_number: '15550000777' };
    const newer = JSON.stringify({ v: 2, ...eventOf(change.phoneQuality(1_760_000_100, 'FLAGGED', phone)) });
    await sqs.send(
      new SendMessageBatchCommand({
        QueueUrl: resources.eventQueueUrl,
        Entries: [queueMessageBody(template(7001)), newer, queueMessageBody(template(7002))].map(
          (body, i) => ({ Id: String(i), MessageBody: body }),
        ),
      }),
    );
    const invocations: { bodies: string[]; failed: string[] }[] = [];
    const source = new SqsEventSource({
      sqs,
      queueUrl: resources.eventQueueUrl,
      queueArn: resources.eventQueueArn,
      handler: async (event) => {
        const response = await handler(event);
        const byId = new Map(event.Records.map((r) => [r.messageId, r.body]));
        invocations.push({
          bodies: event.Records.map((r) => r.body),
          failed: response.batchItemFailures.map((f) => byId.get(f.itemIdentifier) ?? '?'),
        });
        return response;
      },
    });
    const errors = vi.spyOn(logger, 'error');
    const metrics = vi.spyOn(Metrics.prototype, 'addMetric');
    const dimensions = vi.spyOn(Metrics.prototype, 'addDimension');
    source.start();
    const deadLetters: unknown[] = [];
    try {
      // Waits for the redrive (two failed receives a second apart), not for any figure: the deadline only stops a hang.
      for (const deadline = Date.now() + 60_000; deadLetters.length === 0 && Date.now() < deadline; ) {
        deadLetters.push(...(await drainQueue(sqs, resources.deadLetterQueueUrl)));
        if (deadLetters.length === 0) await new Promise((resolve) => setTimeout(resolve, 250));
      }
    } finally {
      await source.stop();
    }
    // The reason and the message id are logged and the refusal counted by its problem; the content never is.
    const logged = errors.mock.calls.filter(([message]) => message === 'queue message failed');
    errors.mockRestore();
    expect(logged.length).toBeGreaterThanOrEqual(2);
    expect(logged[0]?.[1]).toMatchObject({
      messageId: expect.any(String),
      error: {
        name: 'InvalidQueueMessageError',
        message: 'unknown message version 2 (this code reads version 1)',
      },
    });
    expect(JSON.stringify(logged)).not.toContain('15550000777');
    expect(metrics.mock.calls.filter(([name]) => name === 'QueueMessagesRefused').length).toBe(logged.length);
    expect(dimensions.mock.calls).toContainEqual(['problem', 'version']);
    metrics.mockRestore();
    dimensions.mockRestore();
    expect(deadLetters).toEqual([JSON.parse(newer)]);
    // Every invocation failed the newer message and nothing else: its neighbours in the first batch applied.
    expect(invocations.length).toBeGreaterThanOrEqual(2);
    for (const { failed } of invocations) expect(failed).toEqual([newer]);
    expect(invocations[0]?.bodies).toHaveLength(3);
    const doc = DynamoDBDocumentClient.from(new DynamoDBClient({}));
    const readModel = new ReadModel(doc, resources.tableName);
    const templates = (await readModel.listStates('template', { limit: 100 })).items.map((t) => t.id);
    expect(templates).toEqual(
      expect.arrayContaining([expect.stringMatching(/:7001$/), expect.stringMatching(/:7002$/)]),
    );
    const phones = (await readModel.listStates('phone-number', { limit: 100 })).items.map((p) => p.id);
    expect(phones.some((id) => id.endsWith(':15550000777'))).toBe(false);
  });
});
