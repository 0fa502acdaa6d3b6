import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import { requiredEnv } from '../../shared/config/env.ts';
import { logger } from '../../shared/powertools/logger.ts';
import { MetricsReader } from '../../shared/store/metrics-reader.ts';
import { ReadModel } from '../../shared/store/read-model.ts';
import { DynamoDbTemplateInsightsStore } from '../../shared/store/template-insights-store.ts';
import { createReadApi } from './read-api.ts';

const doc = DynamoDBDocumentClient.from(new DynamoDBClient({}));
const tableName = requiredEnv('TABLE_NAME');
const api = createReadApi(new ReadModel(doc, tableName), logger, {
  metrics: new MetricsReader(doc, tableName),
  templateInsights: new DynamoDbTemplateInsightsStore(doc, tableName),
});

export const handler = async (event: APIGatewayProxyEventV2, context?: Context) => {
  if (context) logger.addContext(context);
  logger.setCorrelationId(event.requestContext.requestId);
  return api(event);
};
