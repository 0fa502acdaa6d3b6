import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, configFromContext } from '../../infra/config.ts';
import { acknowledgeFindings } from '../../infra/nag.ts';
import { QualityMonitorStack } from '../../infra/stack.ts';

/** Synthesizes the stack with the given context; bundling is skipped (tested by `npm run synth` and the bench). */
function synth(context: Record<string, unknown> = {}) {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [], ...context } });
  const stack = new QualityMonitorStack(app, 'Monitor', { config: configFromContext(app.node) });
  acknowledgeFindings(stack);
  return { stack, template: Template.fromStack(stack) };
}

let stack: QualityMonitorStack;
let template: Template;

beforeAll(() => {
  ({ stack, template } = synth({
    wabaIds: '102290129340398,495709166956424',
    alertEmails: 'ops@example.com,cto@example.com',
  }));
});

const resourceOf = (type: string, logicalId: string) => template.findResources(type)[logicalId];
const idOf = (construct: { node: { defaultChild?: unknown } }) =>
  stack.getLogicalId(construct.node.defaultChild as Parameters<typeof stack.getLogicalId>[0]);

describe('cdk-nag AwsSolutions', () => {
  it('reports no unacknowledged finding', () => {
    const report = new AwsSolutionsChecks().validateScope(stack);
    expect(
      report.violations.map(
        (v) => `${v.ruleName}: ${v.violatingResources.map((r) => r.resourceLogicalId).join(', ')}`,
      ),
    ).toEqual([]);
  });

  it('would report findings without the acknowledgements (the check is live)', () => {
    const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
    const bare = new QualityMonitorStack(app, 'Bare', { config: configFromContext(app.node) });
    expect(new AwsSolutionsChecks().validateScope(bare).violations.length).toBeGreaterThan(0);
  });
});

describe('cfn-lint', () => {
  it("passes on the synthesized template (W3005 aside: CDK's own DependsOn)", () => {
    const file = join(mkdtempSync(join(tmpdir(), 'cfn-')), 'template.json');
    writeFileSync(file, JSON.stringify(template.toJSON()));
    try {
      execFileSync('cfn-lint', ['-i', 'W3005', '--', file], { stdio: 'pipe' });
    } catch (error) {
      const e = error as NodeJS.ErrnoException & { stdout?: Buffer };
      if (e.code === 'ENOENT') throw new Error("cfn-lint is not installed: pip install 'cfn-lint>=1.51'");
      throw new Error(`cfn-lint found problems:\n${e.stdout?.toString()}`);
    }
  });
});

describe('functions', () => {
  it('run Node.js 24 on ARM64 with source maps and Powertools settings', () => {
    const functions = template.findResources('AWS::Lambda::Function');
    const ours = Object.values(functions).filter(
      (f) => f.Properties.Environment?.Variables?.POWERTOOLS_SERVICE_NAME,
    );
    expect(ours).toHaveLength(5);
    for (const fn of ours) {
      expect(fn.Properties).toMatchObject({
        Runtime: 'nodejs24.x',
        Architectures: ['arm64'],
        Environment: {
          Variables: {
            NODE_OPTIONS: '--enable-source-maps',
            POWERTOOLS_LOG_LEVEL: 'INFO',
            POWERTOOLS_METRICS_NAMESPACE: 'WhatsAppQualityMonitor',
          },
        },
        LoggingConfig: { LogGroup: expect.anything() },
      });
    }
  });

  it('log to groups with a retention', () => {
    template.allResourcesProperties('AWS::Logs::LogGroup', { RetentionInDays: Match.anyValue() });
  });

  it('the processor consumes the queue with partial batch responses, a batching window and a concurrency cap', () => {
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      FunctionName: { Ref: idOf(stack.pipeline.processor) },
      EventSourceArn: { 'Fn::GetAtt': [idOf(stack.pipeline.queue), 'Arn'] },
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      BatchSize: 10,
      MaximumBatchingWindowInSeconds: 2,
      ScalingConfig: { MaximumConcurrency: 5 },
    });
  });

  it('the poller gets its WABA ids and Graph API version', () => {
    expect(
      resourceOf('AWS::Lambda::Function', idOf(stack.poller.fn))?.Properties.Environment.Variables,
    ).toMatchObject({
      WABA_IDS: '102290129340398,495709166956424',
      GRAPH_API_VERSION: 'v24.0',
    });
  });
});

