import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Context } from 'aws-lambda';
import { functionEnv, requiredEnv } from '../../shared/config/env.ts';
import { GraphClient } from '../../shared/graph/graph-client.ts';
import { discoverWabas } from '../../shared/graph/waba-discovery.ts';
import { logger } from '../../shared/powertools/logger.ts';
import { powertoolsCounters } from '../../shared/powertools/metrics.ts';
import { DynamoDbWabaRegistry } from './dynamodb-waba-registry.ts';
import { graphToken } from './graph-token.ts';
import { planPollRun } from './plan-run.ts';
import { PollJobQueue } from './poll-job-queue.ts';
import { pollerSettingsFromEnv } from './poller-settings.ts';

/* The scheduled planner: finds the WABAs, puts one poll job per WABA on the poll-jobs queue. */

const settings = pollerSettingsFromEnv(functionEnv());
const registry = new DynamoDbWabaRegistry(
  DynamoDBDocumentClient.from(new DynamoDBClient({}), { marshallOptions: { removeUndefinedValues: true } }),
  requiredEnv('WABA_REGISTRY_TABLE'),
);
const jobs = new PollJobQueue(new SQSClient({}), requiredEnv('POLL_JOB_QUEUE_URL'));
const counters = powertoolsCounters();

export const handler = async (_event: unknown, context?: Context) => {
  if (context) logger.addContext(context);
  try {
    const graph = new GraphClient({
      baseUrl: settings.baseUrl,
      version: settings.version,
      token: graphToken,
    });
    const plan = await planPollRun({
      ...settings,
      discover: () =>
        discoverWabas(graph, { tokenScopes: true, businessIds: settings.businessIds }, graphToken),
      registry,
      jobs,
      logger,
      counters,
    });
    counters.count('GraphApiCalls', graph.callCount);
    return {
      queued: plan.queued.length,
      deferred: plan.deferred.length,
      appeared: plan.appeared.length,
      disappeared: plan.disappeared.length,
      notPolledRecently: plan.notPolledRecently.length,
    };
  } finally {
    counters.flush();
  }
};
