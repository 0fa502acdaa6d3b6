import { SecretsProvider } from '@aws-lambda-powertools/parameters/secrets';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SendMessageBatchCommand, type SendMessageBatchRequestEntry, SQSClient } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { createIngestHandler } from '../../../functions/ingest/ingest-request.ts';
import { readQueueMessage } from '../../../functions/processor/queue-message.ts';
import { openTrafficBatch, TrafficKeyring } from '../../../functions/processor/traffic-opening.ts';
import { InMemoryParkedChangeStore } from '../../../shared/parking/parked-changes.ts';
import { EventQueue } from '../../../shared/queue/event-queue.ts';
import { WebhookSecrets } from '../../../shared/secrets/webhook-secrets.ts';
import { pseudonymsFromSecret } from '../../../shared/traffic/pseudonyms.ts';
import { metaSignatureOf } from '../../../shared/webhook/signature.ts';
import { apiGatewayEvent } from '../../support/api-gateway-events.ts';
import { readFixture } from '../../support/fixtures.ts';
import { recordingCounters, recordingLogger } from '../../support/recorders.ts';

const APP_SECRET = 'app-secret-5f2c9e';
const TRAFFIC_KEY = 'traffic-key-9a41c7';
const sqs = mockClient(SQSClient);
const secretsManager = mockClient(SecretsManagerClient);

function ingest(tracking: boolean) {
  secretsManager.on(GetSecretValueCommand).resolves({ SecretString: APP_SECRET });
  const queue = new EventQueue(new SQSClient({}), 'http://sqs.local/000000000000/events', { backoffMs: 1 });
  const logger = recordingLogger();
  const handler = createIngestHandler({
    secrets: new WebhookSecrets(new SecretsProvider({ awsSdkV3Client: new SecretsManagerClient({}) }), {
      appSecret: 'app-secret',
      verifyToken: 'verify-token',
    }),
    queue,
    parking: new InMemoryParkedChangeStore(),
    logger,
    counters: recordingCounters(),
    tracking: tracking ? { queue, trafficKey: { value: async () => TRAFFIC_KEY } } : undefined,
  });
  return { handler, logger };
}

const post = (body: string) =>
  apiGatewayEvent({
    method: 'POST',
    body,
    headers: { 'X-Hub-Signature-256': metaSignatureOf(body, APP_SECRET) },
  });

const sentBodies = (): string[] =>
  sqs
    .commandCalls(SendMessageBatchCommand)
    .flatMap((call) => call.args[0].input.Entries ?? [])
    .map((entry) => entry.MessageBody ?? '');

beforeEach(() => {
  sqs.reset();
  secretsManager.reset();
  sqs.on(SendMessageBatchCommand).callsFake((input: { Entries: SendMessageBatchRequestEntry[] }) => ({
    Successful: input.Entries.map((e) => ({ Id: e.Id, MessageId: `m-${e.Id}`, MD5OfMessageBody: 'x' })),
    Failed: [],
  }));
});

describe('POST /webhook with message tracking', () => {
  const delivery = readFixture('messages.text_inbound_bsuid.constructed-after-meta-text-reference.json');

  it('off: a messages delivery is acknowledged and nothing is queued', async () => {
    const response = await ingest(false).handler(post(delivery));
    expect(response.statusCode).toBe(200);
    expect(sentBodies()).toEqual([]);
  });

  it('on: its facts are queued before the 200, sealed: no content, no customer or message id', async () => {
    const { handler, logger } = ingest(true);
    const response = await handler(post(delivery));
    expect(response.statusCode).toBe(200);
    const [body, ...rest] = sentBodies();
    expect(rest).toEqual([]);
    for (const clear of ['16505551234', 'US.13491208655302741918', 'wamid.', 'another color', '"c"', '"m"'])
      expect(body).not.toContain(clear);
    expect(logger.text()).not.toContain('16505551234');

    // The processor, holding the same traffic key, opens them and names customer and message by keyed hashes.
    const read = readQueueMessage(body ?? '', 0);
    if (read.kind !== 'traffic') throw new Error(`read as ${read.kind}`);
    const keyring = new TrafficKeyring({ value: async () => TRAFFIC_KEY, refresh: async () => undefined });
    const { batch, unreadable } = await openTrafficBatch(read.batch, keyring);
    const phone = '102290129340398:15550783881';
    const pseudonyms = pseudonymsFromSecret(TRAFFIC_KEY);
    expect(unreadable).toBe(0);
    expect(batch.facts).toEqual([
      {
        k: 'inbound',
        p: phone,
        c: pseudonyms.customer(phone, 'US.13491208655302741918'),
        m: pseudonyms.message('wamid.HBgLMTY1MDUwNzY1MjAVAgASGBQzQTRBNjU5OUFFRTAzODEwMTQ0RgA='),
        t: expect.any(Number),
      },
    ]);
  });

  it('on: the queue failing answers 500 so that Meta retries', async () => {
    sqs.on(SendMessageBatchCommand).rejects(Object.assign(new Error('down'), { name: 'ServiceUnavailable' }));
    const response = await ingest(true).handler(post(delivery));
    expect(response.statusCode).toBe(500);
  });
});