describe('queue and dead-letter queue', () => {
  it('encrypt, enforce SSL, keep a visibility timeout of 6× the processor timeout and redrive after 5 receives', () => {
    const queue = resourceOf('AWS::SQS::Queue', idOf(stack.pipeline.queue));
    const processor = resourceOf('AWS::Lambda::Function', idOf(stack.pipeline.processor));
    expect(queue?.Properties.SqsManagedSseEnabled).toBe(true);
    expect(queue?.Properties.VisibilityTimeout).toBeGreaterThanOrEqual(6 * processor?.Properties.Timeout);
    expect(queue?.Properties.RedrivePolicy).toEqual({
      deadLetterTargetArn: { 'Fn::GetAtt': [idOf(stack.pipeline.deadLetterQueue), 'Arn'] },
      maxReceiveCount: 5,
    });
    for (const q of [stack.pipeline.queue, stack.pipeline.deadLetterQueue, stack.poller.deadLetterQueue]) {
      template.hasResourceProperties('AWS::SQS::QueuePolicy', {
        Queues: [{ Ref: idOf(q) }],
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
          ]),
        },
      });
    }
  });
});

describe('table', () => {
  it('is on-demand, encrypted, with PITR, TTL, deletion protection and RETAIN', () => {
    const table = resourceOf('AWS::DynamoDB::GlobalTable', idOf(stack.pipeline.table));
    expect(table?.DeletionPolicy).toBe('Retain');
    expect(table?.Properties).toMatchObject({
      BillingMode: 'PAY_PER_REQUEST',
      SSESpecification: { SSEEnabled: true },
      TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
      GlobalSecondaryIndexes: [expect.objectContaining({ IndexName: 'gsi1' })],
      Replicas: [
        expect.objectContaining({
          PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
          DeletionProtectionEnabled: true,
        }),
      ],
    });
  });

  it('can be made disposable for test stacks with retainData=false', () => {
    const { template: t } = synth({ retainData: 'false' });
    const [table] = Object.values(t.findResources('AWS::DynamoDB::GlobalTable'));
    expect(table?.DeletionPolicy).toBe('Delete');
    expect(table?.Properties.Replicas[0].DeletionProtectionEnabled).toBe(false);
  });
});

describe('alerts', () => {
  it('encrypt the topic with a customer-managed key that CloudWatch alarms and AWS Chatbot may use', () => {
    template.hasResourceProperties('AWS::SNS::Topic', {
      KmsMasterKeyId: { 'Fn::GetAtt': [idOf(stack.alerts.key), 'Arn'] },
    });
    const key = resourceOf('AWS::KMS::Key', idOf(stack.alerts.key));
    const principals = key?.Properties.KeyPolicy.Statement.map(
      (s: { Principal?: { Service?: string } }) => s.Principal?.Service,
    );
    expect(principals).toEqual(expect.arrayContaining(['cloudwatch.amazonaws.com', 'chatbot.amazonaws.com']));
    // Only on behalf of this account's own alarms and Chatbot configurations.
    for (const statement of key?.Properties.KeyPolicy.Statement ?? []) {
      if (!statement.Principal?.Service) continue;
      expect(statement.Condition).toMatchObject({
        StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } },
        ArnLike: { 'aws:SourceArn': expect.anything() },
      });
    }
    expect(key?.Properties.EnableKeyRotation).toBe(true);
  });

  it('let CloudWatch alarms of this account publish to the topic (its SSL-only policy replaces the default)', () => {
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      Topics: [{ Ref: idOf(stack.alerts.topic) }],
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
          Match.objectLike({
            Effect: 'Allow',
            Action: 'sns:Publish',
            Principal: { Service: 'cloudwatch.amazonaws.com' },
            Condition: Match.objectLike({ StringEquals: { 'aws:SourceAccount': Match.anyValue() } }),
          }),
        ]),
      },
    });
  });

  it('subscribe every configured email', () => {
    for (const email of ['ops@example.com', 'cto@example.com']) {
      template.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: email });
    }
  });

  it('add a Slack channel through AWS Chatbot only when workspace and channel are configured', () => {
    template.resourceCountIs('AWS::Chatbot::SlackChannelConfiguration', 0);
    const { template: withSlack } = synth({ slackWorkspaceId: 'T0123', slackChannelId: 'C0456' });
    withSlack.hasResourceProperties('AWS::Chatbot::SlackChannelConfiguration', {
      SlackWorkspaceId: 'T0123',
      SlackChannelId: 'C0456',
      SnsTopicArns: [Match.anyValue()],
    });
  });
});

