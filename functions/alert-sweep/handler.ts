import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SNSClient } from '@aws-sdk/client-sns';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Context } from 'aws-lambda';
import { alertPolicyFromEnv } from '../../shared/config/alert-policy-env.ts';
import { optionalEnv, optionalEpochMs, requiredEnv } from '../../shared/config/env.ts';
import { AlertPublisher } from '../../shared/notify/sns-alert-publisher.ts';
import { logger } from '../../shared/powertools/logger.ts';
import { powertoolsCounters } from '../../shared/powertools/metrics.ts';
import { DynamoDbAlertOutbox } from '../../shared/store/dynamodb-alert-outbox.ts';
import { StateCache } from '../../shared/store/state-cache.ts';
import { StateStore } from '../../shared/store/state-store.ts';
import { EventProcessor } from '../processor/event-processor.ts';
import { summarizeSettledFlaps } from './flap-summaries.ts';
import { flushHeldAlerts } from './held-alerts-flush.ts';
import { remindOpenIncidents } from './incident-reminders.ts';
import { sweepOwedAlerts } from './owed-alerts-sweep.ts';

const doc = DynamoDBDocumentClient.from(new DynamoDBClient({}), {
  marshallOptions: { removeUndefinedValues: true },
});
const counters = powertoolsCounters();
const store = new StateStore(doc, requiredEnv('TABLE_NAME'));
const outbox = new DynamoDbAlertOutbox(doc, requiredEnv('TABLE_NAME'));
const alertClaimTimeoutMs = Number(optionalEnv('ALERT_CLAIM_TIMEOUT_SECONDS') ?? '60') * 1000;
const publisher = new AlertPublisher(new SNSClient({}), requiredEnv('ALERT_TOPIC_ARN'));
const alertPolicy = alertPolicyFromEnv();
const processor = new EventProcessor({
  store,
  outbox,
  publisher,
  cache: new StateCache(),
  logger,
  counters,
  alertClaimTimeoutMs,
  claimsStaleBefore: optionalEpochMs(optionalEnv('ALERT_CLAIMS_STALE_BEFORE')),
});
// Twice the claim: a processor that is still publishing holds a fresh claim anyway; this spares it the read.
const minAgeMs =
  Number(optionalEnv('OWED_ALERTS_MIN_AGE_SECONDS') ?? String((2 * alertClaimTimeoutMs) / 1000)) * 1000;

/**
 * Runs on a schedule (every minute on AWS, on a timer locally): what messages that gave up still owe, then the
 * alerts held for digests whose window ended, reminders of CRITICAL incidents still open, and the summaries of
 * flapping concerns that settled.
 */
export const handler = async (_event?: unknown, context?: Context) => {
  if (context) logger.addContext(context);
  try {
    const owed = await sweepOwedAlerts({ outbox, processor, logger, counters, minAgeMs });
    const held = await flushHeldAlerts({
      store,
      outbox,
      processor,
      publisher,
      logger,
      counters,
      digestThreshold: alertPolicy.digestThreshold,
      digestWindowMs: alertPolicy.digestWindowMs,
      claimTimeoutMs: alertClaimTimeoutMs,
    });
    const reminders = await remindOpenIncidents({
      store,
      publisher,
      logger,
      counters,
      reminderMs: alertPolicy.reminderMs,
      claimTimeoutMs: alertClaimTimeoutMs,
    });
    const flapSummaries = await summarizeSettledFlaps({
      store,
      publisher,
      logger,
      counters,
      flapAlternations: alertPolicy.flapAlternations,
      flapWindowMs: alertPolicy.flapWindowMs,
      claimTimeoutMs: alertClaimTimeoutMs,
    });
    return { ...owed, held, reminders, flapSummaries };
  } finally {
    counters.flush();
  }
};
