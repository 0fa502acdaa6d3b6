import { SecretsProvider } from '@aws-lambda-powertools/parameters/secrets';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SQSClient } from '@aws-sdk/client-sqs';
import type { Context } from 'aws-lambda';
import { requiredEnv } from '../../shared/config/env.ts';
import { GraphClient } from '../../shared/graph/graph-client.ts';
import { logger } from '../../shared/powertools/logger.ts';
import { powertoolsCounters } from '../../shared/powertools/metrics.ts';
import { EventQueue } from '../../shared/queue/event-queue.ts';
import { runPoll } from './poll-run.ts';
import { pollerSettingsFromEnv } from './poller-settings.ts';

const settings = pollerSettingsFromEnv(process.env);
const secrets = new SecretsProvider({ awsSdkV3Client: new SecretsManagerClient({}) });
const tokenSecret = requiredEnv('GRAPH_TOKEN_SECRET_NAME');
const queue = new EventQueue(new SQSClient({}), requiredEnv('EVENT_QUEUE_URL'));
const counters = powertoolsCounters();

async function token(): Promise<string> {
  const value = await secrets.get(tokenSecret, { maxAge: 300 });
  if (typeof value !== 'string' || value === '') {
    throw new Error(`secret ${tokenSecret} has no value: put the Graph API token in it (see README)`);
  }
  return value;
}

export const handler = async (_event: unknown, context?: Context) => {
  if (context) logger.addContext(context);
  try {
    const results = await runPoll({
      ...settings,
      graphFor: () => new GraphClient({ baseUrl: settings.baseUrl, version: settings.version, token }),
      queue,
      logger,
      counters,
    });
    return { wabas: results.map(({ wabaId, status, calls }) => ({ wabaId, status, calls })) };
  } finally {
    counters.flush();
  }
};
