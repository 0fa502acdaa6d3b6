import { SNSClient } from '@aws-sdk/client-sns';
import { EventProcessor } from '../functions/processor/event-processor.ts';
import { readQueueMessage } from '../functions/processor/queue-message.ts';
import type { QualityEvent } from '../shared/events/quality-event.ts';
import { AlertPublisher } from '../shared/notify/sns-alert-publisher.ts';
import { queueMessageBody } from '../shared/queue/queue-message.ts';
import { DynamoDbAlertOutbox } from '../shared/store/dynamodb-alert-outbox.ts';
import { StateCache } from '../shared/store/state-cache.ts';
import { StateStore } from '../shared/store/state-store.ts';
import { eventsOfMessage } from '../test/support/events-of-message.ts';
import { change, eventsOf } from '../test/support/webhook-builders.ts';
import { QUIET, withEmulators } from './bench-setup.ts';
import { fixed, median, microsPerCallInterleaved, printTable } from './measure.ts';

const BATCH = 10;

/**
 * Ten events on ten templates. A repeated APPROVED moves the state's versions forward and alerts nothing (the
 * common path); a quality RED alerts.
 */
function batchOf(round: number, kind: 'status' | 'red'): string[] {
  return Array.from({ length: BATCH }, (_, i) => {
    const time = 1_760_000_000 + round * 100 + i;
    const spec =
      kind === 'status'
        ? change.templateStatus(time, 'APPROVED', { message_template_id: 5000 + i })
        : {
            ...change.templateQuality(time, 'RED'),
            value: { message_template_id: 5000 + i, new_quality_score: 'RED' },
          };
    return eventsOf(spec).map((event) => queueMessageBody(event));
  }).flat();
}

export async function benchProcessor(): Promise<void> {
  await withEmulators('bench', async ({ resources, doc, dynamoRequests }) => {
    const processor = new EventProcessor({
      store: new StateStore(doc, resources.tableName),
      outbox: new DynamoDbAlertOutbox(doc, resources.tableName),
      publisher: new AlertPublisher(new SNSClient({}), resources.alertTopicArn),
      cache: new StateCache(),
      ...QUIET,
    });
    const run = async (bodies: string[]) => {
      const before = dynamoRequests();
      const start = process.hrtime.bigint();
      for (const body of bodies)
        for (const event of eventsOfMessage(body, Date.now()) as QualityEvent[])
          await processor.process(event);
      return {
        ms: Number(process.hrtime.bigint() - start) / 1e6,
        requests: dynamoRequests() - before,
        events: bodies.length,
      };
    };

    const first = await run(batchOf(0, 'status'));
    const warm = [];
    for (let round = 1; round <= 8; round += 1) warm.push(await run(batchOf(round, 'status')));
    const alerting = await run(batchOf(9, 'red'));
    const redelivered = await run(batchOf(3, 'status'));
    const row = (path: string, r: { ms: number; requests: number; events: number }) => ({
      path,
      events: r.events,
      'DynamoDB requests / event (target 1)': fixed(r.requests / r.events, 2),
      'ms per 10-record batch': fixed((r.ms / r.events) * BATCH),
    });
    const warmMs = median(warm.map((w) => w.ms));
    const warmRequests =
      warm.reduce((sum, w) => sum + w.requests, 0) / warm.reduce((sum, w) => sum + w.events, 0);
    printTable('Processor against DynamoDB Local (SNS on moto)', [
      row('first touch of 10 entities (cold cache: read + commit)', first),
      {
        path: 'common path: state change, warm cache',
        events: warm.reduce((sum, w) => sum + w.events, 0),
        'DynamoDB requests / event (target 1)': fixed(warmRequests, 2),
        'ms per 10-record batch': fixed(warmMs),
      },
      row('alerting: quality RED, warm cache (commit + SNS publish + outbox update)', alerting),
      row('redelivered events (commit refused by the marker + pending-alert check)', redelivered),
    ]);
    console.log(
      'The emulators answer in milliseconds, like DynamoDB but on a shared machine: the figure that carries over is requests per event.',
    );

    // What checking a record costs (version + its kind's schema) beside JSON.parse of the same bodies, which is
    // the floor, and beside what applying the record costs on the common path measured above.
    const bodies = [...batchOf(20, 'status'), ...batchOf(21, 'red')];
    let turn = 0;
    const nextBody = () => bodies[turn++ % bodies.length] ?? '';
    const [parseUs = 0, readUs = 0] = await microsPerCallInterleaved(
      [() => JSON.parse(nextBody()), () => readQueueMessage(nextBody(), 0)],
      { iterations: 20_000 },
    );
    const warmRecordUs = (warmMs / BATCH) * 1000;
    printTable('Reading a queue message: version and schema checks beside their floor', [
      { path: 'floor: JSON.parse of the body', 'us / message': fixed(parseUs, 2), 'x floor': 1 },
      {
        path: 'readQueueMessage (parse, version, kind schema)',
        'us / message': fixed(readUs, 2),
        'x floor': fixed(readUs / parseUs, 2),
      },
      {
        path: 'checks (read - parse) per record of the warm common path',
        'us / message': fixed(readUs - parseUs, 2),
        'x floor': `${fixed(((readUs - parseUs) / warmRecordUs) * 100, 2)} % of ${fixed(warmRecordUs / 1000, 2)} ms`,
      },
    ]);
  });
}
