import { DeleteMessageBatchCommand, ReceiveMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';

/** An alert as it came off the topic: the Chatbot notification and the message attributes. */
export interface ReceivedAlert {
  readonly id: string;
  readonly severity: string;
  readonly kind: string;
  readonly wabaId: string;
  readonly title: string;
  readonly description: string;
  readonly nextSteps: readonly string[];
  readonly receivedAt: number;
}

/** Reads the queue subscribed to the alert topic and hands each alert to `onAlert`, as a subscriber would. */
export class AlertFeed {
  private running = false;
  private loopDone: Promise<void> = Promise.resolve();
  readonly received: ReceivedAlert[] = [];

  constructor(
    private readonly sqs: SQSClient,
    private readonly inboxUrl: string,
    private readonly onAlert: (alert: ReceivedAlert) => void = () => {},
  ) {}

  start(): void {
    this.running = true;
    this.loopDone = this.loop();
  }

  async stop(): Promise<void> {
    this.running = false;
    await this.loopDone;
  }

  private async loop(): Promise<void> {
    while (this.running) {
      try {
        const { Messages = [] } = await this.sqs.send(
          new ReceiveMessageCommand({ QueueUrl: this.inboxUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }),
        );
        for (const message of Messages) {
          const alert = alertOf(message.Body ?? '');
          if (alert) {
            this.received.push(alert);
            this.onAlert(alert);
          }
        }
        if (Messages.length > 0) {
          await this.sqs.send(
            new DeleteMessageBatchCommand({
              QueueUrl: this.inboxUrl,
              Entries: Messages.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle })),
            }),
          );
        }
      } catch {
        await new Promise((resolve) => setTimeout(resolve, 500));
      }
    }
  }
}

function alertOf(body: string): ReceivedAlert | undefined {
  try {
    const envelope = JSON.parse(body) as {
      Message: string;
      MessageAttributes?: Record<string, { Value: string }>;
    };
    const chatbot = JSON.parse(envelope.Message) as {
      id: string;
      content: { title: string; description: string; nextSteps?: string[] };
      metadata?: { summary?: string };
    };
    const attribute = (name: string) => envelope.MessageAttributes?.[name]?.Value ?? '';
    return {
      id: chatbot.id,
      severity: attribute('severity'),
      kind: attribute('kind'),
      wabaId: attribute('wabaId'),
      title: chatbot.metadata?.summary ?? chatbot.content.title,
      description: chatbot.content.description,
      nextSteps: chatbot.content.nextSteps ?? [],
      receivedAt: Date.now(),
    };
  } catch {
    return undefined;
  }
}

const MARK: Record<string, string> = { CRITICAL: '🔴', WARNING: '🟠', INFO: '🟢' };

/** One alert, readable in a terminal. */
export function formatAlert(alert: ReceivedAlert): string {
  const time = new Date(alert.receivedAt).toISOString().slice(11, 19);
  const steps = alert.nextSteps.map((step) => `      → ${step}`).join('\n');
  return `${time} ${MARK[alert.severity] ?? '•'} ${alert.severity.padEnd(8)} ${alert.kind}\n      ${alert.title}\n      ${alert.description}${steps ? `\n${steps}` : ''}`;
}
