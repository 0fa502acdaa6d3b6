import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { SecretsProvider } from '@aws-lambda-powertools/parameters/secrets';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SNSClient } from '@aws-sdk/client-sns';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Context, SQSEvent, SQSRecord } from 'aws-lambda';
import { alertPolicyFromEnv } from '../../shared/config/alert-policy-env.ts';
import { optionalEnv, optionalEpochMs, requiredEnv } from '../../shared/config/env.ts';
import { AlertPublisher } from '../../shared/notify/sns-alert-publisher.ts';
import { logger } from '../../shared/powertools/logger.ts';
import { powertoolsCounters } from '../../shared/powertools/metrics.ts';
import { CachedSecret } from '../../shared/secrets/cached-secret.ts';
import { DynamoDbAlertOutbox } from '../../shared/store/dynamodb-alert-outbox.ts';
import { MetricsReader } from '../../shared/store/metrics-reader.ts';
import { StateCache } from '../../shared/store/state-cache.ts';
import { StateStore } from '../../shared/store/state-store.ts';
import { DynamoDbTemplateInsightsStore } from '../../shared/store/template-insights-store.ts';
import { DynamoDbTrafficStore } from '../../shared/store/traffic-store.ts';
import { FIRST_RESPONSE } from '../../shared/traffic/early-warnings.ts';
import { EventProcessor } from './event-processor.ts';
import { InvalidQueueMessageError } from './invalid-queue-message.ts';
import { readQueueMessage } from './queue-message.ts';
import { applyTemplateInsights, readRateEventsOf } from './template-insights-processor.ts';
import type { QueuedTrafficBatch } from './traffic-message.ts';
import { openTrafficBatch, TrafficKeyring } from './traffic-opening.ts';
import { TrafficProcessor } from './traffic-processor.ts';
import { trafficWarningEventsOf } from './traffic-warnings.ts';

const doc = DynamoDBDocumentClient.from(new DynamoDBClient({}), {
  marshallOptions: { removeUndefinedValues: true },
});
const counters = powertoolsCounters();
const historyTtlDays = Number(optionalEnv('HISTORY_TTL_DAYS') ?? '0');
// Above the 30 s Lambda timeout, below the queue's 180 s visibility timeout (README, "The processor Lambda").
const alertClaimTimeoutMs = Number(optionalEnv('ALERT_CLAIM_TIMEOUT_SECONDS') ?? '60') * 1000;
const processor = new EventProcessor({
  store: new StateStore(doc, requiredEnv('TABLE_NAME')),
  outbox: new DynamoDbAlertOutbox(doc, requiredEnv('TABLE_NAME')),
  publisher: new AlertPublisher(new SNSClient({}), requiredEnv('ALERT_TOPIC_ARN')),
  cache: new StateCache(),
  logger,
  counters,
  historyTtlDays: historyTtlDays > 0 ? historyTtlDays : undefined,
  alertClaimTimeoutMs,
  claimsStaleBefore: optionalEpochMs(optionalEnv('ALERT_CLAIMS_STALE_BEFORE')),
  alertPolicy: alertPolicyFromEnv(),
});
const trafficProcessor = new TrafficProcessor({
  store: new DynamoDbTrafficStore(doc, requiredEnv('TABLE_NAME')),
  logger,
  counters,
});
// Message tracking on: the traffic key opens the facts the ingest sealed and keys the hashes of their ids.
const trafficKeyName = optionalEnv('TRAFFIC_KEY_SECRET_NAME');
const trafficKeyring =
  trafficKeyName === undefined
    ? undefined
    : new TrafficKeyring(
        new CachedSecret(
          new SecretsProvider({ awsSdkV3Client: new SecretsManagerClient({}) }),
          trafficKeyName,
        ),
      );
const metricsReader = new MetricsReader(doc, requiredEnv('TABLE_NAME'));
const trafficWarnings = {
  firstResponseTargetSeconds:
    Number(optionalEnv('FIRST_RESPONSE_TARGET_SECONDS')) > 0
      ? Number(optionalEnv('FIRST_RESPONSE_TARGET_SECONDS'))
      : FIRST_RESPONSE.defaultTargetSeconds,
};
const insightsStore = new DynamoDbTemplateInsightsStore(doc, requiredEnv('TABLE_NAME'));
const batch = new BatchProcessor(EventType.SQS);

/** One SQS record: its events applied in order; a throw marks just this record failed (retried, then DLQ). */
export async function processRecord(record: SQSRecord): Promise<void> {
  const receivedAt = Number(record.attributes.SentTimestamp) || Date.now();
  try {
    const work = readQueueMessage(record.body, receivedAt);
    if (work.kind === 'traffic') return await applyTraffic(work.batch, record);
    if (work.kind === 'template-insights') {
      await applyTemplateInsights(work.insights, { store: insightsStore, logger, counters });
      // The early warning on read rates: a verdict per template, applied and alerted like any event.
      for (const event of await readRateEventsOf(work.insights, insightsStore))
        await processor.process(event);
      return;
    }
    for (const event of work.events) await processor.process(event);
  } catch (error) {
    // A message we cannot read is counted by what was wrong with it, so a deploy that writes a shape the
    // processor refuses shows on the dashboard before the DLQ fills.
    if (error instanceof InvalidQueueMessageError) {
      counters.count('QueueMessagesRefused', 1, { name: 'problem', value: error.problem });
    }
    // The message id and the reason, never the body.
    logger.error('queue message failed', {
      messageId: record.messageId,
      receiveCount: record.attributes.ApproximateReceiveCount,
      error: error instanceof Error ? { name: error.name, message: error.message } : String(error),
    });
    throw error;
  }
}

/** Traffic batches (message tracking on): the counters, then the early warnings on the counters they changed. */
async function applyTraffic(queued: QueuedTrafficBatch, record: SQSRecord): Promise<void> {
  const { batch, unreadable } = await openTrafficBatch(queued, trafficKeyring);
  if (unreadable > 0) {
    logger.warn('traffic facts not readable', { messageId: record.messageId, unreadable });
    counters.count('TrafficFactsUnreadable', unreadable);
  }
  const { changedCounters } = await trafficProcessor.process(batch);
  // The early warnings are verdicts applied and alerted like any event. A throw here retries the batch, which
  // then changes no counter and judges nothing again: judging is best effort, the counters are not.
  try {
    const events = await trafficWarningEventsOf(changedCounters, metricsReader, trafficWarnings, Date.now());
    for (const event of events) await processor.process(event);
  } catch (error) {
    logger.warn('traffic early warnings not judged', {
      messageId: record.messageId,
      error: error instanceof Error ? { name: error.name, message: error.message } : String(error),
    });
    counters.count('TrafficWarningsFailed', 1);
  }
}

export const handler = async (event: SQSEvent, context?: Context) => {
  if (context) logger.addContext(context);
  try {
    // In order, not in parallel: events of one entity in one batch then apply one after the other.
    return await processPartialResponse(event, processRecord, batch, {
      processInParallel: false,
      // Report every failed record, even when all failed, rather than failing the invocation.
      throwOnFullBatchFailure: false,
    });
  } finally {
    counters.flush();
  }
};
