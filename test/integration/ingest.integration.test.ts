import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SQSClient } from '@aws-sdk/client-sqs';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { IngestHandler } from '../../functions/ingest/ingest-request.ts';
import type { QualityEvent } from '../../shared/events/quality-event.ts';
import { S3ParkedChangeStore } from '../../shared/parking/parked-changes.ts';
import { parseWebhook } from '../../shared/webhook/parse-webhook.ts';
import { metaSignatureOf } from '../../shared/webhook/signature.ts';
import { apiGatewayEvent } from '../support/api-gateway-events.ts';
import { fixtureNames, readFixture } from '../support/fixtures.ts';
import { setFunctionEnv } from '../support/function-env.ts';
import { connectLocalAws, createQueue, createSecret, drainQueue } from '../support/local-aws.ts';
import { change, webhookBody } from '../support/webhook-builders.ts';

/*
 * The real ingest Lambda module (handler.ts, with its module-scope clients and Powertools secrets) against the
 * local emulator's real SQS and Secrets Manager APIs.
 */

const APP_SECRET = 'integration-app-secret';
const VERIFY_TOKEN = 'integration-verify-token';
const run = `ingest-${Date.now()}`;

let handler: IngestHandler;
let sqs: SQSClient;
let queueUrl: string;

beforeAll(async () => {
  connectLocalAws();
  sqs = new SQSClient({});
  const secrets = new SecretsManagerClient({});
  queueUrl = await createQueue(sqs, `${run}-events`);
  await createSecret(secrets, `${run}/app-secret`, APP_SECRET);
  await createSecret(secrets, `${run}/verify-token`, VERIFY_TOKEN);
  await new S3Client({}).send(new CreateBucketCommand({ Bucket: `${run}-parked` }));
  setFunctionEnv({
    EVENT_QUEUE_URL: queueUrl,
    PARKED_CHANGES_BUCKET: `${run}-parked`,
    APP_SECRET_NAME: `${run}/app-secret`,
    VERIFY_TOKEN_SECRET_NAME: `${run}/verify-token`,
  });
  ({ handler } = await import('../../functions/ingest/handler.ts'));
});

beforeEach(async () => {
  await drainQueue(sqs, queueUrl);
});

const post = (body: string, signature: string | null = metaSignatureOf(body, APP_SECRET)) =>
  handler(
    apiGatewayEvent({
      method: 'POST',
      body,
      headers: signature === null ? {} : { 'x-hub-signature-256': signature },
    }),
  );

const webhookFixtures = fixtureNames().filter(
  (n) => n.endsWith('.json') && !n.startsWith('api.') && !n.startsWith('error.'),
);

describe('ingest Lambda against the local emulator', () => {
  it('answers the verification handshake with the token from Secrets Manager', async () => {
    const response = await handler(
      apiGatewayEvent({
        method: 'GET',
        query: { 'hub.mode': 'subscribe', 'hub.verify_token': VERIFY_TOKEN, 'hub.challenge': '987654' },
      }),
    );
    expect(response).toMatchObject({ statusCode: 200, body: '987654' });
  });

  it.each(webhookFixtures)('a signed POST of %s lands on the queue as its events', async (name) => {
    const body = readFixture(name);
    const response = await post(body);
    expect(response.statusCode).toBe(200);
    const landed = await drainQueue<QualityEvent>(sqs, queueUrl);
    const expected = parseWebhook(body, { receivedAt: 0 }).events;
    expect(landed.map((e) => e.id).sort()).toEqual(expected.map((e) => e.id).sort());
    for (const event of landed) expect(event.source).toBe('webhook');
  });

  const body = readFixture('phone_number_quality_update.flagged.meta-manage-webhooks.json');
  it.each([
    ['forged', () => post(body, metaSignatureOf(body, 'attacker-secret')), 401],
    ['unsigned', () => post(body, null), 401],
    ['tampered', () => post(body.replace('FLAGGED', 'UNFLAGGED'), metaSignatureOf(body, APP_SECRET)), 401],
    ['truncated', () => post(body.slice(0, body.length / 2), metaSignatureOf(body, APP_SECRET)), 401],
    ['non-JSON (signed)', () => post('<xml/>'), 400],
    [
      'invalid JSON Meta published (signed)',
      () => post(readFixture('account_update.disabled_update_INVALID_JSON.meta-manage-webhooks.txt')),
      400,
    ],
  ] as const)('a %s body lands nothing', async (_, send, status) => {
    expect((await send()).statusCode).toBe(status);
    expect(await drainQueue(sqs, queueUrl)).toEqual([]);
  });

  it('parks a change too big for the queue in S3 with the exact body, and enqueues the rest', async () => {
    const good = change.templateQuality(1_700_000_000, 'RED');
    const big = change.templateStatus(1_700_000_001, 'REJECTED', {
      rejection_info: { reason: 'z'.repeat(300_000) },
    });
    const body = webhookBody(good, big);
    const event = apiGatewayEvent({
      method: 'POST',
      body,
      headers: { 'x-hub-signature-256': metaSignatureOf(body, APP_SECRET) },
    });
    const response = await handler(event);
    expect(response.statusCode).toBe(200);
    expect(JSON.parse(response.body)).toMatchObject({ enqueued: 1, parked: 1 });
    expect(await drainQueue<QualityEvent>(sqs, queueUrl)).toMatchObject([{ kind: 'template-quality' }]);
    const kept = await new S3ParkedChangeStore(new S3Client({}), `${run}-parked`).read(
      event.requestContext.requestId,
    );
    expect(kept?.body.toString('utf8')).toBe(body);
    expect(kept?.changes).toMatchObject([{ path: 'entry[1].changes[0]', reason: 'unstorable' }]);
  });
});
