import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { startDynamoDbLocal } from '../local/dynamodb-local.ts';
import type { StubWaba } from '../local/graph-api-stub.ts';
import { useLocalAws } from '../local/local-aws-env.ts';
import { startMotoServer } from '../local/moto-server.ts';
import { type LocalPipeline, type LocalPipelineOptions, startLocalPipeline } from '../local/pipeline.ts';
import { type LocalResources, provisionLocalResources } from '../local/provision.ts';

/** A logger and counters that keep quiet: a benchmark prints its own table. */
export const QUIET = {
  logger: { info() {}, warn() {}, error() {} },
  counters: { count() {}, flush() {} },
};

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
  const [moto, dynamoDb] = await Promise.all([startMotoServer(), startDynamoDbLocal()]);
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
