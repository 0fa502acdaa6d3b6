import { SecretsProvider } from '@aws-lambda-powertools/parameters/secrets';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SendMessageBatchCommand, type SendMessageBatchRequestEntry, SQSClient } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { createIngestHandler, MAX_BODY_BYTES } from '../../../functions/ingest/ingest-request.ts';
import type { QualityEvent } from '../../../shared/events/quality-event.ts';
import { InMemoryParkedChangeStore } from '../../../shared/parking/parked-changes.ts';
import { EventQueue } from '../../../shared/queue/event-queue.ts';
import { WebhookSecrets } from '../../../shared/secrets/webhook-secrets.ts';
import { metaSignatureOf } from '../../../shared/webhook/signature.ts';
import { apiGatewayEvent } from '../../support/api-gateway-events.ts';
import { readFixture } from '../../support/fixtures.ts';
import { recordingCounters, recordingLogger } from '../../support/recorders.ts';
import { change, webhookBody } from '../../support/webhook-builders.ts';

const APP_SECRET = 'app-secret-5f2c9e';
const VERIFY_TOKEN = 'verify-token-81ab';
const QUEUE_URL = 'http://sqs.local/000000000000/events';

const sqs = mockClient(SQSClient);
const secretsManager = mockClient(SecretsManagerClient);

function setup(options: { appSecrets?: string[]; parkingFails?: boolean } = {}) {
  const appSecrets = [...(options.appSecrets ?? [APP_SECRET])];
  secretsManager.on(GetSecretValueCommand, { SecretId: 'app-secret' }).callsFake(() => ({
    SecretString: appSecrets.length > 1 ? appSecrets.shift() : appSecrets[0],
  }));
  secretsManager
    .on(GetSecretValueCommand, { SecretId: 'verify-token' })
    .resolves({ SecretString: VERIFY_TOKEN });
  const logger = recordingLogger();
  const counters = recordingCounters();
  const secrets = new WebhookSecrets(new SecretsProvider({ awsSdkV3Client: new SecretsManagerClient({}) }), {
    appSecret: 'app-secret',
    verifyToken: 'verify-token',
  });
  const parking = new InMemoryParkedChangeStore();
  if (options.parkingFails) {
    parking.park = async () => {
      throw Object.assign(new Error('injected S3 failure'), { name: 'InternalError' });
    };
  }
  const handler = createIngestHandler({
    secrets,
    queue: new EventQueue(new SQSClient({}), QUEUE_URL, { backoffMs: 1 }),
    parking,
    logger,
    counters,
    now: () => Date.UTC(2026, 10, 1),
  });
  return { handler, logger, counters, parking };
}

const signed = (body: string, secret = APP_SECRET) => ({
  method: 'POST',
  body,
  headers: { 'X-Hub-Signature-256': metaSignatureOf(body, secret), 'content-type': 'application/json' },
});

function sentEntries(): SendMessageBatchRequestEntry[] {
  return sqs.commandCalls(SendMessageBatchCommand).flatMap((call) => call.args[0].input.Entries ?? []);
}
const sentEvents = (): QualityEvent[] =>
  sentEntries().map((entry) => JSON.parse(entry.MessageBody ?? '') as QualityEvent);

beforeEach(() => {
  sqs.reset();
  secretsManager.reset();
  sqs.on(SendMessageBatchCommand).callsFake((input: { Entries: SendMessageBatchRequestEntry[] }) => ({
    Successful: input.Entries.map((e) => ({ Id: e.Id, MessageId: `m-${e.Id}`, MD5OfMessageBody: 'x' })),
    Failed: [],
  }));
});

describe('GET /webhook: the verification handshake', () => {
  const query = (overrides: Record<string, string>) => ({
    'hub.mode': 'subscribe',
    'hub.verify_token': VERIFY_TOKEN,
    'hub.challenge': '1158201444',
    ...overrides,
  });

  it('answers the raw challenge as plain text when mode and token match', async () => {
    const response = await setup().handler(apiGatewayEvent({ method: 'GET', query: query({}) }));
    expect(response.statusCode).toBe(200);
    expect(response.body).toBe('1158201444');
    expect(response.headers?.['content-type']).toMatch(/^text\/plain/);
  });

  it.each([
    ['a wrong token', query({ 'hub.verify_token': 'guess' })],
    ['a token that only shares a prefix', query({ 'hub.verify_token': VERIFY_TOKEN.slice(0, -1) })],
    ['another mode', query({ 'hub.mode': 'unsubscribe' })],
    ['no challenge', { 'hub.mode': 'subscribe', 'hub.verify_token': VERIFY_TOKEN }],
    ['no query at all', undefined],
  ])('answers 403 for %s', async (_, q) => {
    const response = await setup().handler(apiGatewayEvent({ method: 'GET', query: q }));
    expect(response.statusCode).toBe(403);
    expect(response.body).not.toContain(VERIFY_TOKEN);
  });
});

