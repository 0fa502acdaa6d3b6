import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { DynamoDbWabaRegistry } from '../../functions/poller/dynamodb-waba-registry.ts';
import { PollJobQueue } from '../../functions/poller/poll-job-queue.ts';
import { useLocalAws } from '../../local/local-aws-env.ts';
import { createQueue, drainQueue } from '../support/local-aws.ts';

/* The poller's AWS edges against the local emulator: the WABA registry table and the poll-jobs queue. */

let registry: DynamoDbWabaRegistry;
let sqs: SQSClient;

beforeAll(async () => {
  useLocalAws(inject('motoEndpoint'));
  const tableName = `waba-registry-${Date.now()}`;
  const dynamo = new DynamoDBClient({});
  await dynamo.send(
    new CreateTableCommand({
      TableName: tableName,
      KeySchema: [{ AttributeName: 'wabaId', KeyType: 'HASH' }],
      AttributeDefinitions: [{ AttributeName: 'wabaId', AttributeType: 'S' }],
      BillingMode: 'PAY_PER_REQUEST',
    }),
  );
  registry = new DynamoDbWabaRegistry(
    DynamoDBDocumentClient.from(dynamo, { marshallOptions: { removeUndefinedValues: true } }),
    tableName,
  );
  sqs = new SQSClient({});
});

describe('WABA registry in DynamoDB', () => {
  it('keeps a removed WABA with what it knew, and brings it back with its first sighting', async () => {
    await registry.markActive(['1', '2'], 1000);
    await registry.recordPoll('1', {
      at: 2000,
      status: 'ok',
      succeeded: true,
      budgetWindowStart: 2000,
      budgetCalls: 2,
      lastCalls: 2,
      deferredUntil: 9000,
      recordFingerprints: ['fp-1', 'fp-2'],
      fullPoll: true,
    });
    await registry.recordPoll('1', {
      at: 3000,
      status: 'throttled',
      succeeded: false,
      budgetWindowStart: 2000,
      budgetCalls: 3,
      lastCalls: 2,
    });
    await registry.markRemoved(['1'], 4000);
    expect(await registry.get('1')).toEqual({
      wabaId: '1',
      active: false,
      firstSeenAt: 1000,
      removedAt: 4000,
      lastPolledAt: 3000,
      lastSucceededAt: 2000,
      lastStatus: 'throttled',
      budgetWindowStart: 2000,
      budgetCalls: 3,
      lastCalls: 2,
      recordFingerprints: ['fp-1', 'fp-2'],
      lastFullPollAt: 2000,
    });
    await registry.markActive(['1'], 5000);
    expect(await registry.get('1')).toMatchObject({ active: true, firstSeenAt: 1000, lastSucceededAt: 2000 });
    expect(await registry.get('1')).not.toHaveProperty('removedAt');
    expect((await registry.list()).map((s) => s.wabaId).sort()).toEqual(['1', '2']);
  });
});

describe('poll-jobs queue', () => {
  it('puts one message per WABA, readable by the worker', async () => {
    const url = await createQueue(sqs, `poll-jobs-${Date.now()}`);
    const jobs = Array.from({ length: 23 }, (_, i) => ({ wabaId: String(100 + i), plannedAt: 1 }));
    await new PollJobQueue(sqs, url).enqueue(jobs);
    const bodies = await drainQueue<{ wabaId: string; plannedAt: number }>(sqs, url);
    expect(bodies.map((b) => b.wabaId).sort()).toEqual(jobs.map((j) => j.wabaId).sort());
  });
});