describe('poll schedule', () => {
  it('invokes the poller at the configured rate, with retries and a DLQ', () => {
    template.hasResourceProperties('AWS::Scheduler::Schedule', {
      ScheduleExpression: 'rate(15 minutes)',
      Target: {
        Arn: { 'Fn::GetAtt': [idOf(stack.poller.fn), 'Arn'] },
        DeadLetterConfig: { Arn: { 'Fn::GetAtt': [idOf(stack.poller.deadLetterQueue), 'Arn'] } },
        RetryPolicy: { MaximumRetryAttempts: 2 },
      },
    });
    const { template: hourly } = synth({ pollRateMinutes: 60 });
    hourly.hasResourceProperties('AWS::Scheduler::Schedule', { ScheduleExpression: 'rate(1 hour)' });
  });
});

describe('least privilege', () => {
  function statementsOf(fn: { role?: { node: { defaultChild?: unknown } } }) {
    const policies = template.findResources('AWS::IAM::Policy');
    const roleId = stack.getLogicalId(fn.role?.node.defaultChild as never);
    return Object.values(policies)
      .filter((p) => p.Properties.Roles.some((r: { Ref: string }) => r.Ref === roleId))
      .flatMap(
        (p) => p.Properties.PolicyDocument.Statement as { Action: string | string[]; Resource: unknown }[],
      );
  }
  const actions = (s: { Action: string | string[] }) => [s.Action].flat().sort();

  it('the ingest can only send to the queue and read its two secrets', () => {
    const statements = statementsOf(stack.webhookApi.ingest as never);
    expect(statements.map((s) => [actions(s), s.Resource])).toEqual(
      expect.arrayContaining([
        [
          ['sqs:GetQueueAttributes', 'sqs:GetQueueUrl', 'sqs:SendMessage'],
          { 'Fn::GetAtt': [idOf(stack.pipeline.queue), 'Arn'] },
        ],
      ]),
    );
    const secretResources = statements
      .filter((s) => actions(s).includes('secretsmanager:GetSecretValue'))
      .flatMap((s) => [s.Resource].flat());
    expect(secretResources).toEqual(
      expect.arrayContaining([
        { Ref: idOf(stack.secrets.appSecret) },
        { Ref: idOf(stack.secrets.verifyToken) },
      ]),
    );
    expect(secretResources).toHaveLength(2);
    expect(
      statements.flatMap(actions).every((a) => /^(sqs|secretsmanager|logs):/.test(a) || a === 's3:PutObject'),
    ).toBe(true);
  });

  it('the ingest can only put objects under parked/ of the parked-changes bucket', () => {
    const s3 = statementsOf(stack.webhookApi.ingest as never).filter((s) =>
      actions(s).some((a) => a.startsWith('s3:')),
    );
    expect(s3.map((s) => [actions(s), s.Resource])).toEqual([
      [
        ['s3:PutObject'],
        { 'Fn::Join': ['', [{ 'Fn::GetAtt': [idOf(stack.pipeline.parkedChanges), 'Arn'] }, '/parked/*']] },
      ],
    ]);
  });

  it('no function has a managed policy; each writes only its own log group', () => {
    const roles = Object.values(template.findResources('AWS::IAM::Role')).filter((r) =>
      JSON.stringify(r.Properties.AssumeRolePolicyDocument).includes('lambda.amazonaws.com'),
    );
    for (const role of roles) expect(role.Properties.ManagedPolicyArns).toBeUndefined();
    const fns = [
      stack.webhookApi.ingest,
      stack.webhookApi.reader,
      stack.pipeline.processor,
      stack.pipeline.alertSweep,
      stack.poller.fn,
    ];
    for (const fn of fns) {
      const logs = statementsOf(fn as never).filter((s) => actions(s).some((a) => a.startsWith('logs:')));
      expect(logs.map((s) => [actions(s), s.Resource])).toEqual([
        [
          ['logs:CreateLogStream', 'logs:PutLogEvents'],
          { 'Fn::GetAtt': [stack.getLogicalId(fn.logGroup.node.defaultChild as never), 'Arn'] },
        ],
      ]);
    }
  });

  it('the processor cannot delete, batch-write or scan; the sweep reads owed events on the index', () => {
    const processor = statementsOf(stack.pipeline.processor as never)
      .flatMap(actions)
      .filter((a) => a.startsWith('dynamodb:'));
    expect(processor.sort()).toEqual([
      'dynamodb:ConditionCheckItem',
      'dynamodb:GetItem',
      'dynamodb:PutItem',
      'dynamodb:UpdateItem',
    ]);
    const sweep = statementsOf(stack.pipeline.alertSweep as never)
      .flatMap(actions)
      .filter((a) => a.startsWith('dynamodb:'));
    expect(sweep.sort()).toEqual(['dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:UpdateItem']);
  });

  it('the read API can only read the table', () => {
    const all = statementsOf(stack.webhookApi.reader as never)
      .flatMap(actions)
      .filter((a) => !a.startsWith('logs:'));
    expect(all.every((a) => a.startsWith('dynamodb:') && !/Put|Update|Delete|Write/.test(a))).toBe(true);
  });

  it('only the processor writes the table and publishes alerts', () => {
    const processor = statementsOf(stack.pipeline.processor as never).flatMap(actions);
    expect(processor).toEqual(expect.arrayContaining(['dynamodb:PutItem', 'sns:Publish']));
    const poller = statementsOf(stack.poller.fn as never).flatMap(actions);
    expect(poller.some((a) => a.startsWith('dynamodb:') || a.startsWith('sns:'))).toBe(false);
  });
});

