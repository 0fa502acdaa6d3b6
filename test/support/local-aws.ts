import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { CreateSecretCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { CreateQueueCommand, ReceiveMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { inject } from 'vitest';
import { useLocalAws } from '../../local/local-aws-env.ts';
import {
  type LocalResources,
  type ProvisionOptions,
  provisionLocalResources,
} from '../../local/provision.ts';

/**
 * Points every AWS SDK client of this test file at the integration run's emulators (moto and DynamoDB Local,
 * started by local-aws-global-setup.ts) and returns a document client as the stores use it.
 */
export function connectLocalAws(): DynamoDBDocumentClient {
  useLocalAws(inject('motoEndpoint'), inject('dynamoDbEndpoint'));
  return DynamoDBDocumentClient.from(new DynamoDBClient({}), {
    marshallOptions: { removeUndefinedValues: true },
  });
}

let provisioned = 0;

/** A table, topic and queues of their own, as the stack creates them, named apart from every other test's. */
export async function freshResources(
  name: string,
  queue: Pick<ProvisionOptions, 'visibilityTimeoutSeconds' | 'maxReceiveCount'> = {},
): Promise<LocalResources & { readonly prefix: string }> {
  provisioned += 1;
  const prefix = `${name}-${Date.now()}-${provisioned}`;
  return {
    ...(await provisionLocalResources({ prefix, appSecret: 'a', verifyToken: 'v', ...queue })),
    prefix,
  };
}

export async function createQueue(sqs: SQSClient, name: string): Promise<string> {
  const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: name }));
  if (!QueueUrl) throw new Error(`queue ${name} was not created`);
  return QueueUrl;
}

export async function createSecret(client: SecretsManagerClient, name: string, value: string): Promise<void> {
  await client.send(new CreateSecretCommand({ Name: name, SecretString: value }));
}

/** An SNS notification as a queue subscribed to the topic receives it (raw message delivery off). */
export interface SnsEnvelope {
  readonly Message: string;
  readonly MessageAttributes?: Record<string, { readonly Value: string }>;
}

/** Every message currently on a queue (reads until an empty receive), bodies parsed as JSON. */
export async function drainQueue<T = unknown>(sqs: SQSClient, queueUrl: string): Promise<T[]> {
  const bodies: T[] = [];
  for (;;) {
    const { Messages = [] } = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: queueUrl,
        MaxNumberOfMessages: 10,
        WaitTimeSeconds: 0,
        VisibilityTimeout: 60,
      }),
    );
    if (Messages.length === 0) return bodies;
    for (const message of Messages) bodies.push(JSON.parse(message.Body ?? 'null') as T);
  }
}
