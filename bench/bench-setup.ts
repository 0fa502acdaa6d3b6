import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createIngestHandler } from '../functions/ingest/ingest-request.ts';
import { startDynamoDbLocal } from '../local/dynamodb-local.ts';
import type { StubWaba } from '../local/graph-api-stub.ts';
import { useLocalAws } from '../local/local-aws-env.ts';
import { startMotoServer } from '../local/moto-server.ts';
import { type LocalPipeline, type LocalPipelineOptions, startLocalPipeline } from '../local/pipeline.ts';
import { type LocalResources, provisionLocalResources } from '../local/provision.ts';
import { InMemoryParkedChangeStore } from '../shared/parking/parked-changes.ts';
import { EventQueue } from '../shared/queue/event-queue.ts';
import type { WebhookSecrets } from '../shared/secrets/webhook-secrets.ts';

/** A logger and counters that keep quiet: a benchmark prints its own table. */
export const QUIET = {
  logger: { info() {}, warn() {}, error() {} },
  counters: { count() {}, flush() {} },
};

/** The app secret the bench's ingest handler checks signatures with (sign bodies with it). */
export const BENCH_APP_SECRET = 'bench-app-secret';
/** The traffic key the bench's ingest seals message-tracking facts with. */
export const BENCH_TRAFFIC_KEY = 'bench-traffic-key';

/** SQS answered in-process: what remains is the handler's own work (batching and serializing included). */
const instantSqs = {
  send: async (command: { input: { Entries?: { Id?: string }[] } }) => ({
    Successful: (command.input.Entries ?? []).map((e) => ({
      Id: e.Id,
      MessageId: 'm',
      MD5OfMessageBody: 'x',
    })),
    Failed: [],
  }),
} as unknown as SQSClient;

/**
 * The ingest handler as the Lambda builds it, with SQS and parking in-process and quiet logs: its cost is the
 * handler's own. With `tracking`, message traffic is queued too (message tracking on).
 */
export function benchIngestHandler(options: { readonly tracking?: boolean } = {}) {
  const queue = new EventQueue(instantSqs, 'bench');
  return createIngestHandler({
    secrets: {
      appSecret: async () => BENCH_APP_SECRET,
      verifyToken: async () => 'token',
      refreshAppSecret: async () => undefined,
    } satisfies Pick<WebhookSecrets, 'appSecret' | 'verifyToken' | 'refreshAppSecret'>,
    queue,
    parking: new InMemoryParkedChangeStore(),
    ...QUIET,
    tracking: options.tracking ? { queue, trafficKey: { value: async () => BENCH_TRAFFIC_KEY } } : undefined,
  });
}

export interface BenchEmulators {
  readonly resources: LocalResources;
  /** A document client as the stores use it, whose DynamoDB requests are counted. */
  readonly doc: DynamoDBDocumentClient;
  /** DynamoDB requests sent through `doc` so far. */
  dynamoRequests(): number;
}

/**
 * moto and DynamoDB Local side by side, every SDK client of this process pointed at them and the stack's
 * resources provisioned (named by `prefix`); both stopped once `run` settles.
 */
export async function withEmulators<T>(
  prefix: string,
  run: (emulators: BenchEmulators) => Promise<T>,
): Promise<T> {
  // Started together; if one fails, the other is stopped before the failure is reported.
  const started = await Promise.allSettled([startMotoServer(), startDynamoDbLocal()]);
  const [motoStart, dynamoDbStart] = started;
  if (motoStart.status === 'rejected' || dynamoDbStart.status === 'rejected') {
    await Promise.all(started.map((s) => (s.status === 'fulfilled' ? s.value.stop() : undefined)));
    throw motoStart.status === 'rejected'
      ? motoStart.reason
      : (dynamoDbStart as PromiseRejectedResult).reason;
  }
  const moto = motoStart.value;
  const dynamoDb = dynamoDbStart.value;
  try {
    useLocalAws(moto.endpoint, dynamoDb.endpoint);
    const resources = await provisionLocalResources({ prefix, appSecret: 'a', verifyToken: 'v' });
    const dynamo = new DynamoDBClient({});
    let requests = 0;
    dynamo.middlewareStack.add(
      (next) => async (args) => {
        requests += 1;
        return next(args);
      },
      { step: 'initialize', name: 'countRequests' },
    );
    const doc = DynamoDBDocumentClient.from(dynamo, { marshallOptions: { removeUndefinedValues: true } });
    return await run({ resources, doc, dynamoRequests: () => requests });
  } finally {
    await Promise.all([moto.stop(), dynamoDb.stop()]);
  }
}

/** The local pipeline as `npm start` runs it (in memory, on free ports), stopped once `run` settles. */
export async function withLocalPipeline<T>(
  options: Partial<LocalPipelineOptions> & Pick<LocalPipelineOptions, 'appSecret'>,
  run: (pipeline: LocalPipeline) => Promise<T>,
): Promise<T> {
  const pipeline = await startLocalPipeline({ port: 0, verifyToken: 'v', ...options });
  try {
    return await run(pipeline);
  } finally {
    await pipeline.stop();
  }
}

/** A WABA for the Graph API stand-in: `numbers` connected GREEN phone numbers and `templates` approved GREEN ones. */
export function syntheticWaba(numbers: number, templates: number): StubWaba {
  return {
    phoneNumbers: Array.from({ length: numbers }, (_, i) => ({
      id: String(1e14 + i),
      display_phone_number: String(15550000000 + i),
      quality_rating: 'GREEN',
      status: 'CONNECTED',
    })),
    templates: Array.from({ length: templates }, (_, i) => ({
      id: String(2e14 + i),
      name: `t${i}`,
      language: 'en',
      status: 'APPROVED',
      category: 'UTILITY',
      quality_score: { score: 'GREEN' },
    })),
  };
}
