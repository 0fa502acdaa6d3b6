import { DynamoDBClient, TransactWriteItemsCommand } from '@aws-sdk/client-dynamodb';
import {
  DeleteMessageCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { postWebhook } from '../local/webhook-client.ts';
import {
  actualReadModel,
  asJson,
  deadLetterDepth,
  expectedReadModel,
  fetchAll,
  waitUntilQuiet,
} from '../test/e2e/e2e-support.ts';
import { generateLoad, sendConcurrently } from '../test/support/load-generator.ts';
import { change, webhookBody } from '../test/support/webhook-builders.ts';
import { withLocalPipeline } from './bench-setup.ts';
import { transactionsPerSecond } from './local-floors.ts';
import { fixed, median, printTable } from './measure.ts';

const SECRET = 'bench-secret';

/**
 * End to end through `npm start`'s pipeline: issue 7's full load (2,000 deliveries of up to 10 changes, 10%
 * duplicated, shuffled, 8 clients; BENCH_E2E_DELIVERIES to change) and latency from POST to state, each beside
 * the emulators' floor: for the load, raw 3-item TransactWriteItems per second against the same DynamoDB Local
 * at the processor's concurrency (an event costs at least one transaction); for the latency, the round trips
 * one event needs at least (SendMessage + ReceiveMessage + TransactWriteItems). Latency and floor take turns.
 */
export async function benchEndToEnd(): Promise<void> {
  const deliveries = Number(process.env.BENCH_E2E_DELIVERIES ?? '2000');
  const instances = 4;
  const options = { appSecret: SECRET, visibilityTimeoutSeconds: 30, processorInstances: instances };
  await withLocalPipeline(options, async (pipeline) => {
    const sqs = new SQSClient({});
    const dynamo = new DynamoDBClient({});
    const floorOnce = async (i: number) => {
      const start = performance.now();
      await sqs.send(
        new SendMessageCommand({
          QueueUrl: pipeline.resources.deadLetterQueueUrl,
          MessageBody: '{"floor":true}',
        }),
      );
      const { Messages = [] } = await sqs.send(
        new ReceiveMessageCommand({
          QueueUrl: pipeline.resources.deadLetterQueueUrl,
          MaxNumberOfMessages: 1,
        }),
      );
      await dynamo.send(
        new TransactWriteItemsCommand({
          TransactItems: ['STATE', 'HISTORY', 'MARK'].map((sk) => ({
            Put: {
              TableName: pipeline.resources.tableName,
              Item: { pk: { S: `FLOOR#${i}` }, sk: { S: sk } },
            },
          })),
        }),
      );
      const ms = performance.now() - start;
      for (const m of Messages)
        await sqs.send(
          new DeleteMessageCommand({
            QueueUrl: pipeline.resources.deadLetterQueueUrl,
            ReceiptHandle: m.ReceiptHandle,
          }),
        );
      return ms;
    };

    // Latency: one delivery at a time, from POST until the read API shows it, alternating with the floor.
    const latencies: number[] = [];
    const floorSamples: number[] = [];
    for (let i = 0; i < 15; i += 1) {
      const templateId = 7_000_000 + i;
      const body = webhookBody({
        ...change.templateQuality(1_770_000_000 + i, 'YELLOW'),
        value: { message_template_id: templateId, new_quality_score: 'YELLOW' },
      });
      const start = performance.now();
      await postWebhook(pipeline.url, body, SECRET);
      for (;;) {
        const response = await fetch(
          `${pipeline.url}/v1/templates/${encodeURIComponent(`102290129340398:${templateId}`)}/history`,
        );
        if (response.status === 200 && ((await response.json()) as { items: unknown[] }).items.length > 0)
          break;
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
      latencies.push(performance.now() - start);
      floorSamples.push(await floorOnce(i));
    }
    const latencyMs = median(latencies);
    const floorMs = median(floorSamples);

    // Throughput: the full load, then the transaction floor on the same (now fuller) table.
    const load = generateLoad({ deliveries, maxChangesPerDelivery: 10, duplicateShare: 0.1, seed: 2026 });
    console.log(
      `\nEnd-to-end load: ${load.bodies.length} deliveries carrying ${load.events.length} distinct events (target: under 3 minutes)...`,
    );
    const start = performance.now();
    const statuses = await sendConcurrently(
      load.bodies,
      8,
      async (b) => (await postWebhook(pipeline.url, b, SECRET, { retries: 20 })).status,
    );
    const accepted = performance.now() - start;
    await waitUntilQuiet(pipeline, 3_600_000);
    const settled = performance.now() - start;
    const eventsPerSecond = load.events.length / (settled / 1000);
    const transactionFloor = await transactionsPerSecond(pipeline, 2000, instances);
    const expected = asJson(expectedReadModel(load.events));
    const actual = await actualReadModel(pipeline.url);
    const loadTemplates = actual.templates.filter((t) => String(t.wabaId).startsWith('9000'));
    const loadPhones = actual.phoneNumbers.filter((p) => String(p.wabaId).startsWith('9000'));
    const published = pipeline.alerts.received.map((a) => a.id);
    const stored = await fetchAll(pipeline.url, '/v1/alerts');

    printTable('End to end through the local pipeline (DynamoDB Local, local SQS, moto for SNS)', [
      {
        figure: 'deliveries accepted (HTTP 200) / sent',
        value: `${statuses.filter((s) => s === 200).length} / ${statuses.length}`,
      },
      {
        figure: 'ingest: deliveries accepted per second (8 clients)',
        value: fixed(load.bodies.length / (accepted / 1000)),
      },
      {
        figure: 'full load: POST of the first to settled state, s (target < 180)',
        value: fixed(settled / 1000),
      },
      { figure: 'pipeline: events applied per second', value: fixed(eventsPerSecond) },
      {
        figure: `floor: raw 3-item TransactWriteItems per second (${instances} at a time)`,
        value: fixed(transactionFloor),
      },
      {
        figure: 'events per second / transaction floor',
        value: fixed(eventsPerSecond / transactionFloor, 2),
      },
      { figure: 'latency POST → state, median ms (15 single deliveries)', value: fixed(latencyMs) },
      {
        figure: 'floor for one event: SendMessage + ReceiveMessage + TransactWriteItems, median ms',
        value: fixed(floorMs),
      },
      { figure: 'latency / floor', value: fixed(latencyMs / floorMs, 2) },
      {
        figure: 'final state equals in-order application',
        value: String(
          JSON.stringify(loadTemplates) === JSON.stringify(expected.templates) &&
            JSON.stringify(loadPhones) === JSON.stringify(expected.phoneNumbers),
        ),
      },
      {
        figure: 'alerts published once each (published = stored)',
        value: String(new Set(published).size === published.length && published.length === stored.length),
      },
      { figure: 'DLQ depth', value: await deadLetterDepth(pipeline) },
    ]);
  });
}

if (import.meta.url === `file://${process.argv[1]}`) await benchEndToEnd();
