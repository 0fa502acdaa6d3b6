import { PublishCommand, type SNSClient } from '@aws-sdk/client-sns';
import type { StoredAlert } from '../alerts/alert.ts';
import { alertMessageOf } from '../alerts/alert-message.ts';

/** Publishes alerts to the SNS topic, one message each, with filterable attributes. */
export class AlertPublisher {
  constructor(
    private readonly sns: SNSClient,
    private readonly topicArn: string,
  ) {}

  async publish(alert: StoredAlert): Promise<void> {
    const message = alertMessageOf(alert);
    await this.sns.send(
      new PublishCommand({
        TopicArn: this.topicArn,
        Subject: message.subject,
        Message: message.message,
        MessageStructure: 'json',
        MessageAttributes: Object.fromEntries(
          Object.entries(message.attributes).map(([name, value]) => [
            name,
            { DataType: 'String', StringValue: value },
          ]),
        ),
      }),
    );
  }
}
