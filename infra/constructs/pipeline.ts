import { CfnOutput, Duration, RemovalPolicy } from 'aws-cdk-lib';
import { AttributeType, Billing, TableEncryptionV2, TableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { Rule, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import { BlockPublicAccess, Bucket, BucketEncryption } from 'aws-cdk-lib/aws-s3';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { type AlertPolicyConfig, alertPolicyEnvOf } from '../../shared/config/alert-policy-env.ts';
import { SERVICE_NAMES } from '../../shared/contracts/service-names.ts';
import { TABLE_SCHEMA } from '../../shared/store/table-schema.ts';
import { MonitorFunction } from './monitor-function.ts';

export interface PipelineProps {
  readonly alertTopic: ITopic;
  readonly historyRetentionDays: number;
  readonly retainData: boolean;
  readonly logLevel: string;
  readonly logRetentionDays: number;
  /** Digests, flap control, reminders: the same variables for the processor and the sweep. */
  readonly alertPolicy: AlertPolicyConfig;
  /** The target of the first-response early warning (message tracking). */
  readonly firstResponseTargetSeconds?: number;
  /**
   * Message tracking on: the traffic key, from which the processor derives the keys that open the facts the ingest
   * sealed and that hash their ids. Without tracking the processor reads no secret.
   */
  readonly trafficKey?: ISecret;
}

/** Processor timeout; the queue's visibility timeout is six times it, as AWS recommends for SQS event sources. */
export const PROCESSOR_TIMEOUT = Duration.seconds(30);

/**
 * How often the sweep runs: it publishes what an event owes after its message left the queue, and the alerts
 * held for a digest once their window ended, so it bounds how late a held alert can be (window + this).
 */
export const ALERT_SWEEP_RATE = Duration.minutes(1);

/**
 * The event queue and its DLQ, the table, the processor (the one writer of state), the owed-alerts sweep, and
 * the bucket of parked changes (what the ingest acknowledged but could not queue as it was).
 */
export class Pipeline extends Construct {
  readonly queue: Queue;
  readonly deadLetterQueue: Queue;
  readonly table: TableV2;
  readonly processor: MonitorFunction;
  readonly alertSweep: MonitorFunction;
  readonly parkedChanges: Bucket;

  constructor(scope: Construct, id: string, props: PipelineProps) {
    super(scope, id);
    this.deadLetterQueue = new Queue(this, 'events-dlq', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    this.queue = new Queue(this, 'events-queue', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      visibilityTimeout: Duration.seconds(PROCESSOR_TIMEOUT.toSeconds() * 6),
      retentionPeriod: Duration.days(14),
      deadLetterQueue: { queue: this.deadLetterQueue, maxReceiveCount: 5 },
    });

    this.table = new TableV2(this, 'quality-table', {
      partitionKey: { name: TABLE_SCHEMA.partitionKey, type: AttributeType.STRING },
      sortKey: { name: TABLE_SCHEMA.sortKey, type: AttributeType.STRING },
      billing: Billing.onDemand(),
      encryption: TableEncryptionV2.awsManagedKey(),
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      deletionProtection: props.retainData,
      removalPolicy: props.retainData ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
      timeToLiveAttribute: TABLE_SCHEMA.ttlAttribute,
      globalSecondaryIndexes: [
        {
          indexName: TABLE_SCHEMA.gsi1.name,
          partitionKey: { name: TABLE_SCHEMA.gsi1.partitionKey, type: AttributeType.STRING },
          sortKey: { name: TABLE_SCHEMA.gsi1.sortKey, type: AttributeType.STRING },
        },
      ],
    });

    this.processor = new MonitorFunction(this, 'processor-fn', {
      entry: 'functions/processor/handler.ts',
      description: 'Applies quality events to DynamoDB and publishes alerts',
      serviceName: SERVICE_NAMES.processor,
      logLevel: props.logLevel,
      logRetentionDays: props.logRetentionDays,
      timeout: PROCESSOR_TIMEOUT,
      environment: {
        HISTORY_TTL_DAYS: String(props.historyRetentionDays),
        ...alertPolicyEnvOf(props.alertPolicy),
        ...(props.firstResponseTargetSeconds
          ? { FIRST_RESPONSE_TARGET_SECONDS: String(props.firstResponseTargetSeconds) }
          : {}),
      },
    });
    // Exactly what the processor calls (GetItem, TransactWriteItems of Put/Update and the Delete of an incident a
    // late event made disappear, UpdateItem): no BatchWrite, no Scan.
    this.processor
      .bindTable(this.table, {
        actions: [
          'dynamodb:GetItem',
          'dynamodb:PutItem',
          'dynamodb:UpdateItem',
          'dynamodb:DeleteItem',
          'dynamodb:ConditionCheckItem',
          // The trailing days of template insights and of a number's traffic counters the early warnings compare with.
          'dynamodb:Query',
        ],
      })
      .bindTopicForPublishing(props.alertTopic);
    if (props.trafficKey) this.processor.bindSecret(props.trafficKey, 'TRAFFIC_KEY_SECRET_NAME');

    this.alertSweep = new MonitorFunction(this, 'alert-sweep-fn', {
      entry: 'functions/alert-sweep/handler.ts',
      description: 'Publishes alerts that events still owe after their message left the queue',
      serviceName: SERVICE_NAMES.alertSweep,
      logLevel: props.logLevel,
      logRetentionDays: props.logRetentionDays,
      timeout: Duration.minutes(1),
      environment: alertPolicyEnvOf(props.alertPolicy),
    });
    // Lists owed and held events on the index, then claims and strikes off like the processor; records digests.
    this.alertSweep
      .bindTable(this.table, {
        actions: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'],
        index: { name: TABLE_SCHEMA.gsi1.name, actions: ['dynamodb:Query'] },
      })
      .bindTopicForPublishing(props.alertTopic);
    new Rule(this, 'alert-sweep-schedule', {
      description: 'Runs the owed-alerts sweep and publishes digests whose window ended',
      schedule: Schedule.rate(ALERT_SWEEP_RATE),
      targets: [new LambdaFunction(this.alertSweep, { retryAttempts: 0 })],
    });

    this.parkedChanges = new Bucket(this, 'parked-changes', {
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      versioned: true,
      removalPolicy: props.retainData ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    });
    this.processor.addEventSource(
      new SqsEventSource(this.queue, {
        batchSize: 10,
        maxBatchingWindow: Duration.seconds(2),
        reportBatchItemFailures: true,
        // Few writers: fewer races on one entity, and DynamoDB on-demand is never surprised.
        maxConcurrency: 5,
      }),
    );
    new CfnOutput(scope, 'TableName', {
      value: this.table.tableName,
      description: 'DynamoDB table of state, history and alerts',
    });
    new CfnOutput(scope, 'ParkedChangesBucket', {
      value: this.parkedChanges.bucketName,
      description: 'Changes acknowledged to Meta but not queued as they were: see README "Parked changes"',
    });
    new CfnOutput(scope, 'DeadLetterQueueUrl', {
      value: this.deadLetterQueue.queueUrl,
      description: 'Events that failed 5 times',
    });
  }
}
