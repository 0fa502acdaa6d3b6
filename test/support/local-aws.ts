import { CreateSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { CreateQueueCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';

export { useLocalAws } from '../../local/local-aws-env.ts';

export async function createQueue(sqs: SQSClient, name: string): Promise<string> {
  const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: name }));
  if (!QueueUrl) throw new Error(`queue ${name} was not created`);
  return QueueUrl;
}

export async function createSecret(client: SecretsManagerClient, name: string, value: string): Promise<void> {
  await client.send(new CreateSecretCommand({ Name: name, SecretString: value }));
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

export { SecretsManagerClient, SQSClient };
