import { CreateQueueCommand, PurgeQueueCommand, SQSClient } from '@aws-sdk/client-sqs';
import { postWebhook } from '../local/webhook-client.ts';
import { withLocalPipeline } from './bench-setup.ts';
import { rawEnqueueSeconds } from './local-floors.ts';
import { templateDelivery } from './local-sustained.ts';
import { fixed, median, printTable } from './measure.ts';

const SECRET = 'bench-secret';

/**
 * How long a signed delivery of 1,000 and of 10,000 changes takes to be answered by the local pipeline, beside
 * the floor: the same number of messages put on the same queue with raw SendMessageBatch calls. The two sides
 * alternate round by round, so that a noisy moment hits both. The processor runs meanwhile, as in `npm start`
 * (it competes for the same 2 cores); the queues are purged after each round so that rounds stay alike.
 */
export async function benchAnswerTime(): Promise<void> {
  const rounds = Number(process.env.BENCH_ANSWER_ROUNDS ?? '5');
  await withLocalPipeline({ appSecret: SECRET }, async (pipeline) => {
    const sqs = new SQSClient({});
    const { QueueUrl: floorQueue = '' } = await sqs.send(
      new CreateQueueCommand({ QueueName: 'bench-floor' }),
    );
    const rows: Record<string, string | number>[] = [];
    let offset = 0;
    for (const changes of [1000, 10_000]) {
      const answers: number[] = [];
      const floors: number[] = [];
      const eventBytes = Buffer.byteLength(templateDelivery(0, 1, 1_780_000_000)) + 200;
      for (let round = 0; round < rounds; round += 1) {
        const body = templateDelivery(offset, changes, 1_780_000_000 + round);
        offset += changes;
        const start = performance.now();
        const { status } = await postWebhook(pipeline.url, body, SECRET, { retries: 0 });
        if (status !== 200) throw new Error(`the ${changes}-change delivery answered ${status}`);
        answers.push((performance.now() - start) / 1000);
        floors.push(await rawEnqueueSeconds(floorQueue, changes, eventBytes));
        // Keep the queues from growing round after round (both sides alike).
        await sqs.send(new PurgeQueueCommand({ QueueUrl: pipeline.resources.eventQueueUrl }));
        await sqs.send(new PurgeQueueCommand({ QueueUrl: floorQueue }));
      }
      const answer = median(answers);
      const floor = median(floors);
      rows.push({
        delivery: `${changes.toLocaleString('en-US')} changes (${fixed(Buffer.byteLength(templateDelivery(0, changes, 0)) / 1024, 0)} KiB)`,
        'answered in, s (median)': fixed(answer, 2),
        target: changes === 1000 ? '< 2 s' : '< 15 s',
        'floor: raw SendMessageBatch, s': fixed(floor, 2),
        'ratio to floor': fixed(answer / floor, 2),
        'raw SendMessageBatch calls/s': fixed(Math.ceil(changes / 10) / floor, 0),
      });
    }
    printTable(`Local pipeline: time to answer one signed delivery (${rounds} interleaved rounds)`, rows);
  });
}

if (import.meta.url === `file://${process.argv[1]}`) await benchAnswerTime();
