import { SNSClient } from '@aws-sdk/client-sns';
import { SQSClient } from '@aws-sdk/client-sqs';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { beforeAll, describe, expect, it } from 'vitest';
import { sweepOwedAlerts } from '../../functions/alert-sweep/owed-alerts-sweep.ts';
import { createReadApi } from '../../functions/api/read-api.ts';
import { AlertsInFlightError, EventProcessor } from '../../functions/processor/event-processor.ts';
import { subscribeInbox } from '../../local/provision.ts';
import { decideAlerts } from '../../shared/alerts/decide-alerts.ts';
import type { QualityEvent } from '../../shared/events/quality-event.ts';
import { AlertPublisher } from '../../shared/notify/sns-alert-publisher.ts';
import { queueMessageBody } from '../../shared/queue/queue-message.ts';
import { applyEvent } from '../../shared/state/apply-event.ts';
import type { EntityState } from '../../shared/state/entity-state.ts';
import { DynamoDbAlertOutbox } from '../../shared/store/dynamodb-alert-outbox.ts';
import { ReadModel } from '../../shared/store/read-model.ts';
import { StateCache } from '../../shared/store/state-cache.ts';
import { StateStore } from '../../shared/store/state-store.ts';
import { rawValueOf } from '../../shared/store/table-items.ts';
import { parseWebhook } from '../../shared/webhook/parse-webhook.ts';
import { apiGatewayEvent } from '../support/api-gateway-events.ts';
import { fixtureNames, readFixture } from '../support/fixtures.ts';
import { foldEvents } from '../support/fold-events.ts';
import { gate, settle } from '../support/in-memory-state-store.ts';
import { connectLocalAws, drainQueue, freshResources, type SnsEnvelope } from '../support/local-aws.ts';
import { recordingCounters, recordingLogger } from '../support/recorders.ts';
import { sqsEvent } from '../support/sqs-events.ts';
import { change, eventsOf, WABA, webhookBody } from '../support/webhook-builders.ts';

/*
 * The processor against the emulator's real DynamoDB (conditional writes, transactions) and SNS (an SQS queue
 * subscribed to the topic reads what was published).
 */

let doc: DynamoDBDocumentClient;
let sqs: SQSClient;

beforeAll(() => {
  doc = connectLocalAws();
  sqs = new SQSClient({});
});

interface PublishedAlert {
  readonly id: string;
  readonly attributes: Record<string, string>;
  readonly chatbot: { content: { title: string } };
}

/** Fresh table, topic and inbox, and a processor wired to them. */
async function pipeline(options: { failPublishes?: number; failPublishNumbers?: readonly number[] } = {}) {
  const resources = await freshResources('proc');
  const inbox = await subscribeInbox(resources.alertTopicArn, `${resources.prefix}-inbox`);
  const sns = new SNSClient({});
  let failures = options.failPublishes ?? 0;
  let publishes = 0;
  // Fault injection in the real client: the first N publishes (or the numbered ones) fail as SNS would with a 5xx.
  sns.middlewareStack.add(
    (next) => async (args) => {
      publishes += 1;
      if (failures > 0 || options.failPublishNumbers?.includes(publishes)) {
        failures = Math.max(0, failures - 1);
        throw Object.assign(new Error('injected SNS failure'), { name: 'InternalErrorException' });
      }
      return next(args);
    },
    { step: 'initialize', name: 'injectPublishFailures' },
  );
  const store = new StateStore(doc, resources.tableName);
  const outbox = new DynamoDbAlertOutbox(doc, resources.tableName);
  const counters = recordingCounters();
  const realPublisher = new AlertPublisher(sns, resources.alertTopicArn);
  const newProcessor = (publisher: Pick<AlertPublisher, 'publish'> = realPublisher) =>
    new EventProcessor({
      store,
      outbox,
      publisher,
      cache: new StateCache(),
      logger: recordingLogger(),
      counters,
    });
  const processor = newProcessor();
  const readModel = new ReadModel(doc, resources.tableName);

  /** Processes a batch the way the handler does: in order, each record failing alone. */
  async function deliver(event: SQSEvent, using = processor): Promise<SQSBatchResponse> {
    const batchItemFailures: SQSBatchResponse['batchItemFailures'] = [];
    for (const record of event.Records) {
      try {
        const { eventsOfMessage } = await import('../support/events-of-message.ts');
        for (const e of eventsOfMessage(record.body, Date.now())) await using.process(e);
      } catch {
        batchItemFailures.push({ itemIdentifier: record.messageId });
      }
    }
    return { batchItemFailures };
  }

  async function published(): Promise<PublishedAlert[]> {
    return (await drainQueue<SnsEnvelope>(sqs, inbox)).map((envelope) => {
      const chatbot = JSON.parse(envelope.Message);
      const attributes = Object.fromEntries(
        Object.entries(envelope.MessageAttributes ?? {}).map(([name, value]) => [name, value.Value]),
      );
      return { id: chatbot.id, attributes, chatbot };
    });
  }

  async function states(): Promise<Record<string, EntityState>> {
    const all: EntityState[] = [];
    for (const kind of ['phone-number', 'template', 'business'] as const) {
      all.push(...(await readModel.listStates(kind, { limit: 1000 })).items);
    }
    return Object.fromEntries(all.map((s) => [s.id, s]));
  }

  return {
    resources,
    store,
    outbox,
    realPublisher,
    processor,
    newProcessor,
    deliver,
    published,
    states,
    readModel,
    counters,
  };
}

