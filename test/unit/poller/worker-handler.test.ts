import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type GraphApiStub, startGraphApiStub } from '../../../local/graph-api-stub.ts';
import { setFunctionEnv } from '../../support/function-env.ts';
import { fixtureWaba } from '../../support/graph-fixtures.ts';

/* The poll worker Lambda as SQS invokes it: a batch of jobs, one WABA each, partial batch failures. */

const TOKEN = 'EAAG-worker-token';
const OK = '102290129340398';
const FAILING = '495709166956424';
const DEFERRED = '611112222333344';
const sqs = mockClient(SQSClient);
const dynamo = mockClient(DynamoDBDocumentClient);
const secrets = mockClient(SecretsManagerClient);
let stub: GraphApiStub;
let handler: (event: SQSEvent) => Promise<SQSBatchResponse>;
let undoEnv = () => {};

beforeAll(async () => {
  stub = await startGraphApiStub({ token: TOKEN, wabas: { [OK]: fixtureWaba(), [FAILING]: fixtureWaba() } });
  undoEnv = setFunctionEnv({
    GRAPH_API_BASE_URL: stub.url,
    GRAPH_TOKEN_SECRET_NAME: 'graph-token',
    EVENT_QUEUE_URL: 'http://sqs.local/000000000000/events',
    WABA_REGISTRY_TABLE: 'registry',
  });
  secrets.on(GetSecretValueCommand).resolves({ SecretString: TOKEN });
  sqs.on(SendMessageBatchCommand).resolves({ Successful: [], Failed: [] });
  dynamo.on(GetCommand).resolves({});
  dynamo.on(GetCommand, { Key: { wabaId: DEFERRED } }).resolves({
    Item: { wabaId: DEFERRED, active: true, firstSeenAt: 0, deferredUntil: Date.now() + 3_600_000 },
  });
  dynamo.on(UpdateCommand).resolves({});
  ({ handler } = await import('../../../functions/poller/worker-handler.ts'));
});

afterAll(async () => {
  await stub.close();
  undoEnv();
});

const record = (messageId: string, body: string): SQSRecord =>
  ({ messageId, body, attributes: { ApproximateReceiveCount: '1' } }) as unknown as SQSRecord;
const job = (wabaId: string) => JSON.stringify({ wabaId, plannedAt: Date.now() });

describe('poll worker handler', () => {
  it('polls each job, defers a throttled WABA, and reports only the jobs that failed', async () => {
    stub.script(`${FAILING}/phone_numbers`, ...Array.from({ length: 4 }, () => ({ status: 500, body: {} })));
    const response = await handler({
      Records: [
        record('m-ok', job(OK)),
        record('m-failing', job(FAILING)),
        record('m-deferred', job(DEFERRED)),
        record('m-unreadable', '{"wabaId":"not digits"}'),
      ],
    });
    expect(response.batchItemFailures.map((f) => f.itemIdentifier).sort()).toEqual([
      'm-failing',
      'm-unreadable',
    ]);
    const polled = stub.requests.map((r) => new URL(r.url, 'http://s').pathname);
    expect(polled).toContain(`/v24.0/${OK}/message_templates`);
    expect(polled.some((p) => p.includes(DEFERRED))).toBe(false);
    const sent = sqs
      .commandCalls(SendMessageBatchCommand)
      .flatMap((c) => c.args[0].input.Entries ?? [])
      .map((e) => JSON.parse(e.MessageBody ?? '{}'));
    expect(new Set(sent.map((e) => e.wabaId))).toEqual(new Set([OK]));
    const updates = dynamo.commandCalls(UpdateCommand).map((c) => c.args[0].input);
    expect(updates.find((u) => u.Key?.wabaId === OK)?.ExpressionAttributeValues).toMatchObject({
      ':status': 'ok',
    });
    expect(updates.find((u) => u.Key?.wabaId === FAILING)?.ExpressionAttributeValues).toMatchObject({
      ':status': 'failed',
    });
    expect(JSON.stringify(updates)).not.toContain(TOKEN);
  });
});
