import { SecretsProvider } from '@aws-lambda-powertools/parameters/secrets';
import { S3Client } from '@aws-sdk/client-s3';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SQSClient } from '@aws-sdk/client-sqs';
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import { optionalEnv, requiredEnv } from '../../shared/config/env.ts';
import { S3ParkedChangeStore } from '../../shared/parking/parked-changes.ts';
import { logger } from '../../shared/powertools/logger.ts';
import { powertoolsCounters } from '../../shared/powertools/metrics.ts';
import { EventQueue } from '../../shared/queue/event-queue.ts';
import { CachedSecret } from '../../shared/secrets/cached-secret.ts';
import { WebhookSecrets } from '../../shared/secrets/webhook-secrets.ts';
import { createIngestHandler } from './ingest-request.ts';

const sqs = new SQSClient({});
const secretsProvider = new SecretsProvider({ awsSdkV3Client: new SecretsManagerClient({}) });
const secrets = new WebhookSecrets(secretsProvider, {
  appSecret: requiredEnv('APP_SECRET_NAME'),
  verifyToken: requiredEnv('VERIFY_TOKEN_SECRET_NAME'),
});
const queue = new EventQueue(sqs, requiredEnv('EVENT_QUEUE_URL'));
const ingest = createIngestHandler({
  secrets,
  queue,
  parking: new S3ParkedChangeStore(new S3Client({}), requiredEnv('PARKED_CHANGES_BUCKET')),
  logger,
  counters: powertoolsCounters(),
  // Message tracking (README, "Traffic signals"): opt-in, it costs DynamoDB writes per message.
  tracking:
    optionalEnv('TRACK_MESSAGES') === 'true'
      ? { queue, trafficKey: new CachedSecret(secretsProvider, requiredEnv('TRAFFIC_KEY_SECRET_NAME')) }
      : undefined,
});

export const handler = async (event: APIGatewayProxyEventV2, context?: Context) => {
  if (context) logger.addContext(context);
  logger.setCorrelationId(event.requestContext.requestId);
  return ingest(event);
};
