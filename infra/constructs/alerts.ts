import { CfnOutput, Duration, Stack, Validations } from 'aws-cdk-lib';
import { LoggingLevel, SlackChannelConfiguration } from 'aws-cdk-lib/aws-chatbot';
import { ManagedPolicy, PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import { CfnPipe } from 'aws-cdk-lib/aws-pipes';
import { SubscriptionFilter, Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription, SqsSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { AlertRoute } from '../config.ts';

export interface AlertsProps {
  readonly alertEmails: readonly string[];
  /** Email lists that receive only the alerts of some WABAs and/or severities. */
  readonly alertRoutes?: readonly AlertRoute[];
  readonly slackWorkspaceId?: string;
  readonly slackChannelId?: string;
}

/**
 * The alert topic, encrypted with a customer-managed key whose policy lets CloudWatch alarms and AWS Chatbot use
 * it (they cannot use the AWS-managed `alias/aws/sns` key), email subscriptions, and optionally a Slack channel.
 */
export class Alerts extends Construct {
  readonly topic: Topic;
  readonly key: Key;

  constructor(scope: Construct, id: string, props: AlertsProps) {
    super(scope, id);
    this.key = new Key(this, 'alerts-key', {
      description: 'Encrypts the WhatsApp quality alert topic',
      enableKeyRotation: true,
      pendingWindow: Duration.days(7),
    });
    // Only on behalf of this account's alarms and Chatbot configurations (no confused deputy: another account's
    // alarm cannot use this key through the service).
    const { account, partition, region } = Stack.of(this);
    const services = {
      'cloudwatch.amazonaws.com': `arn:${partition}:cloudwatch:${region}:${account}:alarm:*`,
      'chatbot.amazonaws.com': `arn:${partition}:chatbot::${account}:chat-configuration/*`,
    };
    for (const [service, sourceArn] of Object.entries(services)) {
      this.key.addToResourcePolicy(
        new PolicyStatement({
          actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
          principals: [new ServicePrincipal(service)],
          resources: ['*'],
          conditions: {
            StringEquals: { 'aws:SourceAccount': account },
            ArnLike: { 'aws:SourceArn': sourceArn },
          },
        }),
      );
    }
    this.topic = new Topic(this, 'alerts-topic', {
      displayName: 'WhatsApp quality alerts',
      masterKey: this.key,
      enforceSSL: true,
    });
    // enforceSSL gives the topic its own policy, which no longer has SNS's default allow: CloudWatch alarms of
    // this account need an explicit one.
    this.topic.addToResourcePolicy(
      new PolicyStatement({
        sid: 'AllowCloudWatchAlarms',
        actions: ['sns:Publish'],
        principals: [new ServicePrincipal('cloudwatch.amazonaws.com')],
        resources: [this.topic.topicArn],
        conditions: {
          StringEquals: { 'aws:SourceAccount': Stack.of(this).account },
          ArnLike: {
            'aws:SourceArn': `arn:${Stack.of(this).partition}:cloudwatch:${Stack.of(this).region}:${Stack.of(this).account}:alarm:*`,
          },
        },
      }),
    );
    for (const email of props.alertEmails) this.topic.addSubscription(new EmailSubscription(email));
    // Routes: the message attributes every alert carries (alert-message.ts) select what each list receives.
    (props.alertRoutes ?? []).forEach((route, index) => {
      const filterPolicy = {
        ...(route.wabaIds
          ? { wabaId: SubscriptionFilter.stringFilter({ allowlist: [...route.wabaIds] }) }
          : {}),
        ...(route.severities
          ? { severity: SubscriptionFilter.stringFilter({ allowlist: [...route.severities] }) }
          : {}),
      };
      for (const email of route.emails ?? [])
        this.topic.addSubscription(new EmailSubscription(email, { filterPolicy }));
      if (route.slack) this.slackRoute(`route-${index}`, route.slack, filterPolicy);
    });

    if (props.slackWorkspaceId && props.slackChannelId) {
      new SlackChannelConfiguration(this, 'slack-channel', {
        slackChannelConfigurationName: `whatsapp-quality-${props.slackChannelId}`,
        slackWorkspaceId: props.slackWorkspaceId,
        slackChannelId: props.slackChannelId,
        notificationTopics: [this.topic],
        loggingLevel: LoggingLevel.ERROR,
        // Read-only in Slack: the channel shows alerts, it cannot change the account.
        guardrailPolicies: [ManagedPolicy.fromAwsManagedPolicyName('ReadOnlyAccess')],
      });
    }
    new CfnOutput(scope, 'AlertTopicArn', {
      value: this.topic.topicArn,
      description: 'SNS topic of the alerts',
    });
  }

  /**
   * A Slack channel that receives only some alerts. AWS Chatbot subscribes to a topic itself and that
   * subscription takes no filter policy, so the route gets a topic of its own, fed by a filtered subscription of
   * the alert topic: SNS cannot subscribe a topic to a topic, so a queue (raw delivery: its body is the Chatbot
   * custom notification) and an EventBridge Pipe that publishes each body to the route topic carry it across.
   */
  private slackRoute(
    id: string,
    slack: { readonly workspaceId: string; readonly channelId: string },
    filterPolicy: Record<string, SubscriptionFilter>,
  ): void {
    const routeTopic = new Topic(this, `${id}-topic`, {
      displayName: `WhatsApp quality alerts for Slack channel ${slack.channelId}`,
      masterKey: this.key,
      enforceSSL: true,
    });
    const deadLetters = new Queue(this, `${id}-dlq`, {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    const queue = new Queue(this, `${id}-queue`, {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      deadLetterQueue: { queue: deadLetters, maxReceiveCount: 5 },
    });
    this.topic.addSubscription(new SqsSubscription(queue, { rawMessageDelivery: true, filterPolicy }));
    const role = new Role(this, `${id}-pipe-role`, {
      assumedBy: new ServicePrincipal('pipes.amazonaws.com', {
        conditions: { StringEquals: { 'aws:SourceAccount': Stack.of(this).account } },
      }),
    });
    queue.grantConsumeMessages(role);
    routeTopic.grantPublish(role);
    Validations.of(role).acknowledge({
      id: 'AwsSolutions-IAM5[Action::kms:GenerateDataKey*]',
      reason:
        'Publishing to the route topic needs a data key of its customer-managed KMS key; scoped to that key.',
    });
    new CfnPipe(this, `${id}-pipe`, {
      roleArn: role.roleArn,
      source: queue.queueArn,
      // One alert per publish: the route topic receives exactly the message the alert topic did.
      sourceParameters: { sqsQueueParameters: { batchSize: 1 } },
      target: routeTopic.topicArn,
      // The body is the Chatbot custom notification (JSON), passed on as it is.
      targetParameters: { inputTemplate: '<$.body>' },
    });
    new SlackChannelConfiguration(this, `${id}-slack-channel`, {
      slackChannelConfigurationName: `whatsapp-quality-${slack.channelId}-${id}`,
      slackWorkspaceId: slack.workspaceId,
      slackChannelId: slack.channelId,
      notificationTopics: [routeTopic],
      loggingLevel: LoggingLevel.ERROR,
      guardrailPolicies: [ManagedPolicy.fromAwsManagedPolicyName('ReadOnlyAccess')],
    });
  }
}
