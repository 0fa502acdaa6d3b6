import { type App, type CfnResource, Stack, Validations } from 'aws-cdk-lib';
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
  const functions = [webhookApi.ingest, webhookApi.reader, pipeline.processor, poller.fn, poller.worker];

  for (const fn of functions) {
    Validations.of(fn).acknowledge({
      id: rule(
        'IAM4',
        'Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole',
      ),
      reason: 'AWSLambdaBasicExecutionRole only lets the function write its own CloudWatch logs.',
    });
  }

  const tableIndexes = `Resource::<${logicalIdOf(pipeline.table)}.Arn>/index/*`;
  for (const fn of [pipeline.processor, webhookApi.reader]) {
    Validations.of(fn).acknowledge({
      id: rule('IAM5', tableIndexes),
      reason: 'Queries the gsi1 index of this one table (listings by kind, alerts by time); no other table.',
    });
  }
  Validations.of(pipeline.processor).acknowledge({
    id: rule('IAM5', 'Action::kms:GenerateDataKey*'),
    reason:
      'Publishing to the alert topic needs a data key of its customer-managed KMS key; scoped to that key.',
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
