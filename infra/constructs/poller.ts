import { Duration } from 'aws-cdk-lib';
import { Schedule, ScheduleExpression } from 'aws-cdk-lib/aws-scheduler';
import { LambdaInvoke } from 'aws-cdk-lib/aws-scheduler-targets';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import { type IQueue, Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { MonitorFunction } from './monitor-function.ts';

export interface PollerProps {
  readonly queue: IQueue;
  readonly graphToken: ISecret;
  readonly wabaIds: readonly string[];
  readonly rateMinutes: number;
  readonly graphApiVersion: string;
  readonly logLevel: string;
  readonly logRetentionDays: number;
}

/** The Graph API poller on an EventBridge Scheduler schedule, with a DLQ for invocations that fail. */
export class Poller extends Construct {
  readonly fn: MonitorFunction;
  readonly schedule: Schedule;
  readonly deadLetterQueue: Queue;

  constructor(scope: Construct, id: string, props: PollerProps) {
    super(scope, id);
    this.fn = new MonitorFunction(this, 'poller-fn', {
      entry: 'functions/poller/handler.ts',
      description: 'Polls phone numbers and templates from the Graph API',
      serviceName: 'quality-poller',
      logLevel: props.logLevel,
      logRetentionDays: props.logRetentionDays,
      timeout: Duration.minutes(5),
      environment: {
        EVENT_QUEUE_URL: props.queue.queueUrl,
        GRAPH_TOKEN_SECRET_NAME: props.graphToken.secretArn,
        WABA_IDS: props.wabaIds.join(','),
        GRAPH_API_VERSION: props.graphApiVersion,
        POLL_INTERVAL_MINUTES: String(props.rateMinutes),
      },
    });
    props.queue.grantSendMessages(this.fn);
    props.graphToken.grantRead(this.fn);

    this.deadLetterQueue = new Queue(this, 'schedule-dlq', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    this.schedule = new Schedule(this, 'poll-schedule', {
      description: 'Polls the Graph API as a fallback for missed webhooks',
      schedule: ScheduleExpression.rate(Duration.minutes(props.rateMinutes)),
      target: new LambdaInvoke(this.fn, {
        deadLetterQueue: this.deadLetterQueue,
        retryAttempts: 2,
        maxEventAge: Duration.minutes(Math.max(1, props.rateMinutes)),
      }),
    });
  }
}
