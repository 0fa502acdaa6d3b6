import { CfnOutput, Duration, RemovalPolicy } from 'aws-cdk-lib';
import { AttributeType, Billing, TableEncryptionV2, TableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { TABLE_SCHEMA } from '../../shared/store/table-schema.ts';
import { MonitorFunction } from './monitor-function.ts';

export interface PipelineProps {
  readonly alertTopic: ITopic;
  readonly historyRetentionDays: number;
  readonly retainData: boolean;
  readonly logLevel: string;
  readonly logRetentionDays: number;
}

/** Processor timeout; the queue's visibility timeout is six times it, as AWS recommends for SQS event sources. */
export const PROCESSOR_TIMEOUT = Duration.seconds(30);

/** The event queue and its DLQ, the table, and the processor: the one writer of state. */
export class Pipeline extends Construct {
  readonly queue: Queue;
  readonly deadLetterQueue: Queue;
  readonly table: TableV2;
  readonly processor: MonitorFunction;

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
      serviceName: 'quality-processor',
      logLevel: props.logLevel,
      logRetentionDays: props.logRetentionDays,
      timeout: PROCESSOR_TIMEOUT,
      environment: {
        TABLE_NAME: this.table.tableName,
        ALERT_TOPIC_ARN: props.alertTopic.topicArn,
        HISTORY_TTL_DAYS: String(props.historyRetentionDays),
      },
    });
    this.table.grantReadWriteData(this.processor);
    props.alertTopic.grantPublish(this.processor);
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
    new CfnOutput(scope, 'DeadLetterQueueUrl', {
      value: this.deadLetterQueue.queueUrl,
      description: 'Events that failed 5 times',
    });
  }
}
