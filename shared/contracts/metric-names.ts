/**
 * The CloudWatch metrics the functions emit (EMF, through Powertools) and the dashboard and alarms read: names
 * written once, so `Counters.count()` and the observability construct accept only these, and a metric the
 * dashboard graphs is one the code emits.
 */

/** Every function's metrics live in this namespace (POWERTOOLS_METRICS_NAMESPACE). */
export const METRICS_NAMESPACE = 'WhatsAppQualityMonitor';

/** The dimension Powertools adds to every metric: the function's service name (`SERVICE_NAMES`). */
export const SERVICE_DIMENSION = 'service';

export const METRIC_NAMES = [
  // ingest: deliveries and what became of their changes
  'DeliveriesReceived',
  'DeliveriesRejected',
  'DeliveriesFailed',
  'EventsEnqueued',
  'ChangesIgnored',
  'ChangesInvalid',
  'ChangesUnstorable',
  'ChangesParked',
  'TestEventsEnqueued',
  'TrafficFactsEnqueued',
  'TrafficFactsDropped',
  // processor: events applied, alerts published
  'EventsApplied',
  'EventsLate',
  'EventsDuplicate',
  'StateConflicts',
  'AlertsSuppressed',
  'AlertsPublished',
  'PollDrift',
  'TrafficConflicts',
  'TrafficFactsApplied',
  'TrafficFactsUnreadable',
  'TrafficLedgersWritten',
  'TrafficWarningsFailed',
  'TemplateInsightDaysStored',
  'QueueMessagesRefused',
  // alert sweep: owed and held alerts, reminders, flap summaries
  'OwedAlertEvents',
  'OwedAlertsPublished',
  'OwedAlertEventsFailed',
  'DigestsPublished',
  'HeldAlertsPublished',
  'IncidentRemindersPublished',
  'FlapSummariesPublished',
  // poller: the planner and the workers
  'PollRunsPlanned',
  'PollJobsQueued',
  'WabasAppeared',
  'WabasDisappeared',
  'WabasActive',
  'WabasDeferred',
  'WabasNotPolledRecently',
  'WabaPolls',
  'GraphApiCalls',
  'TemplateInsightsReads',
  'TemplateInsightDays',
  'TemplateInsightsUnavailable',
] as const;

export type MetricName = (typeof METRIC_NAMES)[number];

/**
 * The extra dimensions a count may carry (published as a metric of its own): a poll's status, an alert's severity,
 * why a delivery was rejected, what was wrong with a refused queue message.
 */
export const METRIC_DIMENSIONS = ['status', 'severity', 'reason', 'problem'] as const;

export type MetricDimension = (typeof METRIC_DIMENSIONS)[number];

/**
 * The metrics counted per value of one more dimension, and that dimension: they are emitted only with it (as
 * `{service, <dimension>}`), so a dashboard or alarm must name it too, or it reads a metric nobody writes. Every
 * other metric carries `service` alone. `Counters.count()` takes its dimension from here.
 */
export const DIMENSION_OF_METRIC = {
  DeliveriesRejected: 'reason',
  AlertsPublished: 'severity',
  QueueMessagesRefused: 'problem',
  WabaPolls: 'status',
  TemplateInsightsReads: 'status',
} as const satisfies Partial<Record<MetricName, MetricDimension>>;

export type DimensionedMetricName = keyof typeof DIMENSION_OF_METRIC;

/** One value of a dimensioned metric's dimension, e.g. `{ name: 'severity', value: 'CRITICAL' }`. */
export interface DimensionOf<N extends DimensionedMetricName> {
  readonly name: (typeof DIMENSION_OF_METRIC)[N];
  readonly value: string;
}
