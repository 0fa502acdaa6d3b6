import { randomBytes } from 'node:crypto';
import {
  CreateTableCommand,
  DescribeTimeToLiveCommand,
  DynamoDBClient,
  ResourceInUseException,
  UpdateTimeToLiveCommand,
  waitUntilTableExists,
} from '@aws-sdk/client-dynamodb';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import {
  CreateSecretCommand,
  PutSecretValueCommand,
  ResourceExistsException,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { CreateTopicCommand, SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import { CreateQueueCommand, GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { TABLE_SCHEMA } from '../shared/store/table-schema.ts';

/** What the CDK stack creates, as the local runtime and the tests create it on the emulator. */
export interface LocalResources {
  readonly tableName: string;
  readonly eventQueueUrl: string;
  readonly eventQueueArn: string;
  readonly deadLetterQueueUrl: string;
  readonly alertTopicArn: string;
  readonly appSecretName: string;
  readonly verifyTokenSecretName: string;
  readonly graphTokenSecretName: string;
  /** The message-tracking key (README, "Traffic signals"). */
  readonly trafficKeySecretName: string;
  /** Where the ingest parks changes it cannot queue as they are (README, "Parked changes"). */
  readonly parkedChangesBucket: string;
}

export interface ProvisionOptions {
  /** Prefix of every name, so that several runs can share one emulator. */
  readonly prefix: string;
  readonly appSecret: string;
  readonly verifyToken: string;
  /** The Graph API token the poller sends; a placeholder when no Graph API is configured. */
  readonly graphToken?: string;
  /** The message-tracking key; a fresh random one unless given. */
  readonly trafficKey?: string;
  /** Seconds a received message stays invisible (Lambda: ≥ 6× the processor timeout). */
  readonly visibilityTimeoutSeconds?: number;
  /** Receives before a message moves to the DLQ. */
  readonly maxReceiveCount?: number;
}

/**
 * Creates what is missing and keeps what exists, so a restart on a kept database (`npm start` on `.data/`)
 * finds its table, history and alerts again.
 */
export async function provisionLocalResources(options: ProvisionOptions): Promise<LocalResources> {
  const { prefix } = options;
  const sqs = new SQSClient({});
  const dynamo = new DynamoDBClient({});
  const sns = new SNSClient({});
  const secrets = new SecretsManagerClient({});

  const tableName = `${prefix}-quality`;
  await createTableUnlessExists(
    dynamo,
    new CreateTableCommand({
      TableName: tableName,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [
        { AttributeName: TABLE_SCHEMA.partitionKey, AttributeType: 'S' },
        { AttributeName: TABLE_SCHEMA.sortKey, AttributeType: 'S' },
        { AttributeName: TABLE_SCHEMA.gsi1.partitionKey, AttributeType: 'S' },
        { AttributeName: TABLE_SCHEMA.gsi1.sortKey, AttributeType: 'S' },
      ],
      KeySchema: [
        { AttributeName: TABLE_SCHEMA.partitionKey, KeyType: 'HASH' },
        { AttributeName: TABLE_SCHEMA.sortKey, KeyType: 'RANGE' },
      ],
      GlobalSecondaryIndexes: [
        {
          IndexName: TABLE_SCHEMA.gsi1.name,
          KeySchema: [
            { AttributeName: TABLE_SCHEMA.gsi1.partitionKey, KeyType: 'HASH' },
            { AttributeName: TABLE_SCHEMA.gsi1.sortKey, KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: 'ALL' },
        },
      ],
    }),
  );
  await waitUntilTableExists({ client: dynamo, maxWaitTime: 30 }, { TableName: tableName });
  const ttl = await dynamo.send(new DescribeTimeToLiveCommand({ TableName: tableName }));
  if (ttl.TimeToLiveDescription?.TimeToLiveStatus !== 'ENABLED') {
    await dynamo.send(
      new UpdateTimeToLiveCommand({
        TableName: tableName,
        TimeToLiveSpecification: { AttributeName: TABLE_SCHEMA.ttlAttribute, Enabled: true },
      }),
    );
  }

  const dlq = await sqs.send(new CreateQueueCommand({ QueueName: `${prefix}-events-dlq` }));
  const dlqArn = await queueArn(sqs, dlq.QueueUrl);
  const events = await sqs.send(
    new CreateQueueCommand({
      QueueName: `${prefix}-events`,
      Attributes: {
        VisibilityTimeout: String(options.visibilityTimeoutSeconds ?? 30),
        RedrivePolicy: JSON.stringify({
          deadLetterTargetArn: dlqArn,
          maxReceiveCount: options.maxReceiveCount ?? 5,
        }),
      },
    }),
  );
  const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: `${prefix}-alerts` }));
  const appSecretName = `${prefix}/meta-app-secret`;
  const verifyTokenSecretName = `${prefix}/meta-verify-token`;
  await putSecret(secrets, appSecretName, options.appSecret);
  await putSecret(secrets, verifyTokenSecretName, options.verifyToken);
  const graphTokenSecretName = `${prefix}/graph-api-token`;
  await putSecret(secrets, graphTokenSecretName, options.graphToken ?? 'local-graph-token');
  const trafficKeySecretName = `${prefix}/traffic-key`;
  await putSecret(secrets, trafficKeySecretName, options.trafficKey ?? randomBytes(32).toString('base64url'));
  const parkedChangesBucket = `${prefix.toLowerCase().replace(/[^a-z0-9-]/g, '-')}-parked-changes`;
  await new S3Client({}).send(new CreateBucketCommand({ Bucket: parkedChangesBucket }));
  if (!events.QueueUrl || !dlq.QueueUrl || !TopicArn)
    throw new Error('the emulator did not create every resource');
  return {
    tableName,
    eventQueueUrl: events.QueueUrl,
    eventQueueArn: await queueArn(sqs, events.QueueUrl),
    deadLetterQueueUrl: dlq.QueueUrl,
    alertTopicArn: TopicArn,
    appSecretName,
    verifyTokenSecretName,
    graphTokenSecretName,
    trafficKeySecretName,
    parkedChangesBucket,
  };
}

/**
 * A queue subscribed to the alert topic: how the tests and `npm start` see what was published. It lives in the
 * emulator that serves SNS (pass its client when SQS is served elsewhere).
 */
export async function subscribeInbox(
  topicArn: string,
  name: string,
  sqs: SQSClient = new SQSClient({}),
): Promise<string> {
  const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: name }));
  if (!QueueUrl) throw new Error(`queue ${name} was not created`);
  await new SNSClient({}).send(
    new SubscribeCommand({ TopicArn: topicArn, Protocol: 'sqs', Endpoint: await queueArn(sqs, QueueUrl) }),
  );
  return QueueUrl;
}

async function createTableUnlessExists(dynamo: DynamoDBClient, create: CreateTableCommand): Promise<void> {
  try {
    await dynamo.send(create);
  } catch (error) {
    // Kept from the last run (the schema is the stack's, so the kept table has it).
    if (!(error instanceof ResourceInUseException)) throw error;
  }
}

/** The secret holds `value` afterwards, whether it existed or not (the settings may have changed). */
async function putSecret(secrets: SecretsManagerClient, name: string, value: string): Promise<void> {
  try {
    await secrets.send(new CreateSecretCommand({ Name: name, SecretString: value }));
  } catch (error) {
    if (!(error instanceof ResourceExistsException)) throw error;
    await secrets.send(new PutSecretValueCommand({ SecretId: name, SecretString: value }));
  }
}

async function queueArn(sqs: SQSClient, queueUrl: string | undefined): Promise<string> {
  const { Attributes } = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['QueueArn'] }),
  );
  const arn = Attributes?.QueueArn;
  if (!arn) throw new Error(`queue ${queueUrl} has no ARN`);
  return arn;
}