describe('POST /webhook: signed deliveries', () => {
  it('enqueues the quality events of a signed fixture and answers 200', async () => {
    const body = readFixture('message_template_status_update.paused_first_pause.synthetic-constructed.json');
    const response = await setup().handler(apiGatewayEvent(signed(body)));
    expect(response.statusCode).toBe(200);
    expect(JSON.parse(response.body)).toEqual({
      received: 1,
      enqueued: 1,
      ignored: 0,
      invalid: 0,
      parked: 0,
    });
    expect(sentEvents()).toMatchObject([
      { kind: 'template-status', templateId: '1304694804498707', source: 'webhook' },
    ]);
    expect(sentEntries()[0]?.MessageAttributes?.kind?.StringValue).toBe('template-status');
  });

  it('reads a base64-encoded body and checks the signature over the decoded bytes', async () => {
    const body = readFixture('phone_number_quality_update.flagged.meta-manage-webhooks.json');
    const event = apiGatewayEvent({
      ...signed(body),
      body: Buffer.from(body).toString('base64'),
      isBase64Encoded: true,
    });
    expect((await setup().handler(event)).statusCode).toBe(200);
    expect(sentEvents()).toMatchObject([{ kind: 'phone-quality' }]);
  });

  it('accepts non-ASCII characters and @ signed over the exact bytes Meta sent', async () => {
    // Meta signs its own escaped serialization; what arrives is what was signed.
    const body = `{"object":"whatsapp_business_account","entry":[{"id":"1","time":5,"changes":[{"field":"message_template_status_update","value":{"event":"REJECTED","message_template_id":7,"message_template_name":"promo_ação_@home","message_template_language":"pt_BR","reason":"PROMOTIONAL","rejection_info":{"reason":"Conteúdo promocional — café@loja"}}}]}]}`;
    expect((await setup().handler(apiGatewayEvent(signed(body)))).statusCode).toBe(200);
    expect(sentEvents()).toMatchObject([
      { name: 'promo_ação_@home', rejectionReason: 'Conteúdo promocional — café@loja' },
    ]);
  });

  it('rejects a signature computed over re-serialized JSON instead of the raw bytes', async () => {
    const raw =
      '{"object":"whatsapp_business_account",  "entry":[{"id":"1","changes":[{"field":"message_template_quality_update","value":{"message_template_id":7,"new_quality_score":"RED","message_template_name":"caf\\u00e9"}}]}]}';
    const reserialized = JSON.stringify(JSON.parse(raw));
    const event = apiGatewayEvent({
      method: 'POST',
      body: raw,
      headers: { 'x-hub-signature-256': metaSignatureOf(reserialized, APP_SECRET) },
    });
    expect((await setup().handler(event)).statusCode).toBe(401);
  });

  it('acknowledges message traffic without enqueuing it, and counts it', async () => {
    const { handler, counters } = setup();
    const response = await handler(
      apiGatewayEvent(signed(readFixture('webhook.messages_errors_130429.meta-docs.json'))),
    );
    expect(response.statusCode).toBe(200);
    expect(JSON.parse(response.body)).toMatchObject({ enqueued: 0, ignored: 1 });
    expect(sqs.commandCalls(SendMessageBatchCommand)).toHaveLength(0);
    expect(counters.totals.get('ChangesIgnored')).toBe(1);
  });

  it('marks App Dashboard test deliveries as tests', async () => {
    const { handler, counters } = setup();
    const body = readFixture('phone_number_quality_update.flagged.meta-dashboard-test-sample-legacy.json');
    expect((await handler(apiGatewayEvent(signed(body)))).statusCode).toBe(200);
    expect(sentEvents()).toMatchObject([{ isTest: true, wabaId: '0' }]);
    expect(counters.totals.get('TestEventsEnqueued')).toBe(1);
  });

  it('splits 1,000 changes into SendMessageBatch calls of at most 10 entries', async () => {
    const changes = Array.from({ length: 1000 }, (_, i) => change.templateQuality(1_700_000_000 + i, 'RED'));
    const response = await setup().handler(apiGatewayEvent(signed(webhookBody(...changes))));
    expect(response.statusCode).toBe(200);
    const calls = sqs.commandCalls(SendMessageBatchCommand);
    expect(calls).toHaveLength(100);
    expect(Math.max(...calls.map((c) => c.args[0].input.Entries?.length ?? 0))).toBe(10);
    expect(new Set(sentEvents().map((e) => e.id)).size).toBe(1000);
  });

  it('keeps every batch under the SQS size limit when events are large', async () => {
    const bigName = 'x'.repeat(60_000);
    const changes = Array.from({ length: 12 }, (_, i) =>
      change.templateStatus(1_700_000_000 + i, 'REJECTED', { rejection_info: { reason: bigName } }),
    );
    expect((await setup().handler(apiGatewayEvent(signed(webhookBody(...changes))))).statusCode).toBe(200);
    for (const call of sqs.commandCalls(SendMessageBatchCommand)) {
      const bytes = (call.args[0].input.Entries ?? []).reduce(
        (sum, e) => sum + Buffer.byteLength(e.MessageBody ?? ''),
        0,
      );
      expect(bytes).toBeLessThanOrEqual(256 * 1024);
    }
    expect(sentEvents()).toHaveLength(12);
  });

  it('parks an unreadable quality change with the body, and enqueues the rest', async () => {
    const { handler, logger, parking } = setup();
    const body = webhookBody(
      { field: 'message_template_quality_update', value: { new_quality_score: 'RED' }, time: 5 },
      change.templateQuality(6, 'GREEN'),
    );
    const event = apiGatewayEvent(signed(body));
    const response = await handler(event);
    expect(JSON.parse(response.body)).toMatchObject({ enqueued: 1, invalid: 1, parked: 1 });
    const kept = parking.deliveries.get(event.requestContext.requestId);
    expect(kept?.body.toString('utf8')).toBe(body);
    expect(kept?.changes).toMatchObject([{ path: 'entry[0].changes[0]', reason: 'invalid' }]);
    expect(logger.lines.some((l) => l.message === 'quality change parked for replay')).toBe(true);
  });
});

