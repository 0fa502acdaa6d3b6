import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Context, SQSEvent, SQSRecord } from 'aws-lambda';
import { functionEnv, requiredEnv } from '../../shared/config/env.ts';
import { GraphClient } from '../../shared/graph/graph-client.ts';
import { logger } from '../../shared/powertools/logger.ts';
import { powertoolsCounters } from '../../shared/powertools/metrics.ts';
import { EventQueue } from '../../shared/queue/event-queue.ts';
import { DynamoDbWabaRegistry } from './dynamodb-waba-registry.ts';
import { graphToken } from './graph-token.ts';
import { pollJobSchema, runPollJob } from './poll-job.ts';
import { pollerSettingsFromEnv } from './poller-settings.ts';

/* A poll worker: the poll-jobs queue's consumer, one WABA per message, at most POLL_CONCURRENCY instances. */

const settings = pollerSettingsFromEnv(functionEnv());
const registry = new DynamoDbWabaRegistry(
  DynamoDBDocumentClient.from(new DynamoDBClient({}), { marshallOptions: { removeUndefinedValues: true } }),
  requiredEnv('WABA_REGISTRY_TABLE'),
);
const queue = new EventQueue(new SQSClient({}), requiredEnv('EVENT_QUEUE_URL'));
const counters = powertoolsCounters();
const batch = new BatchProcessor(EventType.SQS);

/** Polls in a worker never wait long on a throttle: the WABA is deferred and the slot goes to the next one. */
const MAX_THROTTLE_WAIT_MS = 2_000;

/** One job; a throw marks just this record failed (retried after the visibility timeout, then the DLQ). */
export async function pollRecord(record: SQSRecord): Promise<void> {
  const job = pollJobSchema.safeParse(safeJson(record.body));
  if (!job.success) {
    logger.error('poll job unreadable', { messageId: record.messageId });
    throw new Error(`poll job ${record.messageId} is not {wabaId, plannedAt}`);
  }
  const result = await runPollJob(job.data, {
    graphFor: () =>
      new GraphClient({
        baseUrl: settings.baseUrl,
        version: settings.version,
        token: graphToken,
        maxThrottleWaitMs: MAX_THROTTLE_WAIT_MS,
      }),
    queue,
    insightsQueue: queue,
    registry,
    logger,
    counters,
    version: settings.version,
    hourlyCallBudget: settings.hourlyCallBudget,
  });
  if (result.status === 'failed') {
    throw new Error(`WABA ${job.data.wabaId} could not be polled (transient errors): retried, then the DLQ`);
  }
}

export const handler = async (event: SQSEvent, context?: Context) => {
  if (context) logger.addContext(context);
  try {
    // The jobs of a batch are different WABAs: polled side by side, so one slow WABA does not hold up the rest.
    return await processPartialResponse(event, pollRecord, batch, {
      processInParallel: true,
      throwOnFullBatchFailure: false,
    });
  } finally {
    counters.flush();
  }
};

function safeJson(body: string): unknown {
  try {
    return JSON.parse(body);
  } catch {
    return undefined;
  }
}
