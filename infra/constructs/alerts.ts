import { CfnOutput, Duration, Stack } from 'aws-cdk-lib';
import { LoggingLevel, SlackChannelConfiguration } from 'aws-cdk-lib/aws-chatbot';
import { ManagedPolicy, PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import { SubscriptionFilter, Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
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
    for (const route of props.alertRoutes ?? []) {
      const filterPolicy = {
        ...(route.wabaIds
          ? { wabaId: SubscriptionFilter.stringFilter({ allowlist: [...route.wabaIds] }) }
          : {}),
        ...(route.severities
          ? { severity: SubscriptionFilter.stringFilter({ allowlist: [...route.severities] }) }
          : {}),
      };
      for (const email of route.emails)
        this.topic.addSubscription(new EmailSubscription(email, { filterPolicy }));
    }

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
}
