import { fileURLToPath } from 'node:url';
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, Runtime } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, type NodejsFunctionProps, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';

export interface MonitorFunctionProps
  extends Omit<NodejsFunctionProps, 'runtime' | 'architecture' | 'bundling' | 'logGroup' | 'role'> {
  /** The handler file, e.g. `functions/ingest/handler.ts`. */
  readonly entry: string;
  /** Powertools service name. */
  readonly serviceName: string;
  readonly logLevel: string;
  readonly logRetentionDays: number;
}

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
        NODE_OPTIONS: '--enable-source-maps',
        POWERTOOLS_SERVICE_NAME: serviceName,
        POWERTOOLS_LOG_LEVEL: logLevel,
        POWERTOOLS_METRICS_NAMESPACE: 'WhatsAppQualityMonitor',
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
