import { Aws, CfnOutput, Duration } from 'aws-cdk-lib';
import type { HttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import {
  Alarm,
  AlarmStatusWidget,
  ComparisonOperator,
  Dashboard,
  GraphWidget,
  type IMetric,
  MathExpression,
  Metric,
  TextWidget,
  TreatMissingData,
} from 'aws-cdk-lib/aws-cloudwatch';
import { OpsItemCategory, OpsItemSeverity, SnsAction, SsmAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { QUEUE_MESSAGE_PROBLEMS } from '../../functions/processor/invalid-queue-message.ts';
import { ALERT_SEVERITIES } from '../../shared/alerts/alert.ts';
import {
  DIMENSION_OF_METRIC,
  type DimensionedMetricName,
  METRICS_NAMESPACE,
  type MetricDimension,
  type MetricName,
  SERVICE_DIMENSION,
} from '../../shared/contracts/metric-names.ts';
import { SERVICE_NAMES, type ServiceName } from '../../shared/contracts/service-names.ts';

export interface ObservabilityProps {
  readonly topic: ITopic;
  readonly api: HttpApi;
  readonly queue: IQueue;
  readonly deadLetterQueues: Readonly<Record<string, IQueue>>;
  readonly functions: Readonly<Record<string, IFunction>>;
  /** Set when WABAs are polled: alarms when some WABA was not polled successfully for two periods. */
  readonly pollRateMinutes?: number;
}

const FIVE_MINUTES = Duration.minutes(5);

/** A metric a function emits through `Counters`: only names it can emit, in the namespace it emits them to. */
function emitted(
  service: ServiceName,
  metricName: MetricName,
  options: {
    readonly statistic: string;
    readonly period: Duration;
    readonly label?: string;
    readonly dimension?: { readonly name: MetricDimension; readonly value: string };
  },
): Metric {
  const { dimension, ...rest } = options;
  return new Metric({
    namespace: METRICS_NAMESPACE,
    metricName,
    dimensionsMap: {
      [SERVICE_DIMENSION]: service,
      ...(dimension ? { [dimension.name]: dimension.value } : {}),
    },
    ...rest,
  });
}

/** Alarms to the alert topic, and a dashboard of the pipeline's key figures. */
export class Observability extends Construct {
  readonly alarms: Alarm[] = [];
  readonly dashboard: Dashboard;

  constructor(scope: Construct, id: string, props: ObservabilityProps) {
    super(scope, id);
    const action = new SnsAction(props.topic);
    const alarm = (
      alarmId: string,
      description: string,
      metric: IMetric,
      threshold: number,
      options: Partial<{ comparison: ComparisonOperator; missing: TreatMissingData; periods: number }> = {},
    ) => {
      const created = new Alarm(this, alarmId, {
        alarmDescription: description,
        metric,
        threshold,
        evaluationPeriods: options.periods ?? 1,
        comparisonOperator: options.comparison ?? ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: options.missing ?? TreatMissingData.NOT_BREACHING,
      });
      created.addAlarmAction(action);
      created.addOkAction(action);
      this.alarms.push(created);
      return created;
    };

    for (const [name, dlq] of Object.entries(props.deadLetterQueues)) {
      alarm(
        `${name}-dlq-not-empty`,
        `${name} dead-letter queue has messages: see README "Operate" to inspect and redrive`,
        dlq.metricApproximateNumberOfMessagesVisible({ period: FIVE_MINUTES, statistic: 'Maximum' }),
        1,
      );
    }
    alarm(
      'events-oldest-message-age',
      'Events wait on the queue for more than 10 minutes: the processor is failing or throttled',
      props.queue.metricApproximateAgeOfOldestMessage({ period: FIVE_MINUTES, statistic: 'Maximum' }),
      600,
    );
    for (const [name, fn] of Object.entries(props.functions)) {
      alarm(
        `${name}-errors`,
        `${name} Lambda errors`,
        fn.metricErrors({ period: FIVE_MINUTES, statistic: 'Sum' }),
        1,
      );
      alarm(
        `${name}-throttles`,
        `${name} Lambda throttles`,
        fn.metricThrottles({ period: FIVE_MINUTES, statistic: 'Sum' }),
        1,
      );
    }
    alarm(
      'api-5xx',
      'The HTTP API answered 5xx: Meta retries, but look at the ingest logs',
      props.api.metricServerError({ period: FIVE_MINUTES, statistic: 'Sum' }),
      1,
    );
    if (props.pollRateMinutes !== undefined) {
      const period = Duration.minutes(props.pollRateMinutes * 2);
      const poller = (metricName: MetricName, statistic: string) =>
        emitted(SERVICE_NAMES.poller, metricName, { period, statistic });
      // The planner counts the WABAs without a successful poll for two periods (and logs which); no plan at
      // all in two periods means the planner itself is not running, which alarms too.
      alarm(
        'poller-not-succeeding',
        'Some WABA has not been polled successfully for two schedule periods (the poller log says which: ' +
          '"WABA not polled successfully for two periods"), or the poll planner did not run',
        new MathExpression({
          expression: 'IF(FILL(planned, 0) < 1, 1, FILL(overdue, 0))',
          usingMetrics: {
            planned: poller('PollRunsPlanned', 'Sum'),
            overdue: poller('WabasNotPolledRecently', 'Maximum'),
          },
          period,
          label: 'WABAs not polled successfully for two periods',
        }),
        1,
        { missing: TreatMissingData.BREACHING },
      );
    }

    // Alerts owed after their message left the queue and not yet published by the sweep (SNS failing for long).
    // Its notification on the alert topic may fail like the alerts, so it also opens an OpsItem in Systems
    // Manager OpsCenter (no SNS involved) and shows on the dashboard's alarm status (README, "Owed alerts").
    const owedAlerts = alarm(
      'owed-alerts-not-published',
      'Alerts are owed and could not be published for 15 minutes: see README "Owed alerts"',
      emitted(SERVICE_NAMES.alertSweep, 'OwedAlertEventsFailed', { period: FIVE_MINUTES, statistic: 'Sum' }),
      1,
      { periods: 3 },
    );
    owedAlerts.addAlarmAction(new SsmAction(OpsItemSeverity.HIGH, OpsItemCategory.AVAILABILITY));
    // Unsigned or forged requests compete with Meta for the stage's rate limit (README, "Unsigned floods").
    alarm(
      'webhook-forged-requests',
      'More than 1,500 unsigned or forged webhook requests in 5 minutes: see README "Unsigned floods"',
      emitted(SERVICE_NAMES.ingest, 'DeliveriesRejected', {
        period: FIVE_MINUTES,
        statistic: 'Sum',
        dimension: { name: 'reason', value: 'invalid_signature' },
      }),
      1_500,
    );

    const custom = (service: ServiceName, metricName: MetricName, label: string = metricName) =>
      emitted(service, metricName, { period: FIVE_MINUTES, statistic: 'Sum', label });
    // A metric counted per value of its dimension exists only with it: one line per value.
    const perValue = (service: ServiceName, metricName: DimensionedMetricName, values: readonly string[]) =>
      values.map((value) =>
        emitted(service, metricName, {
          period: FIVE_MINUTES,
          statistic: 'Sum',
          label: value,
          dimension: { name: DIMENSION_OF_METRIC[metricName], value },
        }),
      );
    this.dashboard = new Dashboard(this, 'dashboard', {
      dashboardName: `whatsapp-quality-${Aws.STACK_NAME}`.slice(0, 255),
    });
    this.dashboard.addWidgets(
      new TextWidget({
        markdown:
          '# WhatsApp quality monitor\nWebhooks → ingest → SQS → processor → DynamoDB + SNS alerts; poller as fallback.',
        width: 24,
        height: 2,
      }),
    );
    this.dashboard.addWidgets(new AlarmStatusWidget({ title: 'Alarms', alarms: this.alarms, width: 24 }));
    this.dashboard.addWidgets(
      new GraphWidget({
        title: 'Webhook deliveries',
        left: [
          custom(SERVICE_NAMES.ingest, 'DeliveriesReceived'),
          custom(SERVICE_NAMES.ingest, 'EventsEnqueued'),
          custom(SERVICE_NAMES.ingest, 'ChangesIgnored'),
        ],
        width: 8,
      }),
      new GraphWidget({
        title: 'Event queue',
        left: [props.queue.metricApproximateNumberOfMessagesVisible({ period: FIVE_MINUTES })],
        right: [props.queue.metricApproximateAgeOfOldestMessage({ period: FIVE_MINUTES })],
        width: 8,
      }),
      new GraphWidget({
        title: 'Processor',
        left: [
          custom(SERVICE_NAMES.processor, 'EventsApplied'),
          custom(SERVICE_NAMES.processor, 'EventsLate'),
          custom(SERVICE_NAMES.processor, 'EventsDuplicate'),
          custom(SERVICE_NAMES.processor, 'StateConflicts'),
        ],
        width: 8,
      }),
    );
    this.dashboard.addWidgets(
      new GraphWidget({
        title: 'Alerts published, by severity',
        left: perValue(SERVICE_NAMES.processor, 'AlertsPublished', ALERT_SEVERITIES),
        width: 8,
      }),
      new GraphWidget({
        title: 'Poller: calls and drift (changes no webhook reported)',
        left: [
          custom(SERVICE_NAMES.poller, 'GraphApiCalls'),
          custom(SERVICE_NAMES.poller, 'PollJobsQueued'),
          custom(SERVICE_NAMES.poller, 'WabasNotPolledRecently'),
        ],
        right: [custom(SERVICE_NAMES.processor, 'PollDrift')],
        width: 8,
      }),
      new GraphWidget({
        title: 'Lambda errors',
        left: Object.entries(props.functions).map(([name, fn]) =>
          fn.metricErrors({ period: FIVE_MINUTES, label: name }),
        ),
        width: 8,
      }),
    );
    this.dashboard.addWidgets(
      // A deploy that writes a shape the processor refuses shows here before its messages reach the DLQ.
      new GraphWidget({
        title: 'Queue messages refused, by problem',
        left: perValue(SERVICE_NAMES.processor, 'QueueMessagesRefused', QUEUE_MESSAGE_PROBLEMS),
        width: 8,
      }),
      // Message tracking (empty with it off): facts queued and applied, and the few that could not be.
      new GraphWidget({
        title: 'Message tracking: traffic facts',
        left: [
          custom(SERVICE_NAMES.ingest, 'TrafficFactsEnqueued'),
          custom(SERVICE_NAMES.processor, 'TrafficFactsApplied'),
        ],
        right: [
          custom(SERVICE_NAMES.ingest, 'TrafficFactsDropped'),
          custom(SERVICE_NAMES.processor, 'TrafficFactsUnreadable'),
          custom(SERVICE_NAMES.processor, 'TrafficWarningsFailed'),
        ],
        width: 8,
      }),
    );
    new CfnOutput(scope, 'DashboardUrl', {
      value: `https://${Aws.REGION}.console.aws.amazon.com/cloudwatch/home?region=${Aws.REGION}#dashboards:name=${this.dashboard.dashboardName}`,
      description: 'CloudWatch dashboard of the pipeline',
    });
  }
}
