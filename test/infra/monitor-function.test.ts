import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { AttributeType, TableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { Bucket } from 'aws-cdk-lib/aws-s3';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { Queue } from 'aws-cdk-lib/aws-sqs';
import { describe, expect, it } from 'vitest';
import { MonitorFunction } from '../../infra/constructs/monitor-function.ts';

/* One call binds a resource to a function: its variable (by contract name) and exactly the access it needs. */

function fixture() {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  const stack = new Stack(app, 'Bind');
  const fn = new MonitorFunction(stack, 'fn', {
    entry: 'functions/api/handler.ts',
    serviceName: 'quality-read-api',
    logLevel: 'INFO',
    logRetentionDays: 7,
    environment: { HISTORY_TTL_DAYS: '30' },
  });
  const table = new TableV2(stack, 'table', {
    partitionKey: { name: 'pk', type: AttributeType.STRING },
    globalSecondaryIndexes: [{ indexName: 'gsi1', partitionKey: { name: 'g', type: AttributeType.STRING } }],
  });
  return {
    stack,
    fn,
    table,
    id: (c: { node: { defaultChild?: unknown } }) => stack.getLogicalId(c.node.defaultChild as never),
  };
}

const statementsOf = (template: Template) =>
  Object.values(template.findResources('AWS::IAM::Policy')).flatMap(
    (p) => p.Properties.PolicyDocument.Statement,
  );
const variablesOf = (template: Template) =>
  Object.values(template.findResources('AWS::Lambda::Function'))[0]?.Properties.Environment.Variables;

describe('MonitorFunction binding', () => {
  it('binds a table with exactly the actions given, on the table and the one index named', () => {
    const { stack, fn, table, id } = fixture();
    fn.bindTable(table, {
      actions: ['dynamodb:GetItem'],
      index: { name: 'gsi1', actions: ['dynamodb:Query'] },
    });
    const template = Template.fromStack(stack);
    expect(variablesOf(template)).toMatchObject({ TABLE_NAME: { Ref: id(table) }, HISTORY_TTL_DAYS: '30' });
    const dynamo = statementsOf(template).filter((s) => JSON.stringify(s.Action).includes('dynamodb'));
    expect(dynamo).toEqual([
      { Action: 'dynamodb:GetItem', Effect: 'Allow', Resource: { 'Fn::GetAtt': [id(table), 'Arn'] } },
      {
        Action: 'dynamodb:Query',
        Effect: 'Allow',
        Resource: { 'Fn::Join': ['', [{ 'Fn::GetAtt': [id(table), 'Arn'] }, '/index/gsi1']] },
      },
    ]);
  });

  it('binds a table read-only under another variable, with no write action', () => {
    const { stack, fn, table, id } = fixture();
    fn.bindTable(table, 'read', 'WABA_REGISTRY_TABLE');
    const template = Template.fromStack(stack);
    expect(variablesOf(template)).toMatchObject({ WABA_REGISTRY_TABLE: { Ref: id(table) } });
    expect(variablesOf(template).TABLE_NAME).toBeUndefined();
    const actions = statementsOf(template).flatMap((s) => [s.Action].flat());
    expect(actions).toContain('dynamodb:GetItem');
    expect(actions.filter((a: string) => /^dynamodb:.*(Put|Update|Delete|Write)/.test(a))).toEqual([]);
  });

  it('binds a queue, a topic, a secret and a bucket prefix with their variables and grants', () => {
    const { stack, fn, id } = fixture();
    const queue = new Queue(stack, 'queue');
    const topic = new Topic(stack, 'topic');
    const secret = new Secret(stack, 'secret');
    const bucket = new Bucket(stack, 'bucket');
    fn.bindQueueForSending(queue, 'EVENT_QUEUE_URL')
      .bindTopicForPublishing(topic)
      .bindSecret(secret, 'APP_SECRET_NAME')
      .bindBucketForPutting(bucket, 'parked/*', 'PARKED_CHANGES_BUCKET');
    const template = Template.fromStack(stack);
    expect(variablesOf(template)).toMatchObject({
      EVENT_QUEUE_URL: { Ref: id(queue) },
      ALERT_TOPIC_ARN: { Ref: id(topic) },
      APP_SECRET_NAME: { Ref: id(secret) },
      PARKED_CHANGES_BUCKET: { Ref: id(bucket) },
    });
    const statements = statementsOf(template);
    expect(statements).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ Action: expect.arrayContaining(['sqs:SendMessage']) }),
        expect.objectContaining({ Action: 'sns:Publish', Resource: { Ref: id(topic) } }),
        expect.objectContaining({ Action: expect.arrayContaining(['secretsmanager:GetSecretValue']) }),
        expect.objectContaining({
          Action: 's3:PutObject',
          Resource: { 'Fn::Join': ['', [{ 'Fn::GetAtt': [id(bucket), 'Arn'] }, '/parked/*']] },
        }),
      ]),
    );
    // Writing parked objects only: no read, list or delete on the bucket.
    expect(statements.flatMap((s) => [s.Action].flat()).filter((a: string) => a.startsWith('s3:'))).toEqual([
      's3:PutObject',
    ]);
  });

  it('takes only settings in its environment: resources come with their grant (a compile error otherwise)', () => {
    const { stack } = fixture();
    const unbound = () =>
      new MonitorFunction(stack, 'unbound', {
        entry: 'functions/api/handler.ts',
        serviceName: 'quality-read-api',
        logLevel: 'INFO',
        logRetentionDays: 7,
        // @ts-expect-error TABLE_NAME is a resource's variable: bindTable sets it along with the grant.
        environment: { TABLE_NAME: 'quality' },
      });
    const misspelt = () =>
      new MonitorFunction(stack, 'misspelt', {
        entry: 'functions/api/handler.ts',
        // @ts-expect-error not a service name the dashboard knows
        serviceName: 'quality-reader',
        logLevel: 'INFO',
        logRetentionDays: 7,
      });
    // Both still build at run time: the guard is the type, checked by `npm run typecheck`.
    expect(unbound).not.toThrow();
    expect(misspelt).not.toThrow();
  });
});