describe('POST /webhook: one change never sinks the delivery (issue 12, finding 2)', () => {
  const good = change.templateQuality(1_700_000_000, 'RED');
  const withRejection = (reason: unknown) =>
    change.templateStatus(1_700_000_001, 'REJECTED', { rejection_info: { reason } });
  // Written as text: JSON.stringify itself cannot serialize a value this deep.
  const deepBody = (levels: number) =>
    webhookBody(good, withRejection('__DEEP__')).replace(
      '"__DEEP__"',
      `${'{"nested":'.repeat(levels)}"bottom"${'}'.repeat(levels)}`,
    );

  it.each([
    [
      'a 300 KB value (more than an SQS message)',
      webhookBody(good, withRejection('x'.repeat(300_000))),
      /bytes/,
    ],
    ['a 4.5 MB value', webhookBody(good, withRejection('x'.repeat(4_500_000))), /bytes/],
    ['a value nested 5,000 deep', deepBody(5_000), /deeper than/],
    ['a value nested 100,000 deep', deepBody(100_000), /deeper than/],
  ])('%s is parked whole; the good change is enqueued; 200', async (_, body, detail) => {
    const { handler, counters, parking, logger } = setup();
    const event = apiGatewayEvent(signed(body));
    const response = await handler(event);
    expect(response.statusCode).toBe(200);
    expect(sentEvents()).toMatchObject([{ kind: 'template-quality' }]);
    const kept = parking.deliveries.get(event.requestContext.requestId);
    expect(kept?.body.equals(Buffer.from(body))).toBe(true);
    expect(kept?.changes).toEqual([
      expect.objectContaining({
        path: 'entry[1].changes[0]',
        reason: 'unstorable',
        detail: expect.stringMatching(detail),
      }),
    ]);
    expect(counters.totals.get('ChangesParked')).toBe(1);
    expect(logger.text()).not.toContain('xxxxxxxx');
  });

  it.each([
    ['a float past 2^53 (1.5e16)', '1.5e16'],
    ['1e308', '1e308'],
    ['the string "null"', '"null"'],
    ['a negative number', '-5'],
  ])('%s as a template id is not an id: parked, never a number DynamoDB refuses', async (_, literal) => {
    const { handler, parking } = setup();
    const body = webhookBody(good, change.templateQuality(1_700_000_002, 'GREEN')).replace(
      '"message_template_id":1304694804498707',
      `"message_template_id":${literal}`,
    );
    const event = apiGatewayEvent(signed(body));
    expect((await handler(event)).statusCode).toBe(200);
    expect(sentEvents()).toMatchObject([{ templateId: '1304694804498707' }]);
    expect(parking.deliveries.get(event.requestContext.requestId)?.changes).toMatchObject([
      {
        path: 'entry[0].changes[0]',
        reason: 'invalid',
        detail: expect.stringMatching(/message_template_id/),
      },
    ]);
  });

  it('parks a change whose names hold a lone surrogate (DynamoDB cannot encode it)', async () => {
    const { handler, parking } = setup();
    const body = webhookBody(good, change.templateStatus(5, 'APPROVED')).replace(
      '"message_template_name":"cart_reminder","message_template_language":"en","event":"APPROVED"',
      '"message_template_name":"cart_\\ud800","message_template_language":"en","event":"APPROVED"',
    );
    expect(body).toContain('cart_\\ud800');
    const event = apiGatewayEvent(signed(body));
    expect((await handler(event)).statusCode).toBe(200);
    expect(sentEvents()).toHaveLength(1);
    expect(parking.deliveries.get(event.requestContext.requestId)?.changes).toMatchObject([
      { path: 'entry[1].changes[0]', reason: 'unstorable', detail: expect.stringMatching(/lone surrogate/) },
    ]);
  });

  it('answers 500 when a change cannot be parked, so that Meta retries the delivery', async () => {
    const { handler } = setup({ parkingFails: true });
    const body = webhookBody(good, withRejection('x'.repeat(300_000)));
    expect((await handler(apiGatewayEvent(signed(body)))).statusCode).toBe(500);
  });
});

