import { type App, type CfnResource, Stack, Token, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import type { QualityMonitorStack } from './stack.ts';

/** cdk-nag AwsSolutions on every synth; each acknowledgement says why, on the construct it concerns. */
export function addNagChecks(app: App, stack: QualityMonitorStack): void {
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  acknowledgeFindings(stack);
}

const rule = (id: string, detail?: string) => `AwsSolutions-${id}${detail ? `[${detail}]` : ''}`;

function logicalIdOf(construct: IConstruct): string {
  return Stack.of(construct).getLogicalId(construct.node.defaultChild as CfnResource);
}

export function acknowledgeFindings(stack: QualityMonitorStack): void {
  const { pipeline, webhookApi, poller, secrets } = stack;
  acknowledgeConsoleFindings(stack);
  // Grants land on each function's role, a construct of its own since the functions no longer share the basic
  // execution role.
  const roleOf = (fn: { role?: IConstruct }) => fn.role ?? (fn as IConstruct);
  const tableIndexes = `Resource::<${logicalIdOf(pipeline.table)}.Arn>/index/*`;
  Validations.of(roleOf(webhookApi.reader)).acknowledge({
    id: rule('IAM5', tableIndexes),
    reason: 'Queries the gsi1 index of this one table (listings by kind, alerts by time); no other table.',
  });
  for (const fn of [pipeline.processor, pipeline.alertSweep]) {
    Validations.of(roleOf(fn)).acknowledge({
      id: rule('IAM5', 'Action::kms:GenerateDataKey*'),
      reason:
        'Publishing to the alert topic needs a data key of its customer-managed KMS key; scoped to that key.',
    });
  }
  Validations.of(roleOf(webhookApi.ingest)).acknowledge({
    id: rule('IAM5', `Resource::<${logicalIdOf(pipeline.parkedChanges)}.Arn>/parked/*`),
    reason:
      'PutObject only, under parked/ of the parked-changes bucket: one object per parked delivery, keyed by request id.',
  });
  Validations.of(pipeline.parkedChanges).acknowledge({
    id: rule('S1'),
    reason:
      'Written only by the ingest role (PutObject), read by operators replaying a change; SSL-only, versioned, ' +
      'no public access. CloudTrail data events cover access auditing where an account requires it.',
  });

  for (const route of webhookApi.api.node
    .findAll()
    .filter((c) => c.node.id === 'GET--webhook' || c.node.id === 'POST--webhook')) {
    Validations.of(route).acknowledge({
      id: rule('APIG4'),
      reason:
        'Meta cannot sign AWS requests. Every POST is authenticated in the ingest with the X-Hub-Signature-256 HMAC ' +
        'of the app secret (401 otherwise), and the GET handshake with the verify token.',
    });
  }

  if (secrets.trafficKey) {
    Validations.of(secrets.trafficKey).acknowledge({
      id: rule('SMG4'),
      reason:
        'Generated, read only by the ingest and the processor, never shown to anyone. Rotating it would change every ' +
        'customer pseudonym (ledgers restart) and leave facts sealed under the old value unreadable.',
    });
  }
  for (const secret of [secrets.appSecret, secrets.verifyToken, secrets.graphToken]) {
    Validations.of(secret).acknowledge({
      id: rule('SMG4'),
      reason:
        "Issued by Meta (app secret, system user token) or typed into Meta (verify token): rotated in Meta's " +
        'dashboard, then put here. The ingest refetches the app secret when a signature fails.',
    });
  }

  Validations.of(poller.deadLetterQueue).acknowledge({
    id: rule('SQS3'),
    reason: 'This queue is itself the dead-letter queue of the poller schedule.',
  });
  Validations.of(poller.jobDeadLetterQueue).acknowledge({
    id: rule('SQS3'),
    reason: 'This queue is itself the dead-letter queue of the poll-jobs queue.',
  });
  const schedulerRole = stack.node.findAll().find((c) => c.node.id.startsWith('SchedulerRoleForTarget'));
  if (schedulerRole) {
    Validations.of(schedulerRole).acknowledge({
      id: rule('IAM5', `Resource::<${logicalIdOf(poller.fn)}.Arn>:*`),
      reason: 'EventBridge Scheduler may invoke any version of the poller function, and nothing else.',
    });
  }
}

/** The web console: CloudFront's default domain, a login without enforced MFA, and CDK's deployment function. */
function acknowledgeConsoleFindings(stack: QualityMonitorStack): void {
  const { distribution, login, bucket } = stack.console;
  Validations.of(distribution).acknowledge(
    {
      id: rule('CFR1'),
      reason: 'Operators may open the console from anywhere; every page and API call needs a Cognito login.',
    },
    {
      id: rule('CFR2'),
      reason:
        'No WAF: the distribution serves static files and the JWT-authorized read API, which API Gateway ' +
        'throttles; a web ACL (from $5 a month, and only in us-east-1) buys little for a few invited users.',
    },
    {
      id: rule('CFR4'),
      reason:
        'The console is served on its *.cloudfront.net name with the default certificate, whose security ' +
        'policy CloudFront fixes; a stricter minimum TLS needs a custom domain and certificate, which this ' +
        'stack does not configure. Browsers negotiate TLS 1.2 or 1.3 with it.',
    },
  );
  Validations.of(login.userPool).acknowledge({
    id: rule('COG2'),
    reason:
      'TOTP MFA is offered to every user and Plus threat protection challenges risky sign-ins; requiring MFA ' +
      'is a one-line change (Mfa.REQUIRED) left to the operator.',
  });

  // CDK's BucketDeployment function (one per stack), which copies the build into the bucket and invalidates
  // the distribution.
  const deployer = stack.node.findAll().find((c) => c.node.id.startsWith('Custom::CDKBucketDeployment'));
  if (!deployer) return;
  const site = `<${logicalIdOf(bucket)}.Arn>`;
  Validations.of(deployer).acknowledge(
    {
      id: rule(
        'IAM4',
        'Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole',
      ),
      reason: 'AWSLambdaBasicExecutionRole only lets the deployment function write its own CloudWatch logs.',
    },
    ...['Action::s3:GetObject*', 'Action::s3:GetBucket*', 'Action::s3:List*'].map((detail) => ({
      id: rule('IAM5', detail),
      reason: "CDK's grantRead: reads the console build from the CDK asset bucket and lists the site bucket.",
    })),
    {
      id: rule('IAM5', `Resource::${assetBucketObjects(stack)}`),
      reason:
        'The console build is uploaded as a CDK asset; the function reads it from the bootstrap bucket.',
    },
    ...['Action::s3:DeleteObject*', 'Action::s3:Abort*', `Resource::${site}/*`].map((detail) => ({
      id: rule('IAM5', detail),
      reason: "CDK's grantReadWrite on the console's own bucket: replaces the files of the previous build.",
    })),
    {
      id: rule('IAM5', 'Resource::*'),
      reason:
        'cloudfront:CreateInvalidation and GetInvalidation take no resource narrower than * in CDK here.',
    },
    {
      id: rule('L1'),
      reason: "CDK owns the deployment function's runtime and moves it forward with aws-cdk-lib upgrades.",
    },
  );
}

/** The CDK bootstrap asset bucket's objects as cdk-nag names them: concrete where the stack's env is. */
function assetBucketObjects(stack: Stack): string {
  const named = (value: string, pseudo: string) => (Token.isUnresolved(value) ? `<AWS::${pseudo}>` : value);
  const qualifier = stack.node.tryGetContext('@aws-cdk/core:bootstrapQualifier') ?? 'hnb659fds';
  return (
    `arn:${named(stack.partition, 'Partition')}:s3:::cdk-${qualifier}-assets-` +
    `${named(stack.account, 'AccountId')}-${named(stack.region, 'Region')}/*`
  );
}
