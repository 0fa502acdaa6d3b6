import type { TestProject } from 'vitest/node';
import { startDynamoDbLocal } from '../../local/dynamodb-local.ts';
import { startMotoServer } from '../../local/moto-server.ts';
import { assertLocalPrerequisites } from '../../local/prerequisites.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    motoEndpoint: string;
    dynamoDbEndpoint: string;
  }
}

/**
 * One moto server (SQS, SNS, Secrets Manager) and one in-memory DynamoDB Local for the integration run, started
 * side by side; each test file namespaces what it creates.
 */
export default async function setup(project: TestProject) {
  assertLocalPrerequisites();
  const [moto, dynamoDb] = await Promise.all([startMotoServer(), startDynamoDbLocal()]);
  project.provide('motoEndpoint', moto.endpoint);
  project.provide('dynamoDbEndpoint', dynamoDb.endpoint);
  return async () => {
    await Promise.all([moto.stop(), dynamoDb.stop()]);
  };
}
