import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { AttributeType, Billing, TableEncryptionV2, TableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import { Schedule, ScheduleExpression } from 'aws-cdk-lib/aws-scheduler';
import { LambdaInvoke } from 'aws-cdk-lib/aws-scheduler-targets';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import { type IQueue, Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { SERVICE_NAMES } from '../../shared/contracts/service-names.ts';
import { MonitorFunction } from './monitor-function.ts';

export interface PollerProps {
  readonly queue: IQueue;
  readonly graphToken: ISecret;
  readonly wabaIds: readonly string[];
  readonly excludeWabaIds: readonly string[];
  readonly businessIds: readonly string[];
  readonly rateMinutes: number;
  readonly graphApiVersion: string;
  /** Poll workers at once: the event source's maximum concurrency. */
  readonly concurrency: number;
  readonly hourlyCallBudget: number;
  readonly logLevel: string;
  readonly logRetentionDays: number;
}

/** A worker polls one WABA per job, a few Graph API calls with retries; a minute leaves room for paging. */
export const POLL_WORKER_TIMEOUT = Duration.seconds(60);
/** A job that failed this many times goes to the DLQ (its WABA is polled again by the next run anyway). */
export const POLL_JOB_MAX_RECEIVES = 3;

/**
 * The Graph API poller, fanned out: an EventBridge Scheduler schedule runs the planner, which finds the WABAs
 * and puts one job per WABA on the poll-jobs queue; workers consume it with a maximum concurrency, each WABA
 * within its own call budget, kept with its last polls in the WABA registry table.
 */
export class Poller extends Construct {
  /** The planner: the schedule's target. */
  readonly fn: MonitorFunction;
  readonly worker: MonitorFunction;
  readonly jobQueue: Queue;
  readonly jobDeadLetterQueue: Queue;
  readonly registry: TableV2;
  readonly schedule: Schedule;
  /** Where the schedule puts invocations of the planner that failed. */
  readonly deadLetterQueue: Queue;

  constructor(scope: Construct, id: string, props: PollerProps) {
    super(scope, id);
    const common = {
      serviceName: SERVICE_NAMES.poller,
      logLevel: props.logLevel,
      logRetentionDays: props.logRetentionDays,
    };
    const settings = {
      GRAPH_API_VERSION: props.graphApiVersion,
      POLL_INTERVAL_MINUTES: String(props.rateMinutes),
      POLL_CALL_BUDGET_PER_HOUR: String(props.hourlyCallBudget),
    };

    // Bookkeeping, not quality data: losing it only makes every WABA "appear" again and resets budgets.
    this.registry = new TableV2(this, 'waba-registry', {
      partitionKey: { name: 'wabaId', type: AttributeType.STRING },
      billing: Billing.onDemand(),
      encryption: TableEncryptionV2.awsManagedKey(),
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      removalPolicy: RemovalPolicy.DESTROY,
    });

    this.jobDeadLetterQueue = new Queue(this, 'poll-jobs-dlq', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    this.jobQueue = new Queue(this, 'poll-jobs-queue', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      visibilityTimeout: Duration.seconds(POLL_WORKER_TIMEOUT.toSeconds() * 6),
      // A job is worth little after the next run queued its WABA again.
      retentionPeriod: Duration.hours(Math.max(1, Math.ceil((props.rateMinutes * 4) / 60))),
      deadLetterQueue: { queue: this.jobDeadLetterQueue, maxReceiveCount: POLL_JOB_MAX_RECEIVES },
    });

    this.fn = new MonitorFunction(this, 'poller-fn', {
      ...common,
      entry: 'functions/poller/handler.ts',
      description: 'Plans a poll run: finds the WABAs and queues one poll job per WABA',
      timeout: Duration.minutes(5),
      environment: {
        ...settings,
        WABA_IDS: props.wabaIds.join(','),
        EXCLUDE_WABA_IDS: props.excludeWabaIds.join(','),
        BUSINESS_IDS: props.businessIds.join(','),
      },
    });
    this.fn
      .bindSecret(props.graphToken, 'GRAPH_TOKEN_SECRET_NAME')
      .bindQueueForSending(this.jobQueue, 'POLL_JOB_QUEUE_URL')
      .bindTable(this.registry, { actions: ['dynamodb:Scan', 'dynamodb:UpdateItem'] }, 'WABA_REGISTRY_TABLE');

    this.worker = new MonitorFunction(this, 'poll-worker-fn', {
      ...common,
      entry: 'functions/poller/worker-handler.ts',
      description: 'Polls one WABA per job: phone numbers and templates from the Graph API',
      timeout: POLL_WORKER_TIMEOUT,
      environment: settings,
    });
    this.worker
      .bindSecret(props.graphToken, 'GRAPH_TOKEN_SECRET_NAME')
      .bindQueueForSending(props.queue, 'EVENT_QUEUE_URL')
      .bindTable(
        this.registry,
        { actions: ['dynamodb:GetItem', 'dynamodb:UpdateItem'] },
        'WABA_REGISTRY_TABLE',
      );
    this.worker.addEventSource(
      new SqsEventSource(this.jobQueue, {
        batchSize: 10,
        reportBatchItemFailures: true,
        maxConcurrency: props.concurrency,
      }),
    );

    this.deadLetterQueue = new Queue(this, 'schedule-dlq', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    this.schedule = new Schedule(this, 'poll-schedule', {
      description: 'Plans a poll of the Graph API, the fallback for missed webhooks',
      schedule: ScheduleExpression.rate(Duration.minutes(props.rateMinutes)),
      target: new LambdaInvoke(this.fn, {
        deadLetterQueue: this.deadLetterQueue,
        retryAttempts: 2,
        maxEventAge: Duration.minutes(Math.max(1, props.rateMinutes)),
      }),
    });
  }
}
