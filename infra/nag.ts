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
  const schedulerRole = stack.node.findAll().find((c) => c.node.id.startsWith('SchedulerRoleForTarget'));
  if (schedulerRole) {
    Validations.of(schedulerRole).acknowledge({
      id: rule('IAM5', `Resource::<${logicalIdOf(poller.fn)}.Arn>:*`),
      reason: 'EventBridge Scheduler may invoke any version of the poller function, and nothing else.',
    });
  }
}