describe('HTTP API', () => {
  it('opens /webhook to Meta and puts /v1 routes behind IAM', () => {
    for (const routeKey of ['GET /webhook', 'POST /webhook']) {
      template.hasResourceProperties('AWS::ApiGatewayV2::Route', {
        RouteKey: routeKey,
        AuthorizationType: 'NONE',
      });
    }
    for (const routeKey of [
      'GET /v1/phone-numbers',
      'GET /v1/templates',
      'GET /v1/alerts',
      'GET /v1/phone-numbers/{id}/history',
      'GET /v1/templates/{id}/history',
    ]) {
      template.hasResourceProperties('AWS::ApiGatewayV2::Route', {
        RouteKey: routeKey,
        AuthorizationType: 'AWS_IAM',
      });
    }
  });

  it('keeps access logs as long as logRetentionDays says', () => {
    const { template: t, stack: s } = synth({ logRetentionDays: 400 });
    const accessLogs = s.webhookApi.node.findChild('access-logs');
    const id = s.getLogicalId(accessLogs.node.defaultChild as never);
    expect(t.findResources('AWS::Logs::LogGroup')[id]?.Properties.RetentionInDays).toBe(400);
  });

  it('throttles the stage and writes access logs', () => {
    template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      StageName: '$default',
      DefaultRouteSettings: { ThrottlingRateLimit: 100, ThrottlingBurstLimit: 200 },
      AccessLogSettings: { DestinationArn: Match.anyValue(), Format: Match.stringLikeRegexp('requestId') },
    });
  });
});