describe('POST /webhook: what is rejected and lands nothing', () => {
  const body = readFixture('message_template_quality_update.green_to_yellow.meta-docs-2026.json');

  it.each([
    ['no signature', { method: 'POST', body }, 401, 'invalid_signature'],
    ['a signature made with another secret', signed(body, 'not-the-secret'), 401, 'invalid_signature'],
    [
      'a malformed signature header',
      { method: 'POST', body, headers: { 'x-hub-signature-256': 'sha1=abc' } },
      401,
      'invalid_signature',
    ],
    ['a tampered body', { ...signed(body), body: body.replace('YELLOW', 'GREEN') }, 401, 'invalid_signature'],
    ['a truncated body', { ...signed(body), body: body.slice(0, 100) }, 401, 'invalid_signature'],
    ['signed non-JSON', signed('definitely not json'), 400, 'invalid_json'],
    ['signed truncated JSON', signed(body.slice(0, 100)), 400, 'invalid_json'],
    ['signed JSON that is not a webhook', signed('{"hello":"world"}'), 400, 'not_a_webhook'],
    ['another product', signed('{"object":"instagram","entry":[]}'), 400, 'unsupported_object'],
  ] as const)('%s → %i', async (_, request, status, error) => {
    const { handler, counters } = setup();
    const response = await handler(apiGatewayEvent(request));
    expect(response.statusCode).toBe(status);
    expect(JSON.parse(response.body)).toMatchObject({ error });
    expect(sqs.commandCalls(SendMessageBatchCommand)).toHaveLength(0);
    expect(counters.totals.get(`DeliveriesRejected{reason=${error}}`)).toBe(1);
  });

  it('never echoes the expected signature', async () => {
    const response = await setup().handler(apiGatewayEvent(signed(body, 'wrong')));
    expect(response.body).not.toContain(metaSignatureOf(body, APP_SECRET).slice(7));
  });

  it('answers 413 for a body far beyond what Meta sends', async () => {
    const response = await setup().handler(apiGatewayEvent(signed(' '.repeat(MAX_BODY_BYTES + 1))));
    expect(response.statusCode).toBe(413);
  });

  it('answers 405 to other methods', async () => {
    expect((await setup().handler(apiGatewayEvent({ method: 'PUT', body }))).statusCode).toBe(405);
  });
});

describe('POST /webhook: secret rotation', () => {
  it('accepts a delivery signed with a rotated secret by refreshing the cached one', async () => {
    const { handler } = setup({ appSecrets: ['old-secret', 'new-secret'] });
    const body = readFixture('message_template_quality_update.green_to_yellow.meta-docs-2026.json');
    expect((await handler(apiGatewayEvent(signed(body, 'old-secret')))).statusCode).toBe(200);
    expect((await handler(apiGatewayEvent(signed(body, 'new-secret')))).statusCode).toBe(200);
  });

  it('refreshes at most once per interval, so forged requests cannot flood Secrets Manager', async () => {
    const { handler } = setup();
    for (let i = 0; i < 5; i += 1) await handler(apiGatewayEvent(signed('{}', 'forged')));
    expect(secretsManager.commandCalls(GetSecretValueCommand)).toHaveLength(2);
  });
});

