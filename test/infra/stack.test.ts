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

/** A stand-in for `dist/console/` (the console's build is tested with the console itself). */
const consoleAssetDir = mkdtempSync(join(tmpdir(), 'console-build-'));
writeFileSync(join(consoleAssetDir, 'index.html'), '<!doctype html><title>console</title>');

/** Synthesizes the stack with the given context; bundling is skipped (tested by `npm run synth` and the bench). */
function synth(context: Record<string, unknown> = {}) {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [], ...context } });
  const stack = new QualityMonitorStack(app, 'Monitor', {
    config: configFromContext(app.node),
    consoleAssetDir,
  });
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
    const bare = new QualityMonitorStack(app, 'Bare', {
      config: configFromContext(app.node),
      consoleAssetDir,
    });
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
    expect(ours).toHaveLength(6);
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

  it('route a WABA and a severity to their own email lists with filter policies; everyone else gets everything', () => {
    const { template: routed } = synth({
      alertEmails: 'all@example.com',
      alertRoutes: [
        { emails: ['acme-team@example.com'], wabaIds: ['102290129340398'] },
        { emails: ['oncall@example.com'], severities: ['CRITICAL'] },
      ],
    });
    routed.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email',
      Endpoint: 'acme-team@example.com',
      FilterPolicy: { wabaId: ['102290129340398'] },
    });
    routed.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email',
      Endpoint: 'oncall@example.com',
      FilterPolicy: { severity: ['CRITICAL'] },
    });
    const everything = Object.values(routed.findResources('AWS::SNS::Subscription')).find(
      (s) => s.Properties.Endpoint === 'all@example.com',
    );
    expect(everything?.Properties.FilterPolicy).toBeUndefined();
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

