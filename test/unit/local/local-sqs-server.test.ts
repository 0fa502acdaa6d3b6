import { appendFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CreateQueueCommand,
  DeleteMessageBatchCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { afterEach, describe, expect, it } from 'vitest';
import { type LocalSqsServer, startLocalSqsServer } from '../../../local/local-sqs-server.ts';

/* The local runtime's durable queue, through the real AWS SDK: SQS semantics, and nothing accepted is lost. */

const dirs: string[] = [];
const servers: LocalSqsServer[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) await server.close();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

async function start(journalPath?: string) {
  const server = await startLocalSqsServer({ journalPath });
  servers.push(server);
  const sqs = new SQSClient({
    endpoint: server.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  const dlq = await sqs.send(new CreateQueueCommand({ QueueName: 'events-dlq' }));
  const queue = await sqs.send(
    new CreateQueueCommand({
      QueueName: 'events',
      Attributes: {
        VisibilityTimeout: '1',
        RedrivePolicy: JSON.stringify({
          deadLetterTargetArn: 'arn:aws:sqs:us-east-1:000000000000:events-dlq',
          maxReceiveCount: 2,
        }),
      },
    }),
  );
  return { server, sqs, queueUrl: queue.QueueUrl as string, dlqUrl: dlq.QueueUrl as string };
}

const send = (sqs: SQSClient, queueUrl: string, bodies: string[]) =>
  sqs.send(
    new SendMessageBatchCommand({
      QueueUrl: queueUrl,
      Entries: bodies.map((body, i) => ({
        Id: String(i),
        MessageBody: body,
        MessageAttributes: { kind: { DataType: 'String', StringValue: 'k' } },
      })),
    }),
  );
const receive = (sqs: SQSClient, queueUrl: string, wait = 0) =>
  sqs
    .send(
      new ReceiveMessageCommand({
        QueueUrl: queueUrl,
        MaxNumberOfMessages: 10,
        WaitTimeSeconds: wait,
        MessageSystemAttributeNames: ['All'],
        MessageAttributeNames: ['All'],
      }),
    )
    .then((r) => r.Messages ?? []);
async function depth(sqs: SQSClient, queueUrl: string) {
  const { Attributes = {} } = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['All'] }),
  );
  return [
    Number(Attributes.ApproximateNumberOfMessages),
    Number(Attributes.ApproximateNumberOfMessagesNotVisible),
  ];
}

describe('local SQS server', () => {
  it('delivers each message once per visibility window, keeps attributes, and deletes by receipt handle', async () => {
    const { sqs, queueUrl } = await start();
    const sent = await send(sqs, queueUrl, ['a', 'b', 'c']);
    expect(sent.Successful).toHaveLength(3);
    const first = await receive(sqs, queueUrl);
    expect(first.map((m) => m.Body)).toEqual(['a', 'b', 'c']);
    expect(first[0]?.MessageAttributes?.kind?.StringValue).toBe('k');
    expect(first[0]?.Attributes?.ApproximateReceiveCount).toBe('1');
    expect(await receive(sqs, queueUrl)).toEqual([]);
    expect(await depth(sqs, queueUrl)).toEqual([0, 3]);
    await sqs.send(
      new DeleteMessageBatchCommand({
        QueueUrl: queueUrl,
        Entries: first.slice(0, 2).map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle })),
      }),
    );
    // The undeleted one comes back after the visibility timeout (1 s), with its receive count up.
    const again = await receive(sqs, queueUrl, 3);
    expect(again.map((m) => [m.Body, m.Attributes?.ApproximateReceiveCount])).toEqual([['c', '2']]);
  });

  it('moves a message received more than maxReceiveCount times to the dead-letter queue', async () => {
    const { sqs, queueUrl, dlqUrl } = await start();
    await send(sqs, queueUrl, ['poison']);
    expect(await receive(sqs, queueUrl, 3)).toHaveLength(1);
    expect(await receive(sqs, queueUrl, 3)).toHaveLength(1);
    expect(await receive(sqs, queueUrl, 2)).toHaveLength(0);
    expect((await receive(sqs, dlqUrl)).map((m) => m.Body)).toEqual(['poison']);
  });

  it('long polling answers as soon as a message arrives', async () => {
    const { sqs, queueUrl } = await start();
    const waiting = receive(sqs, queueUrl, 20);
    await send(sqs, queueUrl, ['late']);
    expect((await waiting).map((m) => m.Body)).toEqual(['late']);
  });

  it('keeps accepted, undeleted messages across a restart, even after a torn last journal line', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'local-sqs-'));
    dirs.push(dir);
    const journal = join(dir, 'queues.journal');
    const before = await start(journal);
    await send(before.sqs, before.queueUrl, ['kept', 'done', 'in-flight']);
    const received = await receive(before.sqs, before.queueUrl);
    const done = received.find((m) => m.Body === 'done');
    await before.sqs.send(
      new DeleteMessageBatchCommand({
        QueueUrl: before.queueUrl,
        Entries: [{ Id: '0', ReceiptHandle: done?.ReceiptHandle }],
      }),
    );
    await before.server.close();
    servers.splice(servers.indexOf(before.server), 1);
    // A hard kill in the middle of writing a line that was never acknowledged.
    appendFileSync(journal, '{"op":"send","queue":"events","mess');

    const after = await start(journal);
    const bodies = (await receive(after.sqs, after.queueUrl)).map((m) => m.Body).sort();
    expect(bodies).toEqual(['in-flight', 'kept']);
  });
});