describe('POST /webhook: when events cannot be enqueued', () => {
  const body = webhookBody(...Array.from({ length: 3 }, (_, i) => change.templateQuality(100 + i, 'RED')));

  it('retries only the entries SQS failed, then answers 200', async () => {
    let calls = 0;
    sqs.on(SendMessageBatchCommand).callsFake((input: { Entries: SendMessageBatchRequestEntry[] }) => {
      calls += 1;
      const [first, ...rest] = input.Entries;
      if (calls === 1 && first) {
        return {
          Successful: rest.map((e) => ({ Id: e.Id, MessageId: 'm', MD5OfMessageBody: 'x' })),
          Failed: [{ Id: first.Id, Code: 'InternalError', SenderFault: false }],
        };
      }
      return {
        Successful: input.Entries.map((e) => ({ Id: e.Id, MessageId: 'm', MD5OfMessageBody: 'x' })),
        Failed: [],
      };
    });
    expect((await setup().handler(apiGatewayEvent(signed(body)))).statusCode).toBe(200);
    const batches = sqs.commandCalls(SendMessageBatchCommand).map((c) => c.args[0].input.Entries?.length);
    expect(batches).toEqual([3, 1]);
  });

  it('answers 500 so that Meta retries when SQS keeps failing', async () => {
    sqs.on(SendMessageBatchCommand).rejects(new Error('service unavailable'));
    const { handler, logger } = setup();
    const response = await handler(apiGatewayEvent(signed(body)));
    expect(response.statusCode).toBe(500);
    expect(logger.lines.at(-1)).toMatchObject({ level: 'error', message: 'webhook request failed' });
  });

  it("does not retry entries SQS rejects as the sender's fault", async () => {
    sqs.on(SendMessageBatchCommand).callsFake((input: { Entries: SendMessageBatchRequestEntry[] }) => ({
      Successful: [],
      Failed: input.Entries.map((e) => ({ Id: e.Id, Code: 'InvalidMessageContents', SenderFault: true })),
    }));
    expect((await setup().handler(apiGatewayEvent(signed(body)))).statusCode).toBe(500);
    expect(sqs.commandCalls(SendMessageBatchCommand)).toHaveLength(1);
  });

  it('answers 500 when the app secret has no value yet', async () => {
    const { handler } = setup({ appSecrets: [''] });
    expect((await handler(apiGatewayEvent(signed(body)))).statusCode).toBe(500);
  });
});

describe('logs', () => {
  it('never contain the body, secrets or signatures', async () => {
    const { handler, logger } = setup();
    const marker = 'customer-said-something-private';
    const bodies = [
      webhookBody(change.templateStatus(5, 'REJECTED', { rejection_info: { reason: marker } })),
      webhookBody({
        field: 'message_template_quality_update',
        value: { new_quality_score: marker },
        time: 1,
      }),
      `not json ${marker}`,
    ];
    for (const b of bodies) {
      await handler(apiGatewayEvent(signed(b)));
      await handler(apiGatewayEvent(signed(b, 'wrong')));
    }
    await handler(
      apiGatewayEvent({
        method: 'GET',
        query: { 'hub.mode': 'subscribe', 'hub.verify_token': 'x', 'hub.challenge': '1' },
      }),
    );
    const text = logger.text();
    expect(logger.lines.length).toBeGreaterThan(0);
    for (const secret of [marker, APP_SECRET, VERIFY_TOKEN, 'sha256=']) expect(text).not.toContain(secret);
  });
});

describe('POST /webhook: Secrets Manager failing during a refresh', () => {
  it('answers 401 to a forged request, not a 5xx', async () => {
    const { handler } = setup();
    await handler(apiGatewayEvent({ method: 'GET', query: {} }));
    secretsManager
      .on(GetSecretValueCommand, { SecretId: 'app-secret' })
      .rejectsOnce(new Error('ThrottlingException'));
    const body = '{"object":"whatsapp_business_account","entry":[]}';
    // The cached secret is read first (GET above cached only the verify token), so prime it, then forge.
    secretsManager
      .on(GetSecretValueCommand, { SecretId: 'app-secret' })
      .resolvesOnce({ SecretString: APP_SECRET })
      .rejects(new Error('ThrottlingException'));
    const response = await handler(apiGatewayEvent(signed(body, 'forged')));
    expect(response.statusCode).toBe(401);
  });
});
