import { CfnOutput, RemovalPolicy } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import { HttpApi, HttpMethod, HttpStage, LogGroupLogDestination } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpIamAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type { ITableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { LogGroup } from 'aws-cdk-lib/aws-logs';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { SERVICE_NAMES } from '../../shared/contracts/service-names.ts';
import { MonitorFunction, retentionOf } from './monitor-function.ts';

export interface WebhookApiProps {
  readonly queue: IQueue;
  /** Where the ingest parks changes it cannot queue as they are. */
  readonly parkedChanges: IBucket;
  readonly table: ITableV2;
  readonly appSecret: ISecret;
  readonly verifyToken: ISecret;
  readonly rateLimit: number;
  readonly logLevel: string;
  readonly logRetentionDays: number;
  /**
   * Message tracking on: the key the ingest seals the non-content facts of `messages` webhooks with before it
   * queues them. Absent, the ingest does not track messages.
   */
  readonly trafficKey?: ISecret;
}

/**
 * The HTTP API: `GET`/`POST /webhook` open to Meta (signature-checked in the ingest), the `/v1/...` read routes
 * behind IAM authorization, stage throttling that protects the ingest and the queue, and access logs.
 */
export class WebhookApi extends Construct {
  readonly api: HttpApi;
  readonly stage: HttpStage;
  readonly ingest: MonitorFunction;
  readonly reader: MonitorFunction;
  /** The read API Lambda behind every read route; the console's JWT-authorized routes share it. */
  readonly readIntegration: HttpLambdaIntegration;

  constructor(scope: Construct, id: string, props: WebhookApiProps) {
    super(scope, id);
    this.ingest = new MonitorFunction(this, 'ingest-fn', {
      entry: 'functions/ingest/handler.ts',
      description: 'Meta webhook: handshake, signature check, events to SQS',
      serviceName: SERVICE_NAMES.ingest,
      logLevel: props.logLevel,
      logRetentionDays: props.logRetentionDays,
      environment: props.trafficKey ? { TRACK_MESSAGES: 'true' } : {},
    });
    this.ingest
      .bindQueueForSending(props.queue, 'EVENT_QUEUE_URL')
      // Writes parked deliveries, never reads, lists or deletes them.
      .bindBucketForPutting(props.parkedChanges, 'parked/*', 'PARKED_CHANGES_BUCKET')
      .bindSecret(props.appSecret, 'APP_SECRET_NAME')
      .bindSecret(props.verifyToken, 'VERIFY_TOKEN_SECRET_NAME');
    if (props.trafficKey) this.ingest.bindSecret(props.trafficKey, 'TRAFFIC_KEY_SECRET_NAME');

    this.reader = new MonitorFunction(this, 'read-api-fn', {
      entry: 'functions/api/handler.ts',
      description: 'Read API: phone numbers, templates, alerts, history',
      serviceName: SERVICE_NAMES.readApi,
      logLevel: props.logLevel,
      logRetentionDays: props.logRetentionDays,
    });
    this.reader.bindTable(props.table, 'read');

    this.api = new HttpApi(this, 'http-api', {
      description: 'WhatsApp quality monitor: Meta webhook and read API',
      createDefaultStage: false,
    });
    const accessLogs = new LogGroup(this, 'access-logs', {
      retention: retentionOf(props.logRetentionDays),
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.stage = new HttpStage(this, 'default-stage', {
      httpApi: this.api,
      stageName: '$default',
      autoDeploy: true,
      // Protects the ingest (and the account's Lambda concurrency) from floods: Meta's own rate is far lower.
      throttle: { rateLimit: props.rateLimit, burstLimit: props.rateLimit * 2 },
      accessLogSettings: {
        destination: new LogGroupLogDestination(accessLogs),
        format: AccessLogFormat.custom(
          JSON.stringify({
            requestId: '$context.requestId',
            ip: '$context.identity.sourceIp',
            requestTime: '$context.requestTime',
            routeKey: '$context.routeKey',
            status: '$context.status',
            responseLength: '$context.responseLength',
            integrationError: '$context.integrationErrorMessage',
          }),
        ),
      },
    });

    const ingestIntegration = new HttpLambdaIntegration('ingest-integration', this.ingest);
    this.api.addRoutes({
      path: '/webhook',
      methods: [HttpMethod.GET, HttpMethod.POST],
      integration: ingestIntegration,
    });
    const readIntegration = new HttpLambdaIntegration('read-integration', this.reader);
    this.readIntegration = readIntegration;
    const iam = new HttpIamAuthorizer();
    // Every read route, present and future, behind IAM; the read API answers 404 for a path it does not know.
    this.api.addRoutes({
      path: '/v1/{proxy+}',
      methods: [HttpMethod.GET],
      integration: readIntegration,
      authorizer: iam,
    });

    new CfnOutput(scope, 'CallbackUrl', {
      value: `${this.api.apiEndpoint}/webhook`,
      description: 'Paste into Meta App Dashboard > WhatsApp > Configuration > Callback URL',
    });
    new CfnOutput(scope, 'ReadApiUrl', {
      value: `${this.api.apiEndpoint}/v1`,
      description: 'IAM-authorized read API',
    });
  }
}