describe('alarms and dashboard', () => {
  it('alarm to the alert topic on DLQs, message age, errors, throttles, API 5xx and a silent poller', () => {
    const alarms = Object.values(template.findResources('AWS::CloudWatch::Alarm'));
    const metrics = alarms.map((a) => a.Properties.MetricName);
    expect(metrics.filter((m) => m === 'ApproximateNumberOfMessagesVisible')).toHaveLength(2);
    expect(metrics).toEqual(
      expect.arrayContaining(['ApproximateAgeOfOldestMessage', '5xx', 'PollRunsSucceeded']),
    );
    expect(metrics.filter((m) => m === 'Errors')).toHaveLength(5);
    expect(metrics.filter((m) => m === 'Throttles')).toHaveLength(5);
    for (const alarm of alarms)
      expect(alarm.Properties.AlarmActions).toContainEqual({ Ref: idOf(stack.alerts.topic) });
    const poller = alarms.find((a) => a.Properties.MetricName === 'PollRunsSucceeded');
    expect(poller?.Properties).toMatchObject({
      Period: 1800,
      ComparisonOperator: 'LessThanThreshold',
      TreatMissingData: 'breaching',
    });
  });

  it('alarm on owed alerts the sweep cannot publish, and on floods of forged webhook requests', () => {
    const alarms = Object.values(template.findResources('AWS::CloudWatch::Alarm'));
    const owed = alarms.find((a) => a.Properties.MetricName === 'OwedAlertEventsFailed');
    expect(owed?.Properties).toMatchObject({ EvaluationPeriods: 3, Threshold: 1 });
    // Not only through the topic that may be failing: an OpsItem in Systems Manager OpsCenter too.
    expect(JSON.stringify(owed?.Properties.AlarmActions)).toContain(':ssm:');
    const forged = alarms.find((a) => a.Properties.MetricName === 'DeliveriesRejected');
    expect(forged?.Properties.Dimensions).toEqual(
      expect.arrayContaining([{ Name: 'reason', Value: 'invalid_signature' }]),
    );
    template.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'rate(5 minutes)',
      Targets: [Match.objectLike({ Arn: { 'Fn::GetAtt': [idOf(stack.pipeline.alertSweep), 'Arn'] } })],
    });
  });

  it('has no poller alarm when no WABA is configured', () => {
    const { template: t } = synth();
    const metrics = Object.values(t.findResources('AWS::CloudWatch::Alarm')).map(
      (a) => a.Properties.MetricName,
    );
    expect(metrics).not.toContain('PollRunsSucceeded');
  });

  it('builds a dashboard', () => {
    template.resourceCountIs('AWS::CloudWatch::Dashboard', 1);
  });
});

describe('outputs', () => {
  it('give the callback URL, verify-token secret, topic, table and dashboard', () => {
    const outputs = Object.keys(template.toJSON().Outputs ?? {});
    expect(outputs).toEqual(
      expect.arrayContaining([
        'CallbackUrl',
        'VerifyTokenSecretName',
        'AlertTopicArn',
        'TableName',
        'DashboardUrl',
      ]),
    );
    expect(JSON.stringify(template.toJSON().Outputs.CallbackUrl.Value)).toContain('/webhook');
  });
});

describe('configuration', () => {
  const context = (values: Record<string, unknown>) => ({ tryGetContext: (key: string) => values[key] });

  it.each([
    [{ wabaIds: 'abc' }, /wabaIds: "abc" is not a WABA id/],
    [{ alertEmails: 'not-an-email' }, /not an email address/],
    [{ slackWorkspaceId: 'T1' }, /set both or neither/],
    [{ pollRateMinutes: 0 }, /pollRateMinutes=0/],
    [{ graphApiVersion: '24' }, /expected like v24.0/],
    [{ logLevel: 'LOUD' }, /logLevel=LOUD/],
  ])('rejects %j with a clear message', (values, message) => {
    expect(() => configFromContext(context(values))).toThrow(ConfigError);
    expect(() => configFromContext(context(values))).toThrow(message);
  });

  it('accepts lists as arrays or comma-separated strings', () => {
    expect(configFromContext(context({ wabaIds: ['1', '2'], alertEmails: 'a@b.co, c@d.co' }))).toMatchObject({
      wabaIds: ['1', '2'],
      alertEmails: ['a@b.co', 'c@d.co'],
      pollRateMinutes: 15,
      retainData: true,
    });
  });
});
