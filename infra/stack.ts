import { Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import type { MonitorConfig } from './config.ts';
import { Alerts } from './constructs/alerts.ts';
import { WebConsole } from './constructs/console.ts';
import { Observability } from './constructs/observability.ts';
import { Pipeline } from './constructs/pipeline.ts';
import { Poller } from './constructs/poller.ts';
import { MonitorSecrets } from './constructs/secrets.ts';
import { WebhookApi } from './constructs/webhook-api.ts';

export interface QualityMonitorStackProps extends StackProps {
  readonly config: MonitorConfig;
  /** The built web console (`dist/console/`), uploaded to the console's bucket. */
  readonly consoleAssetDir: string;
}

/** The whole monitor, read top to bottom like the architecture diagram. */
export class QualityMonitorStack extends Stack {
  readonly alerts: Alerts;
  readonly secrets: MonitorSecrets;
  readonly pipeline: Pipeline;
  readonly webhookApi: WebhookApi;
  readonly poller: Poller;
  readonly observability: Observability;
  readonly console: WebConsole;

  constructor(scope: Construct, id: string, props: QualityMonitorStackProps) {
    super(scope, id, props);
    const { config } = props;
    const logs = { logLevel: config.logLevel, logRetentionDays: config.logRetentionDays };

    this.alerts = new Alerts(this, 'alerts', config);
    this.secrets = new MonitorSecrets(this, 'secrets', { trackMessages: config.trackMessages });
    this.pipeline = new Pipeline(this, 'pipeline', {
      alertTopic: this.alerts.topic,
      historyRetentionDays: config.historyRetentionDays,
      retainData: config.retainData,
      alertPolicy: config.alertPolicy,
      firstResponseTargetSeconds: config.firstResponseTargetSeconds,
      trafficKey: this.secrets.trafficKey,
      ...logs,
    });
    this.webhookApi = new WebhookApi(this, 'webhook-api', {
      queue: this.pipeline.queue,
      parkedChanges: this.pipeline.parkedChanges,
      table: this.pipeline.table,
      appSecret: this.secrets.appSecret,
      verifyToken: this.secrets.verifyToken,
      rateLimit: config.webhookRateLimit,
      trafficKey: this.secrets.trafficKey,
      ...logs,
    });
    this.console = new WebConsole(this, 'console', {
      assetDir: props.consoleAssetDir,
      api: this.webhookApi.api,
      readIntegration: this.webhookApi.readIntegration,
      users: config.consoleUsers,
      domainPrefix: config.consoleDomainPrefix,
      logRetentionDays: config.logRetentionDays,
    });
    this.poller = new Poller(this, 'poller', {
      queue: this.pipeline.queue,
      graphToken: this.secrets.graphToken,
      wabaIds: config.wabaIds,
      excludeWabaIds: config.excludeWabaIds,
      businessIds: config.businessIds,
      rateMinutes: config.pollRateMinutes,
      graphApiVersion: config.graphApiVersion,
      concurrency: config.pollConcurrency,
      hourlyCallBudget: config.pollCallBudgetPerHour,
      ...logs,
    });
    this.observability = new Observability(this, 'observability', {
      topic: this.alerts.topic,
      api: this.webhookApi.api,
      queue: this.pipeline.queue,
      deadLetterQueues: {
        events: this.pipeline.deadLetterQueue,
        'poll-schedule': this.poller.deadLetterQueue,
        'poll-jobs': this.poller.jobDeadLetterQueue,
      },
      functions: {
        ingest: this.webhookApi.ingest,
        processor: this.pipeline.processor,
        'alert-sweep': this.pipeline.alertSweep,
        poller: this.poller.fn,
        'poll-worker': this.poller.worker,
        'read-api': this.webhookApi.reader,
      },
      pollRateMinutes: config.pollRateMinutes,
    });
  }
}