describe('Slack routes', () => {
  const slackRoutes = {
    alertEmails: 'all@example.com',
    slackWorkspaceId: 'T0123',
    slackChannelId: 'C0ALL',
    alertRoutes: [
      { slack: { workspaceId: 'T0123', channelId: 'C0ACME' }, wabaIds: ['102290129340398'] },
      {
        emails: ['oncall@example.com'],
        slack: { workspaceId: 'T0123', channelId: 'C0PAGE' },
        severities: ['CRITICAL'],
      },
    ],
  };
  let routed: { stack: QualityMonitorStack; template: Template };
  beforeAll(() => {
    routed = synth(slackRoutes);
  });

  const topicArnOf = (channelId: string) => {
    const [config] = Object.values(
      routed.template.findResources('AWS::Chatbot::SlackChannelConfiguration', {
        Properties: { SlackChannelId: channelId },
      }),
    );
    const arns = config?.Properties.SnsTopicArns as { Ref: string }[];
    expect(arns).toHaveLength(1);
    return arns[0]?.Ref;
  };

  it('give each routed channel a topic of its own, fed by a filtered raw subscription through a queue and a pipe', () => {
    const all = topicArnOf('C0ALL');
    for (const [channel, filter] of [
      ['C0ACME', { wabaId: ['102290129340398'] }],
      ['C0PAGE', { severity: ['CRITICAL'] }],
    ] as const) {
      const routeTopic = topicArnOf(channel);
      // Not the alert topic: Chatbot's own subscription cannot filter.
      expect(routeTopic).not.toBe(all);
      const pipes = Object.values(routed.template.findResources('AWS::Pipes::Pipe')).filter(
        (p) => p.Properties.Target.Ref === routeTopic,
      );
      expect(pipes).toHaveLength(1);
      const pipe = pipes[0]?.Properties;
      expect(pipe.TargetParameters).toEqual({ InputTemplate: '<$.body>' });
      expect(pipe.SourceParameters).toEqual({ SqsQueueParameters: { BatchSize: 1 } });
      const queueId = (pipe.Source as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
      const subscriptions = Object.values(
        routed.template.findResources('AWS::SNS::Subscription', { Properties: { Protocol: 'sqs' } }),
      ).filter((sub) => sub.Properties.Endpoint['Fn::GetAtt'][0] === queueId);
      expect(subscriptions).toHaveLength(1);
      expect(subscriptions[0]?.Properties).toMatchObject({
        TopicArn: { Ref: all },
        RawMessageDelivery: true,
        FilterPolicy: filter,
      });
    }
    // The email list of a route still gets its filtered email subscription.
    routed.template.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email',
      Endpoint: 'oncall@example.com',
      FilterPolicy: { severity: ['CRITICAL'] },
    });
  });

  it('let each pipe only read its queue and publish to its route topic', () => {
    for (const channel of ['C0ACME', 'C0PAGE']) {
      const routeTopic = topicArnOf(channel);
      const [pipe] = Object.values(routed.template.findResources('AWS::Pipes::Pipe')).filter(
        (p) => p.Properties.Target.Ref === routeTopic,
      );
      const roleId = pipe?.Properties.RoleArn['Fn::GetAtt'][0];
      const statements = Object.values(routed.template.findResources('AWS::IAM::Policy'))
        .filter((policy) => policy.Properties.Roles.some((r: { Ref: string }) => r.Ref === roleId))
        .flatMap((policy) => policy.Properties.PolicyDocument.Statement);
      const publish = statements.filter((st) => [st.Action].flat().includes('sns:Publish'));
      expect(publish.map((st) => st.Resource)).toEqual([{ Ref: routeTopic }]);
      const receive = statements.filter((st) => [st.Action].flat().includes('sqs:ReceiveMessage'));
      expect(receive.map((st) => st.Resource)).toEqual([
        { 'Fn::GetAtt': [pipe?.Properties.Source['Fn::GetAtt'][0], 'Arn'] },
      ]);
    }
  });

  it('pass cdk-nag and cfn-lint with routes', () => {
    const report = new AwsSolutionsChecks().validateScope(routed.stack);
    expect(
      report.violations.map(
        (v) => `${v.ruleName}: ${v.violatingResources.map((r) => r.resourceLogicalId).join(', ')}`,
      ),
    ).toEqual([]);
    const file = join(mkdtempSync(join(tmpdir(), 'cfn-')), 'template.json');
    writeFileSync(file, JSON.stringify(routed.template.toJSON()));
    try {
      execFileSync('cfn-lint', ['-i', 'W3005', '--', file], { stdio: 'pipe' });
    } catch (error) {
      const e = error as NodeJS.ErrnoException & { stdout?: Buffer };
      throw new Error(`cfn-lint found problems:\n${e.stdout?.toString()}`);
    }
  });

  it.each([
    [[{ wabaIds: ['1'] }], 'every route needs emails, a slack channel, or both'],
    [[{ slack: { workspaceId: 'T0123' }, wabaIds: ['1'] }], 'slack: expected'],
    [[{ slack: { workspaceId: 'T0123', channelId: 'C0456' } }], 'give wabaIds or severities'],
  ])('refuse a bad route %j', (routes, message) => {
    expect(() => synth({ alertRoutes: routes })).toThrow(message);
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

describe('poll fan-out', () => {
  it('queues poll jobs with SSE and SSL, a visibility timeout of 6x the worker timeout, and a DLQ after 3 receives', () => {
    const queue = resourceOf('AWS::SQS::Queue', idOf(stack.poller.jobQueue));
    const worker = resourceOf('AWS::Lambda::Function', idOf(stack.poller.worker));
    expect(queue?.Properties.SqsManagedSseEnabled).toBe(true);
    expect(queue?.Properties.VisibilityTimeout).toBeGreaterThanOrEqual(6 * worker?.Properties.Timeout);
    expect(queue?.Properties.RedrivePolicy).toEqual({
      deadLetterTargetArn: { 'Fn::GetAtt': [idOf(stack.poller.jobDeadLetterQueue), 'Arn'] },
      maxReceiveCount: 3,
    });
    for (const q of [stack.poller.jobQueue, stack.poller.jobDeadLetterQueue]) {
      template.hasResourceProperties('AWS::SQS::QueuePolicy', {
        Queues: [{ Ref: idOf(q) }],
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
          ]),
        },
      });
    }
    const dlqAlarm = Object.values(template.findResources('AWS::CloudWatch::Alarm')).find(
      (a) =>
        a.Properties.MetricName === 'ApproximateNumberOfMessagesVisible' &&
        JSON.stringify(a.Properties.Dimensions).includes(idOf(stack.poller.jobDeadLetterQueue)),
    );
    expect(dlqAlarm?.Properties).toMatchObject({
      Threshold: 1,
      AlarmActions: [{ Ref: idOf(stack.alerts.topic) }],
    });
  });

  it('feeds the workers from the queue with partial batch responses and the configured maximum concurrency', () => {
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      FunctionName: { Ref: idOf(stack.poller.worker) },
      EventSourceArn: { 'Fn::GetAtt': [idOf(stack.poller.jobQueue), 'Arn'] },
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      BatchSize: 10,
      ScalingConfig: { MaximumConcurrency: 5 },
    });
    const { stack: wide, template: t } = synth({ pollConcurrency: 40 });
    t.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      FunctionName: { Ref: wide.getLogicalId(wide.poller.worker.node.defaultChild as never) },
      ScalingConfig: { MaximumConcurrency: 40 },
    });
  });

  it('keeps the WABA registry in its own encrypted table with PITR', () => {
    const table = resourceOf('AWS::DynamoDB::GlobalTable', idOf(stack.poller.registry));
    expect(table?.Properties).toMatchObject({
      BillingMode: 'PAY_PER_REQUEST',
      KeySchema: [{ AttributeName: 'wabaId', KeyType: 'HASH' }],
      SSESpecification: { SSEEnabled: true },
      Replicas: [
        expect.objectContaining({ PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true } }),
      ],
    });
  });

  it('gives the planner its WABA list, exclusions, businesses and queue, and the workers their budget', () => {
    const { stack: s2, template: t } = synth({
      excludeWabaIds: '7',
      businessIds: '55,66',
      pollCallBudgetPerHour: 5000,
    });
    const env = (fn: { node: { defaultChild?: unknown } }) =>
      t.findResources('AWS::Lambda::Function')[s2.getLogicalId(fn.node.defaultChild as never)]?.Properties
        .Environment.Variables;
    expect(env(s2.poller.fn)).toMatchObject({
      WABA_IDS: '',
      EXCLUDE_WABA_IDS: '7',
      BUSINESS_IDS: '55,66',
      POLL_JOB_QUEUE_URL: { Ref: s2.getLogicalId(s2.poller.jobQueue.node.defaultChild as never) },
      WABA_REGISTRY_TABLE: expect.anything(),
    });
    expect(env(s2.poller.worker)).toMatchObject({
      POLL_CALL_BUDGET_PER_HOUR: '5000',
      EVENT_QUEUE_URL: expect.anything(),
      WABA_REGISTRY_TABLE: expect.anything(),
    });
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
    // Our functions' roles (CDK's own BucketDeployment handler keeps its basic role, acknowledged in nag.ts).
    const ourRoleIds = Object.values(template.findResources('AWS::Lambda::Function'))
      .filter((f) => f.Properties.Environment?.Variables?.POWERTOOLS_SERVICE_NAME)
      .map((f) => f.Properties.Role['Fn::GetAtt'][0] as string);
    expect(ourRoleIds).toHaveLength(6);
    const roles = template.findResources('AWS::IAM::Role');
    for (const id of ourRoleIds) expect(roles[id]?.Properties.ManagedPolicyArns).toBeUndefined();
    const fns = [
      stack.webhookApi.ingest,
      stack.webhookApi.reader,
      stack.pipeline.processor,
      stack.pipeline.alertSweep,
      stack.poller.fn,
      stack.poller.worker,
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

  it('the processor cannot batch-write or scan (it deletes only incidents a late event moved); the sweep reads owed and held events on the index and records digests', () => {
    const processor = statementsOf(stack.pipeline.processor as never)
      .flatMap(actions)
      .filter((a) => a.startsWith('dynamodb:'));
    expect(processor.sort()).toEqual([
      'dynamodb:ConditionCheckItem',
      'dynamodb:DeleteItem',
      'dynamodb:GetItem',
      'dynamodb:PutItem',
      'dynamodb:Query',
      'dynamodb:UpdateItem',
    ]);
    const sweep = statementsOf(stack.pipeline.alertSweep as never)
      .flatMap(actions)
      .filter((a) => a.startsWith('dynamodb:'));
    expect(sweep.sort()).toEqual([
      'dynamodb:GetItem',
      'dynamodb:PutItem',
      'dynamodb:Query',
      'dynamodb:UpdateItem',
    ]);
  });

  it('give the processor and the sweep the same alert policy (defaults, or the context)', () => {
    const fns = template.findResources('AWS::Lambda::Function');
    const env = (fn: unknown) => fns[idOf(fn as never)]?.Properties.Environment.Variables;
    for (const fn of [stack.pipeline.processor, stack.pipeline.alertSweep])
      expect(env(fn)).toMatchObject({
        ALERT_DIGEST_THRESHOLD: '10',
        ALERT_DIGEST_WINDOW_SECONDS: '300',
        ALERT_FLAP_ALTERNATIONS: '3',
        ALERT_FLAP_WINDOW_HOURS: '24',
        ALERT_REMINDER_HOURS: '24',
      });
    const { stack: tuned, template: tunedTemplate } = synth({
      alertDigestThreshold: 50,
      alertReminderHours: 0,
    });
    const tunedFns = tunedTemplate.findResources('AWS::Lambda::Function');
    const processorId = tuned.getLogicalId(tuned.pipeline.processor.node.defaultChild as never);
    expect(tunedFns[processorId]?.Properties.Environment.Variables).toMatchObject({
      ALERT_DIGEST_THRESHOLD: '50',
      ALERT_REMINDER_HOURS: '0',
    });
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
    const registry = { 'Fn::GetAtt': [idOf(stack.poller.registry), 'Arn'] };
    for (const fn of [stack.poller.fn, stack.poller.worker]) {
      const statements = statementsOf(fn as never);
      expect(statements.flatMap(actions).some((a) => a.startsWith('sns:'))).toBe(false);
      // DynamoDB: only their own registry table, never the quality table.
      for (const s of statements.filter((st) => actions(st).some((a) => a.startsWith('dynamodb:'))))
        expect([s.Resource].flat()).toEqual([registry]);
    }
  });

  it('the planner lists WABAs and queues jobs; the workers poll and send events, nothing more', () => {
    const planner = statementsOf(stack.poller.fn as never);
    const worker = statementsOf(stack.poller.worker as never);
    const byResource = (statements: { Action: string | string[]; Resource: unknown }[], resource: unknown) =>
      statements
        .filter((s) => JSON.stringify([s.Resource].flat()) === JSON.stringify([resource]))
        .flatMap(actions);
    const registry = { 'Fn::GetAtt': [idOf(stack.poller.registry), 'Arn'] };
    const jobs = { 'Fn::GetAtt': [idOf(stack.poller.jobQueue), 'Arn'] };
    const events = { 'Fn::GetAtt': [idOf(stack.pipeline.queue), 'Arn'] };
    expect(byResource(planner, registry).sort()).toEqual(['dynamodb:Scan', 'dynamodb:UpdateItem']);
    expect(byResource(planner, jobs)).toContain('sqs:SendMessage');
    expect(byResource(planner, events)).toEqual([]);
    expect(byResource(worker, registry).sort()).toEqual(['dynamodb:GetItem', 'dynamodb:UpdateItem']);
    expect(byResource(worker, events)).toContain('sqs:SendMessage');
    expect(byResource(worker, jobs)).toEqual(
      expect.arrayContaining(['sqs:ReceiveMessage', 'sqs:DeleteMessage']),
    );
    expect(byResource(worker, jobs)).not.toContain('sqs:SendMessage');
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
    const readRoutes = Object.values(template.findResources('AWS::ApiGatewayV2::Route'))
      .map((r) => r.Properties)
      .filter((r) => r.RouteKey.includes(' /v1/'));
    expect(readRoutes.map((r) => [r.RouteKey, r.AuthorizationType])).toEqual([
      ['GET /v1/{proxy+}', 'AWS_IAM'],
    ]);
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
    expect(metrics.filter((m) => m === 'ApproximateNumberOfMessagesVisible')).toHaveLength(3);
    expect(metrics).toEqual(expect.arrayContaining(['ApproximateAgeOfOldestMessage', '5xx']));
    expect(metrics.filter((m) => m === 'Errors')).toHaveLength(6);
    expect(metrics.filter((m) => m === 'Throttles')).toHaveLength(6);
    for (const alarm of alarms)
      expect(alarm.Properties.AlarmActions).toContainEqual({ Ref: idOf(stack.alerts.topic) });
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
      ScheduleExpression: 'rate(1 minute)',
      Targets: [Match.objectLike({ Arn: { 'Fn::GetAtt': [idOf(stack.pipeline.alertSweep), 'Arn'] } })],
    });
  });

  it('alarm when some WABA has not been polled successfully for two periods, or the planner did not run', () => {
    const pollerAlarm = (t: Template) =>
      Object.values(t.findResources('AWS::CloudWatch::Alarm')).find((a) =>
        JSON.stringify(a.Properties.Metrics ?? []).includes('WabasNotPolledRecently'),
      );
    const alarm = pollerAlarm(template);
    expect(alarm?.Properties).toMatchObject({
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      TreatMissingData: 'breaching',
    });
    const metrics = alarm?.Properties.Metrics as {
      Expression?: string;
      MetricStat?: { Metric: { MetricName: string }; Period: number };
    }[];
    expect(metrics.find((m) => m.Expression)?.Expression).toBe(
      'IF(FILL(planned, 0) < 1, 1, FILL(overdue, 0))',
    );
    expect(
      metrics.flatMap((m) => (m.MetricStat ? [[m.MetricStat.Metric.MetricName, m.MetricStat.Period]] : [])),
    ).toEqual(
      expect.arrayContaining([
        ['PollRunsPlanned', 1800],
        ['WabasNotPolledRecently', 1800],
      ]),
    );
    // Discovery polls without a WABA list, so the alarm is there without one too.
    expect(pollerAlarm(synth().template)).toBeDefined();
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
    [{ excludeWabaIds: 'x' }, /excludeWabaIds: "x"/],
    [{ businessIds: 'acme' }, /businessIds: "acme" is not a business id/],
    [{ pollConcurrency: 1 }, /pollConcurrency=1/],
    [{ pollConcurrency: 1001 }, /pollConcurrency=1001: expected a whole number from 2 to 1000/],
    [{ pollCallBudgetPerHour: 0 }, /pollCallBudgetPerHour=0/],
    [{ alertDigestThreshold: -1 }, /alertDigestThreshold=-1/],
    [{ alertRoutes: '{not json' }, /alertRoutes: expected a JSON array/],
    [{ alertRoutes: [{ emails: ['a@b.co'] }] }, /give wabaIds or severities/],
    [{ alertRoutes: [{ emails: ['a@b.co'], severities: ['LOUD'] }] }, /"LOUD" is not one of/],
    [{ alertRoutes: [{ wabaIds: ['1'] }] }, /needs emails, a slack channel, or both/],
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
