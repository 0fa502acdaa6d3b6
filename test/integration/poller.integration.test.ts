import { SNSClient } from '@aws-sdk/client-sns';
import { SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EventProcessor } from '../../functions/processor/event-processor.ts';
import { type GraphApiStub, startGraphApiStub } from '../../local/graph-api-stub.ts';
import { type LocalResources, subscribeInbox } from '../../local/provision.ts';
import { GraphClient } from '../../shared/graph/graph-client.ts';
import { AlertPublisher } from '../../shared/notify/sns-alert-publisher.ts';
import { EventQueue } from '../../shared/queue/event-queue.ts';
import { DynamoDbAlertOutbox } from '../../shared/store/dynamodb-alert-outbox.ts';
import { ReadModel } from '../../shared/store/read-model.ts';
import { StateCache } from '../../shared/store/state-cache.ts';
import { StateStore } from '../../shared/store/state-store.ts';
import { eventsOfMessage } from '../support/events-of-message.ts';
import { connectLocalAws, drainQueue, freshResources, type SnsEnvelope } from '../support/local-aws.ts';
import { recordingCounters, recordingLogger } from '../support/recorders.ts';
import { runPoll } from '../support/sequential-poll.ts';

/* State changed only by a poll (no webhook): Graph API stand-in → poller → real SQS → processor → DynamoDB + SNS. */

const TOKEN = 'graph-token';
const WABA = '102290129340398';
let stub: GraphApiStub;
let resources: LocalResources;
let inbox: string;
let sqs: SQSClient;
let readModel: ReadModel;
let processor: EventProcessor;
const counters = recordingCounters();

const phone = (quality: string, status = 'CONNECTED') => ({
  id: '106540352242922',
  display_phone_number: '+1 555-078-3881',
  verified_name: 'Lucky Shrub',
  quality_rating: quality,
  status,
});

beforeAll(async () => {
  const doc = connectLocalAws();
  const fresh = await freshResources('poll');
  resources = fresh;
  inbox = await subscribeInbox(resources.alertTopicArn, `${fresh.prefix}-inbox`);
  sqs = new SQSClient({});
  readModel = new ReadModel(doc, resources.tableName);
  processor = new EventProcessor({
    store: new StateStore(doc, resources.tableName),
    outbox: new DynamoDbAlertOutbox(doc, resources.tableName),
    publisher: new AlertPublisher(new SNSClient({}), resources.alertTopicArn),
    cache: new StateCache(),
    logger: recordingLogger(),
    counters,
  });
  stub = await startGraphApiStub({
    token: TOKEN,
    wabas: {
      [WABA]: {
        phoneNumbers: [phone('GREEN')],
        templates: [
          {
            id: '1387372356726668',
            name: 'welcome',
            language: 'en_US',
            status: 'APPROVED',
            category: 'UTILITY',
            quality_score: { score: 'GREEN' },
          },
        ],
      },
    },
  });
});

afterAll(async () => {
  await stub.close();
});

async function pollAndProcess(token = TOKEN): Promise<void> {
  await runPoll({
    wabaIds: [WABA],
    graphFor: () =>
      new GraphClient({
        baseUrl: stub.url,
        version: 'v24.0',
        token: async () => token,
        sleep: async () => {},
      }),
    queue: new EventQueue(sqs, resources.eventQueueUrl),
    logger: recordingLogger(),
    counters: recordingCounters(),
    version: 'v24.0',
    intervalMinutes: 15,
  });
  for (const body of await drainQueue(sqs, resources.eventQueueUrl)) {
    for (const event of eventsOfMessage(JSON.stringify(body), Date.now())) await processor.process(event);
  }
}

async function publishedKinds(): Promise<string[]> {
  return (await drainQueue<SnsEnvelope>(sqs, inbox)).map((envelope) =>
    String(envelope.MessageAttributes?.kind?.Value),
  );
}

describe('poll-only changes reach DynamoDB and alert like webhooks', () => {
  it('stores what the first poll finds, without alerting healthy values', async () => {
    await pollAndProcess();
    const phones = await readModel.listStates('phone-number', { limit: 10 });
    expect(phones.items).toMatchObject([
      {
        id: `${WABA}:15550783881`,
        qualityRating: 'GREEN',
        status: 'CONNECTED',
        displayPhoneNumber: '+1 555-078-3881',
      },
    ]);
    expect((await readModel.listStates('template', { limit: 10 })).items).toMatchObject([
      { templateId: '1387372356726668', qualityScore: 'GREEN' },
    ]);
    expect(await publishedKinds()).toEqual([]);
  });

  it('alerts a quality drop only the poll saw, and counts it as drift', async () => {
    stub.wabas.set(WABA, {
      ...(stub.wabas.get(WABA) ?? { templates: [] }),
      phoneNumbers: [phone('RED', 'RESTRICTED')],
    });
    await pollAndProcess();
    expect(await publishedKinds()).toEqual(expect.arrayContaining(['phone-quality-red', 'phone-restricted']));
    expect(counters.totals.get('PollDrift')).toBe(2);
  });

  it('alerts once when the token stops working, not on every run, and once when it works again', async () => {
    await pollAndProcess('expired-token');
    await pollAndProcess('expired-token');
    expect(await publishedKinds()).toEqual(['poller-cannot-read-waba']);
    await pollAndProcess();
    expect(await publishedKinds()).toEqual(['poller-access-restored']);
  });
});
