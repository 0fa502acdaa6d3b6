import { fileURLToPath } from 'node:url';
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import type { ITableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, Runtime } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, type NodejsFunctionProps, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import type { ResourceEnvVar, RuntimeEnvVar, SettingsEnvironment } from '../../shared/contracts/env-vars.ts';
import { METRICS_NAMESPACE } from '../../shared/contracts/metric-names.ts';
import type { ServiceName } from '../../shared/contracts/service-names.ts';

export interface MonitorFunctionProps
  extends Omit<
    NodejsFunctionProps,
    'runtime' | 'architecture' | 'bundling' | 'logGroup' | 'role' | 'environment'
  > {
  /** The handler file, e.g. `functions/ingest/handler.ts`. */
  readonly entry: string;
  /** Powertools service name: the `service` dimension the dashboard and alarms read. */
  readonly serviceName: ServiceName;
  readonly logLevel: string;
  readonly logRetentionDays: number;
  /**
   * Settings only, by their contract names. A resource's variable is set by the `bind*` call that also grants
   * the access it needs, so no function knows a resource it may not use, nor may use one it does not know.
   */
  readonly environment?: SettingsEnvironment;
}

/** A DynamoDB action, as IAM spells it. */
type DynamoDbAction = `dynamodb:${string}`;

/**
 * What a function may do on a table: `read` is the CDK's read grant (the table and its indexes); otherwise
 * exactly the item actions it calls on the table, and optionally the actions on one index.
 */
export type TableAccess =
  | 'read'
  | {
      readonly actions: readonly DynamoDbAction[];
      readonly index?: { readonly name: string; readonly actions: readonly DynamoDbAction[] };
    };

/**
 * Every Lambda of the monitor, with the defaults written once: Node.js 24 on ARM64, an ESM bundle with the AWS
 * SDK bundled (the fastest cold start measured), minified with source maps, an explicit log group with
 * retention, and Powertools settings. Callers pass only what differs; their environment is merged in.
 * Its role starts empty: no AWSLambdaBasicExecutionRole (which lets a function write to any log group of the
 * account), only the right to write to its own log group; callers grant the rest.
 */
export class MonitorFunction extends NodejsFunction {
  constructor(scope: Construct, id: string, props: MonitorFunctionProps) {
    const { serviceName, logLevel, logRetentionDays, environment, ...rest } = props;
    const logGroup = new LogGroup(scope, `${id}-logs`, {
      retention: retentionOf(logRetentionDays),
      removalPolicy: RemovalPolicy.DESTROY,
    });
    const role = new Role(scope, `${id}-role`, {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: `${serviceName}: writes its own log group; the rest is granted resource by resource`,
    });
    // CreateLogStream and PutLogEvents on this log group only (its ARN ends in :*, i.e. its streams).
    logGroup.grantWrite(role);
    super(scope, id, {
      entry: fileURLToPath(new URL(`../../${props.entry}`, import.meta.url)),
      projectRoot: PROJECT_ROOT,
      depsLockFilePath: `${PROJECT_ROOT}/package-lock.json`,
      runtime: Runtime.NODEJS_24_X,
      architecture: Architecture.ARM_64,
      memorySize: 512,
      timeout: Duration.seconds(10),
      logGroup,
      role,
      ...withoutEntry(rest),
      environment: {
        ...({
          NODE_OPTIONS: '--enable-source-maps',
          POWERTOOLS_SERVICE_NAME: serviceName,
          POWERTOOLS_LOG_LEVEL: logLevel,
          POWERTOOLS_METRICS_NAMESPACE: METRICS_NAMESPACE,
        } satisfies Record<Exclude<RuntimeEnvVar, 'POWERTOOLS_METRICS_DISABLED'>, string>),
        ...environment,
      },
      bundling: {
        format: OutputFormat.ESM,
        target: 'node22',
        mainFields: ['module', 'main'],
        minify: true,
        sourceMap: true,
        // Bundle the SDK too: one file, no resolution at cold start.
        externalModules: [],
        // Some dependencies still call require(); give the ESM bundle one.
        banner:
          "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);",
      },
    });
  }

  /** Sets the table's name in `envVar` and grants `access` to it. */
  bindTable(table: ITableV2, access: TableAccess, envVar: ResourceEnvVar<'table'> = 'TABLE_NAME'): this {
    this.addEnvironment(envVar, table.tableName);
    if (access === 'read') {
      table.grantReadData(this);
      return this;
    }
    // Explicit statements rather than `table.grant()`, which adds every index of the table to the resources.
    this.addToRolePolicy(new PolicyStatement({ actions: [...access.actions], resources: [table.tableArn] }));
    if (access.index) {
      this.addToRolePolicy(
        new PolicyStatement({
          actions: [...access.index.actions],
          resources: [`${table.tableArn}/index/${access.index.name}`],
        }),
      );
    }
    return this;
  }

  /** Sets the queue's URL in `envVar` and grants sending to it (consuming is the event source's grant). */
  bindQueueForSending(queue: IQueue, envVar: ResourceEnvVar<'queue'>): this {
    this.addEnvironment(envVar, queue.queueUrl);
    queue.grantSendMessages(this);
    return this;
  }

  /** Sets the topic's ARN in `envVar` and grants publishing to it (and its key). */
  bindTopicForPublishing(topic: ITopic, envVar: ResourceEnvVar<'topic'> = 'ALERT_TOPIC_ARN'): this {
    this.addEnvironment(envVar, topic.topicArn);
    topic.grantPublish(this);
    return this;
  }

  /** Sets the bucket's name in `envVar` and grants writing objects under `keyPattern`, nothing else. */
  bindBucketForPutting(bucket: IBucket, keyPattern: string, envVar: ResourceEnvVar<'bucket'>): this {
    this.addEnvironment(envVar, bucket.bucketName);
    this.addToRolePolicy(
      new PolicyStatement({ actions: ['s3:PutObject'], resources: [bucket.arnForObjects(keyPattern)] }),
    );
    return this;
  }

  /** Sets the secret's ARN in `envVar` (the function reads it from Secrets Manager) and grants reading it. */
  bindSecret(secret: ISecret, envVar: ResourceEnvVar<'secret'>): this {
    this.addEnvironment(envVar, secret.secretArn);
    secret.grantRead(this);
    return this;
  }
}

const PROJECT_ROOT = fileURLToPath(new URL('../../', import.meta.url)).replace(/\/$/, '');

function withoutEntry<T extends { entry?: string }>(props: T): Omit<T, 'entry'> {
  const { entry: _entry, ...rest } = props;
  return rest;
}

const RETENTIONS = Object.values(RetentionDays).filter((v): v is RetentionDays => typeof v === 'number');

/** The shortest CloudWatch retention that keeps logs at least `days`. */
export function retentionOf(days: number): RetentionDays {
  const sorted = [...RETENTIONS].filter((d) => d > 0).sort((a, b) => a - b);
  return sorted.find((d) => d >= days) ?? RetentionDays.INFINITE;
}