/** Alert ids the pure domain decides for events applied in the given order. */
function alertsDecidedInOrder(events: readonly QualityEvent[]): string[] {
  const states = new Map<string, EntityState>();
  return events.flatMap((event) => {
    const result = applyEvent(states.get(event.entity.id), event);
    states.set(event.entity.id, result.state);
    return decideAlerts(result.transitions, result.state).map((alert) => alert.id);
  });
}

const bodiesOf = (events: readonly QualityEvent[]) => events.map((e) => queueMessageBody(e));
const inMemory = (events: readonly QualityEvent[]) => {
  const ordered = [...events].sort((a, b) => a.eventTime - b.eventTime || (a.id < b.id ? -1 : 1));
  return Object.fromEntries([...foldEvents(ordered).states.entries()]);
};

describe('processor against the local emulator', () => {
  const fixtureEvents = fixtureNames()
    .filter((n) => n.endsWith('.json') && !n.startsWith('api.') && !n.startsWith('error.'))
    .flatMap((name) => parseWebhook(readFixture(name), { receivedAt: Date.UTC(2026, 0, 1) }).events);

  it('drives every fixture to the state of in-memory application, alerting only real (non-test) transitions', async () => {
    const p = await pipeline();
    const response = await p.deliver(sqsEvent(bodiesOf(fixtureEvents)));
    expect(response.batchItemFailures).toEqual([]);
    expect(await p.states()).toEqual(inMemory(fixtureEvents));
    const alerts = await p.published();
    expect(alerts.every((a) => a.attributes.wabaId !== '0')).toBe(true);
    // Exactly the alerts the domain decides when the events are applied in this delivery order.
    expect(alerts.map((a) => a.id).sort()).toEqual(alertsDecidedInOrder(fixtureEvents).sort());
    expect(alerts.map((a) => a.attributes.kind)).toEqual(
      expect.arrayContaining([
        'phone-flagged',
        'template-disabled',
        'template-rejected',
        'account-restricted',
      ]),
    );
  });

  it('gives the same state and no new alert when the same batch is delivered twice', async () => {
    const p = await pipeline();
    await p.deliver(sqsEvent(bodiesOf(fixtureEvents)));
    const first = await p.states();
    const firstAlerts = await p.published();
    // A second instance (cold cache) and the same one (warm cache) both see duplicates.
    await p.deliver(sqsEvent(bodiesOf(fixtureEvents)), p.newProcessor());
    await p.deliver(sqsEvent(bodiesOf(fixtureEvents)));
    expect(await p.states()).toEqual(first);
    expect(firstAlerts.length).toBeGreaterThan(0);
    expect(await p.published()).toEqual([]);
  });

  it('ends a batch delivered in reverse time order in the same state as in order', async () => {
    const history = [
      change.templateStatus(100, 'APPROVED'),
      change.templateQuality(200, 'YELLOW'),
      change.templateQuality(300, 'RED'),
      change.templatePaused(310, 'FIRST_PAUSE'),
      change.templateStatus(400, 'APPROVED', { other_info: { title: 'UNPAUSE' } }),
      change.templateQuality(500, 'GREEN'),
      change.phoneQuality(150, 'FLAGGED', { current_limit: 'TIER_10K' }),
      change.phoneQuality(450, 'UNFLAGGED'),
    ].flatMap(eventsOf);
    const inOrder = await pipeline();
    await inOrder.deliver(sqsEvent(bodiesOf(history)));
    const reversed = await pipeline();
    await reversed.deliver(sqsEvent(bodiesOf([...history].reverse())));
    expect(await reversed.states()).toEqual(await inOrder.states());
    expect(await inOrder.states()).toEqual(inMemory(history));
  });

  it('retries a publish that SNS failed, and the alert arrives exactly once', async () => {
    const p = await pipeline({ failPublishes: 1 });
    const body = bodiesOf(eventsOf(change.templateQuality(1_760_000_000, 'RED')));
    const first = await p.deliver(sqsEvent(body));
    expect(first.batchItemFailures).toHaveLength(1);
    expect(await p.published()).toEqual([]);
    // SQS redelivers the record after the visibility timeout; a cold instance picks it up.
    const retry = await p.deliver(sqsEvent(body), p.newProcessor());
    expect(retry.batchItemFailures).toEqual([]);
    const alerts = await p.published();
    expect(alerts.map((a) => a.attributes.kind)).toEqual(['template-quality-red']);
    // And a third delivery (Meta's duplicate) publishes nothing more.
    await p.deliver(sqsEvent(body));
    expect(await p.published()).toEqual([]);
  });

  it('never sends again the alerts of an event that were out before a later one failed', async () => {
    const p = await pipeline({ failPublishNumbers: [4] });
    await p.deliver(sqsEvent(bodiesOf(eventsOf(change.templatePaused(100, 'FIRST_PAUSE')))));
    await p.deliver(
      sqsEvent(
        bodiesOf(eventsOf(change.templateStatus(150, 'APPROVED', { other_info: { title: 'UNPAUSE' } }))),
      ),
    );
    const second = bodiesOf(eventsOf(change.templatePaused(200, 'SECOND_PAUSE')));
    // The second pause raises two alerts; the second of them fails to publish.
    expect((await p.deliver(sqsEvent(second))).batchItemFailures).toHaveLength(1);
    expect((await p.deliver(sqsEvent(second), p.newProcessor())).batchItemFailures).toEqual([]);
    const alerts = await p.published();
    expect(alerts.map((a) => a.attributes.kind).sort()).toEqual([
      'template-one-red-from-disable',
      'template-paused',
      'template-paused',
      'template-unpaused',
    ]);
    expect(new Set(alerts.map((a) => a.id)).size).toBe(4);
  });

  it('stores any value valid JSON can hold, and reads it back exactly (issue 12, finding 1)', async () => {
    const p = await pipeline();
    const [event] = eventsOf(change.templateQuality(1_760_000_000, 'RED'));
    if (!event) throw new Error('no event');
    // What the marshaller refused as a native map: a `constructor` key, floats past 2^53, a lone surrogate,
    // nesting past DynamoDB's 32 levels. As the queue carries it (JSON text), as an old message would.
    let deep = '"bottom"';
    for (let i = 0; i < 40; i += 1) deep = `{"d":${deep}}`;
    const body = JSON.stringify({ ...event, raw: '__RAW__' }).replace(
      '"__RAW__"',
      `{"constructor":"x","__proto__":{"a":1},"huge":1e308,"big":1.5e16,"lone":"\\ud800","deep":${deep}}`,
    );
    expect((await p.deliver(sqsEvent([body]))).batchItemFailures).toEqual([]);
    const [item] = (await p.readModel.history(event.entity, { limit: 10 })).items;
    if (!item) throw new Error('no history');
    const raw = rawValueOf(item) as Record<string, unknown>;
    expect(Object.keys(raw)).toEqual(['constructor', '__proto__', 'huge', 'big', 'lone', 'deep']);
    expect(raw).toMatchObject({ constructor: 'x', huge: 1e308, big: 1.5e16, lone: '\ud800' });
    expect(JSON.stringify(raw)).toContain('"__proto__":{"a":1}');
    expect((await p.published()).map((alert) => alert.attributes.kind)).toEqual(['template-quality-red']);
  });

  it('stores limits past 2^53 and an account alert without a type (found by the bench fuzz)', async () => {
    const p = await pipeline();
    const events = [
      ...eventsOf(change.phoneQuality(1_760_000_000, 'UPGRADE', { current_limit: '9007199254740993' })),
      ...eventsOf(change.phoneQuality(1_760_000_100, 'DOWNGRADE', { current_limit: 15000000000000000 })),
      ...eventsOf(change.accountAlert(1_760_000_200, { alert_type: '', alert_severity: 'INFORMATIONAL' })),
    ];
    expect(events).toHaveLength(3);
    const bodies = events.map((event) => queueMessageBody(event));
    expect((await p.deliver(sqsEvent(bodies))).batchItemFailures).toEqual([]);
    const all = await p.states();
    expect(all[events[0]?.entity.id ?? '']).toMatchObject({ messagingLimit: '15000000000000000' });
    expect(all[events[2]?.entity.id ?? '']).toMatchObject({
      accountAlerts: { UNKNOWN: { severity: 'INFORMATIONAL' } },
    });
  });

  it('the read API returns the raw value Meta sent as JSON, with big numbers exact', async () => {
    const p = await pipeline();
    // A template id past 2^53 as a JSON integer, and a `constructor` key holding 1e308: both refused as a map.
    const body = webhookBody(change.templateQuality(1_760_000_500, 'RED')).replace(
      '"message_template_id":1304694804498707',
      '"message_template_id":123456789012345678901,"constructor":{"x":1e308}',
    );
    for (const event of parseWebhook(body, { receivedAt: 0 }).events) await p.processor.process(event);
    const api = createReadApi(p.readModel, recordingLogger());
    const path = `/v1/templates/${encodeURIComponent(`${WABA}:123456789012345678901`)}/history`;
    const response = await api(apiGatewayEvent({ method: 'GET', path }));
    expect(response.statusCode).toBe(200);
    expect(JSON.parse(response.body).items[0].raw).toEqual({
      message_template_id: '123456789012345678901',
      constructor: { x: '1e308' },
      message_template_name: 'cart_reminder',
      message_template_language: 'en',
      new_quality_score: 'RED',
    });
  });

  it('publishes once when a second copy of an event arrives while the first is publishing', async () => {
    // Step by step, not two copies racing on a busy machine: moto restores a whole-table snapshot when a
    // transaction is cancelled, so the loser's failed commit could undo the winner's strike-off made meanwhile
    // (DynamoDB does not). The interleavings of the outbox are covered in alert-outbox.race.test.ts.
    const p = await pipeline();
    const [event] = eventsOf(change.templateQuality(1_760_000_000, 'RED'));
    if (!event) throw new Error('no event');
    const snsAnswers = gate();
    const a = p.newProcessor({
      publish: async (alert) => {
        await snsAnswers.promise;
        await p.realPublisher.publish(alert);
      },
    });
    const first = a.process(event);
    while ((await p.outbox.owedBy(event.id)) === undefined) await settle();
    await expect(p.newProcessor().process(event)).rejects.toBeInstanceOf(AlertsInFlightError);
    snsAnswers.open();
    await expect(first).resolves.toBe('applied');
    await expect(p.newProcessor().process(event)).resolves.toBe('duplicate');
    expect((await p.published()).map((alert) => alert.attributes.kind)).toEqual(['template-quality-red']);
  });

  it('a redrive of the DLQ after a fix applies everything that was stuck, exactly once', async () => {
    const p = await pipeline();
    const events = [
      change.templateQuality(1_760_000_000, 'RED'),
      change.phoneQuality(1_760_000_001, 'FLAGGED'),
      change.templateStatus(1_760_000_002, 'APPROVED', { message_template_category: 'MARKETING' }),
      change.templatePaused(1_760_000_003, 'FIRST_PAUSE'),
    ].flatMap(eventsOf);
    const batch = sqsEvent(bodiesOf(events));
    // Broken for five receives: DynamoDB refuses writes for the first two, SNS is down throughout.
    let dynamoDown = true;
    let snsDown = true;
    const broken = p.newProcessor({
      publish: async (alert) => {
        if (snsDown) throw Object.assign(new Error('SNS is down'), { name: 'InternalErrorException' });
        await p.realPublisher.publish(alert);
      },
    });
    const commit = p.store.commit.bind(p.store);
    p.store.commit = async (c) => {
      if (dynamoDown) throw Object.assign(new Error('throttled'), { name: 'ThrottlingException' });
      return commit(c);
    };
    for (let receive = 1; receive <= 5; receive += 1) {
      if (receive === 3) dynamoDown = false;
      const { batchItemFailures } = await p.deliver(batch, broken);
      // Every record with an alert fails (and so goes to the DLQ); the approval alone has none.
      expect(batchItemFailures.length).toBeGreaterThanOrEqual(3);
    }
    expect(await p.published()).toEqual([]);

    // The fix; then the redrive, which may hand a message over twice.
    snsDown = false;
    expect((await p.deliver(batch, broken)).batchItemFailures).toEqual([]);
    expect((await p.deliver(batch, p.newProcessor())).batchItemFailures).toEqual([]);

    expect(await p.states()).toEqual(inMemory(events));
    const alerts = await p.published();
    expect(alerts.map((alert) => alert.id).sort()).toEqual(alertsDecidedInOrder(events).sort());
    expect(new Set(alerts.map((alert) => alert.id)).size).toBe(alerts.length);
    for (const event of events) {
      const history = await p.readModel.history(event.entity, { limit: 100 });
      expect(history.items.filter((item) => item.eventId === event.id)).toHaveLength(1);
    }
  });

  it('the owed-alerts sweep finds, on the index, what a message that gave up still owes, and publishes it once', async () => {
    const p = await pipeline();
    const [event] = eventsOf(change.templateQuality(1_760_000_000, 'RED'));
    if (!event) throw new Error('no event');
    const snsDown = p.newProcessor({
      publish: async () => {
        throw Object.assign(new Error('SNS is down'), { name: 'InternalErrorException' });
      },
    });
    for (let receive = 1; receive <= 5; receive += 1) {
      await expect(snsDown.process(event)).rejects.toThrow('SNS is down');
    }
    expect(await p.outbox.eventsOwing(new Date(Date.now() + 60_000).toISOString(), 10)).toEqual([event.id]);
    const sweep = () =>
      sweepOwedAlerts({
        outbox: p.outbox,
        processor: p.newProcessor(),
        logger: recordingLogger(),
        counters: recordingCounters(),
        minAgeMs: 0,
        now: () => Date.now() + 1,
      });
    expect(await sweep()).toMatchObject({ owed: 1, alertsPublished: 1, stillOwed: 0 });
    expect(await sweep()).toMatchObject({ owed: 0 });
    expect((await p.published()).map((alert) => alert.attributes.kind)).toEqual(['template-quality-red']);
  });

  it('gives a claim on owed alerts back only for its holder', async () => {
    const p = await pipeline({ failPublishes: 1 });
    const [event] = eventsOf(change.templateQuality(1_760_000_000, 'RED'));
    if (!event) throw new Error('no event');
    await expect(p.processor.process(event)).rejects.toThrow('injected SNS failure');
    // A second processor takes the owed alerts over; the first one's late release must not end its claim.
    const taken = await p.outbox.claim(event.id, 2_000, 1_500);
    expect(taken).toHaveLength(1);
    await p.outbox.release(event.id, 1_000);
    expect((await p.outbox.owedBy(event.id))?.claimedAt).toBe(2_000);
    await p.outbox.release(event.id, 2_000);
    expect((await p.outbox.owedBy(event.id))?.claimedAt).toBeUndefined();
  });

  it('fails only the poison record of a batch; the rest commits', async () => {
    const p = await pipeline();
    const good = bodiesOf(eventsOf(change.phoneQuality(1_760_000_000, 'FLAGGED')));
    const batch = sqsEvent(['{not json', ...good, JSON.stringify({ kind: 'template-status' })]);
    const response = await p.deliver(batch);
    expect(response.batchItemFailures.map((f) => f.itemIdentifier)).toEqual([
      batch.Records[0]?.messageId,
      batch.Records[2]?.messageId,
    ]);
    expect(Object.values(await p.states())).toMatchObject([{ kind: 'phone-number', status: 'FLAGGED' }]);
    expect((await p.published()).map((a) => a.attributes.kind)).toEqual(['phone-flagged']);
  });

  it('keeps a late event in the history without letting it overwrite newer state', async () => {
    const p = await pipeline();
    const [green] = eventsOf(change.templateQuality(2_000, 'GREEN'));
    const [red] = eventsOf(change.templateQuality(1_000, 'RED'));
    if (!green || !red) throw new Error('no events');
    await p.deliver(sqsEvent(bodiesOf([green, red])));
    const [template] = Object.values(await p.states());
    expect(template).toMatchObject({ qualityScore: 'GREEN' });
    const history = await p.readModel.history(green.entity, { limit: 10 });
    expect(history.items.map((h) => [h.eventId, h.outcome])).toEqual([
      [green.id, 'applied'],
      [red.id, 'late'],
    ]);
    expect(await p.published()).toEqual([]);
  });

  it('lets two processor instances race on one entity without losing an update', async () => {
    const p = await pipeline();
    const a = p.newProcessor();
    const b = p.newProcessor();
    const events = [
      change.templateQuality(100, 'YELLOW'),
      change.templateStatus(101, 'APPROVED', { message_template_category: 'MARKETING' }),
      change.templatePaused(102, 'FIRST_PAUSE'),
      change.templateCategory(103, { previous_category: 'MARKETING', new_category: 'UTILITY' }),
    ].flatMap(eventsOf);
    // Each instance warms its cache first, then they interleave writes with stale caches.
    const [first, second, third, fourth] = events;
    if (!first || !second || !third || !fourth) throw new Error('no events');
    await a.process(first);
    await b.process(second);
    await a.process(third);
    await b.process(fourth);
    expect(await p.states()).toEqual(inMemory(events));
    expect(p.counters.totals.get('StateConflicts')).toBeGreaterThanOrEqual(1);
  });
});
